"""What a dashboard shows, computed once for the HTML page, its xlsx exports, the API and the
public province page: for each indicator the actual rate, the target, the status, the projected
year and the series over the years; the children ranked on one indicator; the line over years.

The number of queries does not depend on the unit's level or on how many children it has."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.territory.models import Level, Unit

from . import charts
from .figures import CURRENT, RECORDED, Figures, Value, figures
from .indicators import CAPACITY_INDICATORS, CITIZEN_INDICATORS, SHORT_LABELS, TITLE_INDICATORS, Indicator
from .models import Tally
from .progress import Status, projected_year, status
from .targets import Applied, Targets

PLAN_FIRST_YEAR = 2022  # the first year of the provincial plans' yearly steps
MAPS = (CURRENT, RECORDED)


def default_year() -> int:
    # the latest campaign year with figures (recognitions carried into later years do not make one)
    latest = Tally.objects.filter(registered__gt=0).aggregate(year=Max("year"))["year"]
    return latest or timezone.localdate().year


def years_up_to(year: int) -> list[int]:
    return list(range(min(PLAN_FIRST_YEAR, year), year + 1))


def indicators_for(unit: Unit) -> list[str]:
    if unit.level == Level.VILLAGE:
        return [Indicator.FAMILY, Indicator.COMMUNITY, Indicator.CITIZEN, *CITIZEN_INDICATORS]
    return [*TITLE_INDICATORS, *CITIZEN_INDICATORS, *CAPACITY_INDICATORS]


@dataclass
class Line:
    indicator: str
    label: str
    short: str
    value: Value
    target: Applied | None
    status: str | None
    projected: int | None
    series: list[tuple[int, Fraction | None]]
    sparkline: str = ""

    @property
    def rate(self):
        return self.value.rate if self.value.has_data or self.value.numerator else None

    @property
    def has_any(self) -> bool:
        """Any figure in any year shown (else the page lists it among "no data yet")."""
        return self.rate is not None or any(rate is not None for _, rate in self.series)


@dataclass
class ChildLine:
    unit: Unit
    value: Value
    target: Applied | None
    status: str | None
    rate: Fraction | None


@dataclass
class Dashboard:
    unit: Unit
    year: int
    years: list[int]
    map: str
    focus: str
    figures: Figures
    lines: list[Line]
    children: list[ChildLine] = field(default_factory=list)
    bar_chart: str = ""
    line_chart: str = ""

    @property
    def focus_line(self) -> Line | None:
        return next((line for line in self.lines if line.indicator == self.focus), None)

    @property
    def lines_with_data(self) -> list[Line]:
        return [line for line in self.lines if line.has_any]

    @property
    def lines_without_data(self) -> list[Line]:
        return [line for line in self.lines if not line.has_any]


def _line(indicator, unit, figs, targets, year, years) -> Line:
    series = []
    points = []
    for y in years:
        v = figs.value(indicator, y)
        rate = v.rate if v.has_data else None
        series.append((y, rate))
        if rate is not None:
            points.append((y, rate))
    value = figs.value(indicator, year)
    target = targets.applied(unit, indicator, year)
    projected = projected_year(points, target.value) if target else None
    actual = value.rate if value.has_data else None
    line = Line(
        indicator,
        str(Indicator(indicator).label),
        str(SHORT_LABELS[indicator]),
        value,
        target,
        status(actual, target.value if target else None, projected, target.deadline if target else None),
        projected,
        series,
    )
    line.sparkline = charts.sparkline(series, f"{line.short}: {years[0]}–{years[-1]}", target.value if target else None)
    return line


def build(
    unit: Unit, *, year: int | None = None, map: str = CURRENT, focus: str | None = None, scope=None
) -> Dashboard:
    year = year or default_year()
    years = years_up_to(year)
    map = map if map in MAPS else CURRENT
    indicators = indicators_for(unit)
    focus = focus if focus in indicators else indicators[0]
    figs = figures(unit, years, map, year)
    children = figs.children
    if scope is not None and children and not scope.is_national():
        visible = set(scope.filter(Unit.objects.filter(pk__in=[c.pk for c in children])).values_list("pk", flat=True))
        children = [c for c in children if c.pk in visible]
    targets = Targets([unit, *children])
    lines = [_line(i, unit, figs, targets, year, years) for i in indicators]
    board = Dashboard(unit, year, years, figs.map, focus, figs, lines)
    for child in children:
        value = figs.value(focus, year, child)
        target = targets.applied(child, focus, year)
        rate = value.rate if value.has_data or value.numerator else None
        board.children.append(
            ChildLine(
                child,
                value,
                target,
                status(rate, target.value if target else None, None, target.deadline if target else None),
                rate,
            )
        )
    board.children.sort(key=lambda c: (c.rate is None, -(c.rate or 0), c.unit.sort_key))
    focus_line = board.focus_line
    target = focus_line.target if focus_line else None
    board.bar_chart = (
        charts.bar_chart(
            [
                {
                    "label": c.unit.short_name,
                    "value": c.rate,
                    "status": c.status,
                    "note": "≈" if c.value.approximate else "",
                }
                for c in board.children
            ],
            _("%(indicator)s %(year)s: các đơn vị trực thuộc") % {"indicator": SHORT_LABELS[focus], "year": year},
            target.value if target else None,
            _("chỉ tiêu %(rate)s") % {"rate": charts.pct(target.value)} if target else "",
        )
        if board.children
        else ""
    )
    target_points = [(y, (targets.applied(unit, focus, y) or _none).value) for y in years]
    board.line_chart = (
        charts.line_chart(focus_line.series, f"{SHORT_LABELS[focus]} {unit.name} {years[0]}–{years[-1]}", target_points)
        if focus_line
        else ""
    )
    return board


class _None:
    value = None


_none = _None()


def status_label(value: str | None) -> str:
    return str(Status(value).label) if value else "—"

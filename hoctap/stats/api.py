"""/api/v1/stats/: the dashboards' figures as JSON, through the same scope as the pages."""

from django.utils.translation import gettext as _
from ninja import Router, Schema

from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Id, Year
from hoctap.territory.models import Unit

from . import by_ethnicity
from .dashboard import build, default_year
from .figures import CURRENT
from .indicators import Indicator
from .models import Target

router = Router(tags=["stats"])


def _num(value):
    return None if value is None else round(float(value), 4)


class Point(Schema):
    year: int
    rate: float | None


class IndicatorOut(Schema):
    indicator: str
    label: str
    year: int
    numerator: float | None
    denominator: float | None
    denominator_source: str | None
    rate: float | None
    approximate: bool
    target: float | None
    target_deadline: int | None
    status: str | None
    projected_year: int | None
    series: list[Point]


class ChildOut(Schema):
    unit_id: int
    code: str
    name: str
    numerator: float | None
    denominator: float | None
    rate: float | None
    target: float | None
    status: str | None
    approximate: bool


class TitleOut(Schema):
    title: str
    registered: float
    self_assessed: float
    decided: float
    recognised: float
    carried: float  # holding through an earlier recognition still valid (the rate counts both)
    by_class: dict[str, float]


class DashboardOut(Schema):
    unit_id: int
    code: str
    name: str
    level: str
    era: str
    year: int
    map: str
    focus: str
    indicators: list[IndicatorOut]
    titles: list[TitleOut]
    children: list[ChildOut]


class TargetOut(Schema):
    id: int
    indicator: str
    year: int
    unit_id: int | None
    value: float
    source: str


@router.get("/units/{unit_id}", response=DashboardOut)
def stats_unit(request, unit_id: Id, year: Year | None = None, map: str = CURRENT, focus: str = ""):
    """One unit's indicators (actual, target, status, projection, series) and its children ranked
    on `focus`, on the current map or the map in force when recorded (`map=recorded`)."""
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.all(), pk=unit_id)
    board = build(unit, year=year, map=map, focus=focus or None, scope=scope)
    titles = []
    for line in board.lines:
        if line.indicator in ("family", "clan", "community", "commune_community", "unit", "citizen"):
            counts = board.figures.title_counts(line.indicator, board.year)
            titles.append(
                {
                    "title": line.indicator,
                    "registered": float(counts.registered),
                    "self_assessed": float(counts.self_assessed),
                    "decided": float(counts.decided),
                    "recognised": float(counts.recognised),
                    "carried": float(counts.carried),
                    "by_class": {k: float(v) for k, v in counts.by_class.items()},
                }
            )
    return {
        "unit_id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "era": unit.era,
        "year": board.year,
        "map": board.map,
        "focus": board.focus,
        "indicators": [
            {
                "indicator": line.indicator,
                "label": line.label,
                "year": board.year,
                "numerator": _num(line.value.numerator),
                "denominator": _num(line.value.denominator),
                "denominator_source": line.value.source,
                "rate": _num(line.rate),
                "approximate": line.value.approximate,
                "target": _num(line.target.value) if line.target else None,
                "target_deadline": line.target.deadline if line.target else None,
                "status": line.status,
                "projected_year": line.projected,
                "series": [{"year": y, "rate": _num(r)} for y, r in line.series],
            }
            for line in board.lines
        ],
        "titles": titles,
        "children": [
            {
                "unit_id": c.unit.pk,
                "code": c.unit.code,
                "name": c.unit.name,
                "numerator": _num(c.value.numerator),
                "denominator": _num(c.value.denominator),
                "rate": _num(c.rate),
                "target": _num(c.target.value) if c.target else None,
                "status": c.status,
                "approximate": c.value.approximate,
            }
            for c in board.children
        ],
    }


class EthnicRowOut(Schema):
    ethnicity: str  # the General Statistics Office's code (QĐ 1019/QĐ-TCTK); "" = not recorded
    label: str
    # None where the cell is hidden (1 to 4 people, or hidden so that it cannot be subtracted out)
    adults: int | None
    citizens: int | None
    digital: int | None
    proficient: int | None
    citizens_share: float | None
    digital_share: float | None
    proficient_share: float | None
    hidden: list[str]


class EthnicCutOut(Schema):
    unit_id: int
    year: int
    small_cell: int
    note: str
    rows: list[EthnicRowOut]
    total: EthnicRowOut


def _ethnic_row(row) -> dict:
    return {
        "ethnicity": row.code,
        "label": row.label,
        **{column: row.shown(column) for column in by_ethnicity.COLUMNS},
        **{name: _num(row.share(name)) for name in by_ethnicity.SHARES},
        "hidden": sorted(row.hidden),
    }


@router.get("/units/{unit_id}/ethnicity", response=EthnicCutOut)
def stats_unit_ethnicity(request, unit_id: Id, year: Year | None = None):
    """The learning-citizen indicators of a unit of the current map cut by ethnic group, small
    cells hidden (personal-data protection)."""
    unit = scope_for(request).get_or_404(Unit.objects.current(), pk=unit_id)
    cut = by_ethnicity.cut(unit, year or default_year())
    return {
        "unit_id": unit.pk,
        "year": cut.year,
        "small_cell": by_ethnicity.SMALL_CELL,
        "note": _(
            "Ô dưới 5 người bị ẩn (null) để bảo vệ dữ liệu cá nhân; khi một cột chỉ có một ô bị ẩn, ô nhỏ "
            "tiếp theo cũng bị ẩn."
        ),
        "rows": [_ethnic_row(row) for row in cut.rows],
        "total": {**_ethnic_row(cut.total), "label": _("Tổng số")},
    }


@router.get("/targets", response=list[TargetOut])
def stats_targets(request, indicator: str = "", year: Year | None = None):
    """Targets readable in scope: the national ones and those of units in the user's territory."""
    targets = scope_for(request).filter(Target.objects.all())
    if indicator in Indicator.values:
        targets = targets.filter(indicator=indicator)
    if year is not None:
        targets = targets.filter(year=year)
    return [
        {
            "id": t.pk,
            "indicator": t.indicator,
            "year": t.year,
            "unit_id": t.unit_id,
            "value": float(t.value),
            "source": t.source,
        }
        for t in targets.order_by("indicator", "year", "unit_id")[:1000]
    ]

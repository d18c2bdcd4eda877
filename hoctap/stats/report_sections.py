"""The statistics app's sections of the periodic reports (`hoctap.core.sections`): the citizen
shares (workers and staff who are learning citizens, against 40 % / 60 % in 2025), digital skills
(70 % / 60 %) and the association's capacity, each with the target the unit has for the year and,
for capacity, how many communes reported. Counted by `figures.figures` and `targets.Targets`,
exactly as the dashboards count them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.core.sections import Column, Section, SectionFigures, shared

from . import figures as stats_figures
from .indicators import Indicator
from .targets import Targets

# One indicator, four columns: how many meet it, out of how many, the share, the target.
PARTS = (
    ("numerator", pgettext_lazy("report column", "Số đạt"), "count"),
    ("denominator", pgettext_lazy("report column", "Tổng số"), "count"),
    ("rate", pgettext_lazy("report column", "Tỷ lệ (%)"), "percent"),
    ("target", pgettext_lazy("report column", "Chỉ tiêu (%)"), "percent"),
)


def _columns(indicators) -> list[Column]:
    return [
        Column(f"{indicator}.{part}", label, kind, group=indicator.label)
        for indicator in indicators
        for part, label, kind in PARTS
    ]


def _line(data, applied: Targets, unit, indicators, year, child=None) -> dict:
    line = {}
    for indicator in indicators:
        value = data.value(indicator, year, child)
        target = applied.applied(child or unit, indicator, year)
        # No data is "–", never 0 % (a capacity share nobody reported is unknown, not failed).
        line[f"{indicator}.numerator"] = value.numerator if value.has_data else None
        line[f"{indicator}.denominator"] = value.denominator
        line[f"{indicator}.rate"] = value.rate if value.has_data else None
        line[f"{indicator}.target"] = target.value if target else None
    return line


def roll_up(unit, year: int) -> tuple[stats_figures.Figures, Targets]:
    """The unit's statistics for the year and the targets that apply to it and its children: what
    the titles, citizens, digital and capacity sections all stand on, read once per report build."""
    data = shared(("stats.figures", unit.pk, year), lambda: stats_figures.figures(unit, [year]))
    applied = shared(("stats.targets", unit.pk, year), lambda: Targets([unit, *data.children]))
    return data, applied


def _indicator_figures(indicators, coverage: bool = False):
    def compute(unit, year: int) -> SectionFigures:
        data, applied = roll_up(unit, year)
        children = []
        for child in data.children:
            line = _line(data, applied, unit, indicators, year, child)
            if coverage:
                line["reporting"] = data.value(indicators[0], year, child).covered
            children.append((child, line))
        total = _line(data, applied, unit, indicators, year)
        notes = []
        if coverage:
            value = data.value(indicators[0], year)
            total["reporting"] = value.covered
            if value.expected:
                # The honest-coverage rule: say over how many communes the shares stand.
                notes.append(
                    _("%(covered)s/%(expected)s xã đã báo cáo năng lực Hội.")
                    % {"covered": value.covered, "expected": value.expected}
                )
        return SectionFigures(total, children, notes)

    return compute


CITIZEN_SHARES = [Indicator.WORKERS_CITIZENS, Indicator.STAFF_CITIZENS]
DIGITAL = [Indicator.CITIZENS_DIGITAL, Indicator.CITIZENS_PROFICIENT]
CAPACITY = [Indicator.CHAIR_IN_CLC, Indicator.OFFICERS_IT, Indicator.BRIEFED, Indicator.BRIEFED_CITIZEN]
REPORTING = Column("reporting", pgettext_lazy("report column", "Xã đã báo cáo"), "count")

SECTIONS = [
    Section(
        "citizens",
        _("Công dân học tập trong các mô hình học tập"),
        20,
        _columns(CITIZEN_SHARES),
        _indicator_figures(CITIZEN_SHARES),
    ),
    Section("digital", _("Công dân học tập có kỹ năng số"), 30, _columns(DIGITAL), _indicator_figures(DIGITAL)),
    Section(
        "capacity",
        _("Năng lực Hội Khuyến học"),
        40,
        [REPORTING, *_columns(CAPACITY)],
        _indicator_figures(CAPACITY, coverage=True),
    ),
]

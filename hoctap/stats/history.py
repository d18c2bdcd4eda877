"""The five-year comparison of a commune (the 2026 review of 2021–2025): titles recognised per year
on the current map, the years before the 2025 reform broken down by the old commune they were
recorded in, and per village — read from the counters, in a fixed number of queries.

The current map counts every subject where it lives now, so the years recorded on the old map
(`RecordedTally`, an assessment's `recorded_unit`) are already inside today's commune; the second
table shows where they came from. Villages merged or split (territory.village_changes): their
households took their history to the receiving village, and a closed village keeps the years of
its own title (learning community of the village); its line says where it went.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from hoctap.criteria.titles import Title
from hoctap.territory.models import REFORM_DATE, Level, Unit, VillageChange

from .indicators import SHORT_LABELS, TITLE_INDICATORS
from .models import RecordedTally, Tally

# The five-year review of 387/QĐ-TTg and 677/QĐ-TTg looks back to 2021.
FIRST_REVIEW_YEAR = 2021
TITLE_ORDER = [Title.CITIZEN, Title.FAMILY, Title.CLAN, Title.COMMUNITY, Title.UNIT, Title.COMMUNE_COMMUNITY]


@dataclass
class Line:
    label: str
    counts: list[int]
    unit: Unit | None = None
    note: str = ""
    went_into: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Comparison:
    commune: Unit
    years: list[int]
    titles: list[Line]
    holding: list[Line]
    old_years: list[int]
    old_communes: list[Line]
    villages: list[Line]


def compare_years(commune: Unit, first: int = FIRST_REVIEW_YEAR, last: int | None = None) -> Comparison:
    last = last or timezone.localdate().year
    years = list(range(first, last + 1))
    index = {year: i for i, year in enumerate(years)}

    recognised = defaultdict(lambda: [0] * len(years))
    holding = defaultdict(lambda: [0] * len(years))
    for row in Tally.objects.filter(unit=commune, year__in=years, classification="").values(
        "title", "year", "recognised", "carried"
    ):
        recognised[row["title"]][index[row["year"]]] += row["recognised"]
        holding[row["title"]][index[row["year"]]] += row["recognised"] + row["carried"]
    labels = dict(zip(TITLE_INDICATORS, TITLE_INDICATORS, strict=True))
    titles = [Line(str(SHORT_LABELS[labels[t]]), recognised[t]) for t in TITLE_ORDER]
    holding_lines = [Line(str(SHORT_LABELS[labels[t]]), holding[t]) for t in TITLE_ORDER]

    old_years = [y for y in years if y < REFORM_DATE.year]
    old_index = {year: i for i, year in enumerate(old_years)}
    by_old = defaultdict(lambda: [0] * len(old_years))
    if old_years:
        for row in (
            RecordedTally.objects.filter(unit=commune, year__in=old_years, classification="")
            .values("recorded_unit_id", "year")
            .annotate(n=Sum("recognised"))
            .order_by()
        ):
            by_old[row["recorded_unit_id"]][old_index[row["year"]]] += row["n"]
    sources = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=set(by_old) | set(commune.predecessors().values_list("pk", flat=True)))
    }
    old_lines = []
    for unit in sorted((u for u in sources.values() if u.pk != commune.pk), key=lambda u: u.sort_key):
        old_lines.append(Line(unit.name, by_old.get(unit.pk, [0] * len(old_years)), unit=unit))
    if commune.pk in by_old:
        # assessments that name no old commune (a commune formed from several, before the file said which)
        old_lines.append(Line("", by_old[commune.pk], unit=None, note="unknown"))

    villages = list(commune.children.filter(level=Level.VILLAGE).in_order())
    by_village = defaultdict(lambda: [0] * len(years))
    for row in (
        Tally.objects.filter(parent=commune, level="village", year__in=years, classification="")
        .values("unit_id", "year")
        .annotate(n=Sum("recognised"))
        .order_by()
    ):
        by_village[row["unit_id"]][index[row["year"]]] += row["n"]
    went = defaultdict(list)
    for change in VillageChange.objects.filter(commune=commune).prefetch_related("from_villages", "to_villages"):
        targets = list(change.to_villages.all())
        for village in change.from_villages.all():
            if village not in targets:
                went[village.pk].append((change, targets))
    village_lines = [Line(v.name, by_village[v.pk], unit=v, went_into=went.get(v.pk, [])) for v in villages]
    return Comparison(commune, years, titles, holding_lines, old_years, old_lines, village_lines)

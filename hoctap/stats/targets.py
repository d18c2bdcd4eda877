"""Which target applies to a unit, an indicator and a year.

The most specific first: the unit's own target for the year, then its ancestors' (a commune
inherits its province's yearly steps); for the years recorded on the old map (to 2025), a unit of
the new map inherits the target its old province(s) set, if they agree (a commune formed from old
Thái Bình communes inherits Thái Bình's 2024 step); then the national target of that year; then the
next national milestone (2025, 2030), whose year is the deadline the projection is measured against.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from hoctap.territory.models import REFORM_DATE, Era, Level, Unit, UnitLineage, path_ids

from .models import Target


@dataclass(frozen=True)
class Applied:
    value: Decimal
    deadline: int  # the year the value is due
    source: str  # the document
    where: str  # "unit", "ancestor", "predecessor", "national", "milestone"
    unit_id: int | None = None


class Targets:
    """All targets that can apply to `units`, read in two queries."""

    def __init__(self, units: list[Unit]):
        self.units = units
        chains = {u.pk: list(reversed(path_ids(u.path))) for u in units}  # self, parent, ..., nation
        self.chains = chains
        self.old_provinces: dict[int, set[int]] = defaultdict(set)
        # the old provinces each unit of the new map was formed from (two small DISTINCT queries)
        provinces = {u.pk: u.pk for u in units if u.era == Era.CURRENT and u.level == Level.PROVINCE}
        communes = {}
        for u in units:
            if u.era == Era.CURRENT and u.level == Level.COMMUNE:
                communes[u.pk] = u.pk
            elif u.era == Era.CURRENT and u.level == Level.VILLAGE:
                communes[u.pk] = u.parent_id
        if provinces:
            mapping = old_provinces_of_provinces()
            for province_id in provinces:
                self.old_provinces[province_id] |= mapping.get(province_id, set())
        if communes:
            pairs = UnitLineage.objects.filter(new_unit_id__in=set(communes.values())).values_list(
                "new_unit_id", "old_unit__path"
            )
            olds = defaultdict(set)
            for new_commune, old_path in pairs:
                ids = path_ids(old_path)
                if len(ids) > 1:
                    olds[new_commune].add(ids[1])  # nation / old province / district / commune
            for unit_id, commune_id in communes.items():
                self.old_provinces[unit_id] |= olds.get(commune_id, set())
        ids = {i for chain in chains.values() for i in chain} | {i for s in self.old_provinces.values() for i in s}
        self.by_key: dict[tuple[int | None, str, int], Target] = {}
        for target in Target.objects.filter(Q(unit_id__in=ids) | Q(unit__isnull=True)):
            self.by_key[(target.unit_id, target.indicator, target.year)] = target
        self.milestones: dict[str, list[int]] = defaultdict(list)
        for unit_id, indicator, year in self.by_key:
            if unit_id is None:
                self.milestones[indicator].append(year)
        for years in self.milestones.values():
            years.sort()

    def applied(self, unit: Unit, indicator: str, year: int) -> Applied | None:
        chain = self.chains.get(unit.pk) or list(reversed(path_ids(unit.path)))
        for index, unit_id in enumerate(chain):
            target = self.by_key.get((unit_id, indicator, year))
            if target is not None:
                return Applied(target.value, year, target.source, "unit" if index == 0 else "ancestor", unit_id)
        if unit.era == Era.CURRENT and year <= REFORM_DATE.year:
            values = {
                self.by_key[(old, indicator, year)].value: self.by_key[(old, indicator, year)]
                for old in self.old_provinces.get(unit.pk, ())
                if (old, indicator, year) in self.by_key
            }
            if len(values) == 1:
                target = next(iter(values.values()))
                return Applied(target.value, year, target.source, "predecessor", target.unit_id)
        target = self.by_key.get((None, indicator, year))
        if target is not None:
            return Applied(target.value, year, target.source, "national")
        later = [y for y in self.milestones.get(indicator, []) if y >= year]
        milestone = later[0] if later else (self.milestones[indicator][-1] if self.milestones.get(indicator) else None)
        if milestone is None:
            return None
        target = self.by_key[(None, indicator, milestone)]
        return Applied(target.value, milestone, target.source, "milestone")


_LINEAGE_CACHE: dict = {}
LINEAGE_CACHE_SECONDS = 600


def old_provinces_of_provinces() -> dict[int, set[int]]:
    """New province → the old provinces its communes came from. The lineage changes only when the
    map is reloaded, so the answer is kept in memory for a few minutes (34 small sets)."""
    now = time.monotonic()
    cached = _LINEAGE_CACHE.get("provinces")
    if cached and now - cached[0] < LINEAGE_CACHE_SECONDS:
        return cached[1]
    mapping: dict[int, set[int]] = defaultdict(set)
    for new_province, old_path in UnitLineage.objects.filter(new_unit__level=Level.COMMUNE).values_list(
        "new_unit__parent_id", "old_unit__path"
    ):
        ids = path_ids(old_path)
        if len(ids) > 1:
            mapping[new_province].add(ids[1])
    _LINEAGE_CACHE["provinces"] = (now, dict(mapping))
    return _LINEAGE_CACHE["provinces"][1]


def seed_provincial_targets() -> int:
    """The provincial yearly steps of the domain notes (Thái Bình 29/KH-KHKH and 51/KH-HKH, Cao Bằng
    97/KH-HKH), on the provinces of the old map; idempotent. Returns how many were written."""
    from .indicators import PROVINCIAL_TARGETS

    written = 0
    for code, source, table in PROVINCIAL_TARGETS:
        province = Unit.objects.filter(era=Era.LEGACY, level="province", code=code).first()
        if province is None:
            continue
        for indicator, by_year in table.items():
            for year, value in by_year.items():
                _, created = Target.objects.update_or_create(
                    indicator=indicator, year=year, unit=province, defaults={"value": value, "source": source}
                )
                written += created
    return written

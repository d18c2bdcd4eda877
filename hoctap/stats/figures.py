"""Reading the figures: a unit, its children, the years — on the current map or the recorded one.

Current map (the default). A province or the nation is the sum of its communes' counter rows,
grouped in the database by the copied `parent` column: one GROUP BY per table, whatever the unit,
so a dashboard costs the same number of queries at every level. Eligible counts take, per commune
and year, the commune's declared total where it declared one (and has not marked its registry
complete), else the registry count — as `registry.services.denominator` does — summed in SQL.

Recorded map ("map in force when recorded"). Years before 2025 are shown on the old map: a figure
is attributed to the old commune the subject was recorded in (`RecordedTally`). Where an
assessment names no old commune (a new commune formed from several old ones), or where a figure
exists only per current commune (eligible counts, declared totals, citizen indicators, association
capacity), it is shared among the old communes of the lineage, equally, and marked approximate.
A current unit shown for an old year (today's Hưng Yên in 2024) takes the subjects that live in it
now, broken down by the old provinces they were recorded in (old Hưng Yên + old Thái Bình).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db import connection
from django.db.models import Count, Q, Sum

from hoctap.registry.models import DeclaredTotals
from hoctap.territory.models import REFORM_DATE, Era, Level, Unit, UnitLineage, path_ids
from hoctap.territory.rollup import percent

from .indicators import CAPACITY_INDICATORS, CITIZEN_INDICATORS, TITLE_INDICATORS, Indicator
from .models import ELIGIBLE_KIND, AssociationCapacity, CitizenTally, RecordedTally, SubjectCount, SubjectKind, Tally
from .tallies import COUNTS

CURRENT, RECORDED = "current", "recorded"
DECLARABLE = (
    SubjectKind.HOUSEHOLDS,
    SubjectKind.CLAN_BRANCHES,
    SubjectKind.VILLAGES,
    SubjectKind.ORGANISATIONS,
    SubjectKind.WORKING_AGE_ADULTS,
)
CAPACITY_COUNTS = AssociationCapacity.COUNTS
CITIZEN_COUNTS = CitizenTally.COUNTS


def era_of_year(year: int) -> str:
    """Figures of a year are recorded on the map in force at its end (assessments from 2025 on the
    new map, as the assessments app records them)."""
    return Era.CURRENT if year >= REFORM_DATE.year else Era.LEGACY


@dataclass
class TitleCounts:
    """Counts are ints on the current map; on the recorded map a shared count is a Fraction."""

    registered: Fraction | int = 0
    self_assessed: Fraction | int = 0
    decided: Fraction | int = 0
    recognised: Fraction | int = 0
    carried: Fraction | int = 0  # holding through an earlier recognition still valid
    by_class: dict = field(default_factory=dict)  # holding (recognised + carried) per class or level

    @property
    def holding(self):
        return self.recognised + self.carried

    def add(self, values, classification="", weight=1):
        if classification:
            self.by_class[classification] = self.by_class.get(classification, 0) + weight * (values[3] + values[4])
            return
        self.registered += weight * values[0]
        self.self_assessed += weight * values[1]
        self.decided += weight * values[2]
        self.recognised += weight * values[3]
        self.carried += weight * values[4]


@dataclass
class Value:
    """One indicator of one unit in one year."""

    indicator: str
    year: int
    numerator: Fraction | int | None = None
    denominator: Fraction | int | None = None
    registry_part: Fraction | int = 0
    declared_part: Fraction | int = 0
    approximate: bool = False
    has_data: bool = False
    # Declared figures (association capacity): how many communes reported out of how many there are
    # ("3/104 xã đã báo cáo"); None for figures counted from the records themselves.
    covered: Fraction | int | None = None
    expected: Fraction | int | None = None

    @property
    def rate(self) -> Fraction | None:
        if self.numerator is None:
            return None
        return percent(self.numerator, self.denominator)

    @property
    def source(self) -> str | None:
        if self.indicator not in TITLE_INDICATORS:
            return None
        if self.declared_part and self.registry_part:
            return "mixed"
        if self.declared_part:
            return "declared"
        return "registry" if self.denominator is not None else None


def _zero_citizen():
    return [0] * len(CITIZEN_COUNTS)


def _zero_capacity():
    return defaultdict(int)


class Node:
    """The raw sums for one unit (the one asked for, or one of its children)."""

    __slots__ = ("titles", "registry", "declared", "overridden", "citizen", "capacity", "approximate")

    def __init__(self):
        self.titles: dict[tuple[str, int], TitleCounts] = defaultdict(TitleCounts)
        self.registry: dict[tuple[str, int], Fraction | int] = defaultdict(int)  # (kind, year|0)
        self.declared: dict[tuple[str, int], Fraction | int] = defaultdict(int)  # (kind, year)
        self.overridden: dict[tuple[str, int], Fraction | int] = defaultdict(int)  # registry counts replaced
        self.citizen: dict[int, list] = defaultdict(_zero_citizen)
        self.capacity: dict[int, dict] = defaultdict(_zero_capacity)
        self.approximate: set[tuple[str, int]] = set()  # ("titles"|"eligible"|"citizen"|"capacity", year)

    def merge(self, other: Node, weight=1):
        for key, counts in other.titles.items():
            mine = self.titles[key]
            mine.add(
                (counts.registered, counts.self_assessed, counts.decided, counts.recognised, counts.carried), "", weight
            )
            for cls, n in counts.by_class.items():
                mine.by_class[cls] = mine.by_class.get(cls, 0) + weight * n
        for name in ("registry", "declared", "overridden"):
            mine = getattr(self, name)
            for key, n in getattr(other, name).items():
                mine[key] += weight * n
        for year, values in other.citizen.items():
            self.citizen[year] = [a + weight * b for a, b in zip(self.citizen[year], values, strict=True)]
        for year, values in other.capacity.items():
            for key, n in values.items():
                self.capacity[year][key] += weight * n
        self.approximate |= other.approximate
        if weight != 1 and weight != 0:
            years = (
                {y for (_, y) in other.titles}
                | {y for (_, y) in other.declared}
                | set(other.citizen)
                | set(other.capacity)
            )
            for year in years:
                for part in ("titles", "eligible", "citizen", "capacity"):
                    self.approximate.add((part, year))

    # -- the indicators ---------------------------------------------------------------------
    def eligible(self, kind: str, year: int) -> tuple[Fraction, Fraction]:
        """(registry part, declared part) of the eligible count."""
        registry_year = year if kind == SubjectKind.WORKING_AGE_ADULTS else 0
        registry = self.registry.get((kind, registry_year), 0) - self.overridden.get((kind, year), 0)
        return registry, self.declared.get((kind, year), 0)

    def value(self, indicator: str, year: int) -> Value:
        value = Value(indicator, year)
        if indicator in TITLE_INDICATORS:
            counts = self.titles.get((indicator, year))
            registry, declared = self.eligible(ELIGIBLE_KIND[indicator], year)
            value.registry_part, value.declared_part = registry, declared
            value.denominator = registry + declared if (registry or declared) else None
            value.numerator = counts.holding if counts else 0
            value.has_data = bool(counts and (counts.decided or counts.carried))
            value.approximate = ("titles", year) in self.approximate or ("eligible", year) in self.approximate
        elif indicator in CITIZEN_INDICATORS:
            c = dict(zip(CITIZEN_COUNTS, self.citizen.get(year, [0] * len(CITIZEN_COUNTS)), strict=True))
            value.numerator, value.denominator = {
                Indicator.WORKERS_CITIZENS: (c["adults_in_groups_citizens"], c["adults_in_groups"]),
                Indicator.STAFF_CITIZENS: (c["staff_in_units_citizens"], c["staff_in_units"]),
                Indicator.CITIZENS_DIGITAL: (c["citizens_digital"], c["citizens"]),
                Indicator.CITIZENS_PROFICIENT: (c["citizens_proficient"], c["citizens_digital"]),
            }[indicator]
            value.has_data = bool(value.denominator)
            value.approximate = ("citizen", year) in self.approximate
        elif indicator in CAPACITY_INDICATORS:
            # The honest-coverage rule (docs/architecture.md): a share of communes counts every
            # commune, a commune that has not reported being not known to meet it; a share of people
            # is over the communes that reported, and always says how many did.
            c = self.capacity.get(year, {})
            communes = self.registry.get((SubjectKind.COMMUNES, 0), 0)
            value.covered, value.expected = c.get("reporting", 0), communes or None
            value.numerator, value.denominator = {
                Indicator.CHAIR_IN_CLC: (c.get("chair", 0), communes),
                Indicator.OFFICERS_IT: (c.get("officers_in_clc_it_trained", 0), c.get("officers", 0)),
                Indicator.BRIEFED: (c.get("briefed", 0), c.get("officers_and_members", 0)),
                Indicator.BRIEFED_CITIZEN: (c.get("briefed_citizen", 0), c.get("officers_and_members", 0)),
            }[indicator]
            value.has_data = bool(c.get("reporting"))
            value.approximate = ("capacity", year) in self.approximate
        if not value.denominator:
            value.denominator = None
        return value


EMPTY = Node()


@dataclass
class Figures:
    unit: Unit
    map: str
    years: list[int]
    total: Node
    children: list[Unit]
    child_nodes: dict[int, Node]
    child_era: str

    def value(self, indicator: str, year: int, child: Unit | None = None) -> Value:
        node = self.total if child is None else self.child_nodes.get(child.pk, EMPTY)
        return node.value(indicator, year)

    def title_counts(self, title: str, year: int, child: Unit | None = None) -> TitleCounts:
        node = self.total if child is None else self.child_nodes.get(child.pk, EMPTY)
        return node.titles.get((title, year), TitleCounts())


# -- current map ------------------------------------------------------------------------------


def _grouping(unit: Unit):
    """(filter for rows with level/parent columns, the column naming the child, own-row?)"""
    if unit.level == Level.NATION:
        return Q(level="commune"), "parent_id", False
    if unit.level == Level.PROVINCE:
        return Q(level="commune", parent_id=unit.pk), "unit_id", False
    if unit.level == Level.COMMUNE:
        return Q(unit_id=unit.pk) | Q(level="village", parent_id=unit.pk), "unit_id", True
    return Q(unit_id=unit.pk), "unit_id", True


def _commune_grouping(unit: Unit, field_name: str):
    """The same for tables keyed by commune only (declared totals, association capacity)."""
    if unit.level == Level.NATION:
        return Q(), f"{field_name}__parent_id"
    if unit.level == Level.PROVINCE:
        return Q(**{f"{field_name}__parent_id": unit.pk}), f"{field_name}_id"
    if unit.level == Level.COMMUNE:
        return Q(**{f"{field_name}_id": unit.pk}), f"{field_name}_id"
    return None, None


def current(unit: Unit, years: list[int], child_years=None) -> tuple[Node, dict[int, Node]]:
    """A GROUP BY per table. Titles: the unit's total over all `years` summed by the database, the
    children's main counts for `child_years` only (the ranking); the smaller tables by child, the
    total summed from them (a commune's or a village's total is its own row)."""
    condition, key, own_row = _grouping(unit)
    child_years = list(child_years or years)
    nodes: dict[int, Node] = defaultdict(Node)
    total = Node()
    if unit.level == Level.NATION:
        # 34 children: one pass by (province, year, title, class) gives both the children and the total
        rows = (
            Tally.objects.filter(condition, year__in=years)
            .values_list(key, "year", "title", "classification")
            .annotate(*[Sum(c) for c in COUNTS])
            .order_by()
        )
        for child, year, title, classification, *counts in rows:
            total.titles[(title, year)].add(counts, classification)
            if year in child_years and not classification:
                nodes[child].titles[(title, year)].add(counts)
    else:
        own = Q(unit_id=unit.pk) if own_row else condition
        rows = (
            Tally.objects.filter(own, year__in=years)
            .values_list("year", "title", "classification")
            .annotate(*[Sum(c) for c in COUNTS])
            .order_by()
        )
        for year, title, classification, *counts in rows:
            total.titles[(title, year)].add(counts, classification)
        children = condition & ~Q(unit_id=unit.pk) if own_row else condition
        rows = (
            Tally.objects.filter(children, year__in=child_years, classification="")
            .values_list(key, "year", "title")
            .annotate(*[Sum(c) for c in COUNTS])
            .order_by()
        )
        for child, year, title, *counts in rows:
            nodes[child].titles[(title, year)].add(counts)
    rows = (
        SubjectCount.objects.filter(condition, year__in=[0, *years])
        .values_list(key, "kind", "year")
        .annotate(Sum("count"))
        .order_by()
    )
    for child, kind, year, count in rows:
        nodes[child].registry[(kind, year)] += count
    _communes(nodes, unit)
    rows = (
        CitizenTally.objects.filter(condition, year__in=years)
        .values_list(key, "year")
        .annotate(*[Sum(c) for c in CITIZEN_COUNTS])
        .order_by()
    )
    for child, year, *counts in rows:
        nodes[child].citizen[year] = [int(c or 0) for c in counts]
    commune_condition, commune_key = _commune_grouping(unit, "commune")
    if commune_condition is not None:
        _declared(nodes, commune_condition, commune_key, years)
        _overridden(nodes, unit, years)
        capacity_condition, capacity_key = _commune_grouping(unit, "unit")
        _capacity(nodes, AssociationCapacity.objects.filter(capacity_condition, year__in=years), capacity_key)
    elif unit.level == Level.VILLAGE:
        pass
    if own_row:
        # registry counts, declared totals, citizen indicators, capacity: the unit's own row
        _sum_into(total, nodes.pop(unit.pk, EMPTY))
        return total, dict(nodes)
    for node in nodes.values():
        _sum_into(total, node)
    return total, dict(nodes)


def _sum_into(total: Node, node: Node) -> None:
    """Everything but the titles (already summed while reading) into the total."""
    for name in ("registry", "declared", "overridden"):
        mine = getattr(total, name)
        for key, n in getattr(node, name).items():
            mine[key] += n
    for year, values in node.citizen.items():
        total.citizen[year] = [a + b for a, b in zip(total.citizen[year], values, strict=True)]
    for year, values in node.capacity.items():
        for key, n in values.items():
            total.capacity[year][key] += n


def _communes(nodes, unit):
    """The commune-level learning community's eligible: each commune of the current map, counted
    from the map itself (loaded in bulk, so not kept in SubjectCount)."""
    communes = Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE)
    if unit.level == Level.NATION:
        for province_id, count in communes.values_list("parent_id").annotate(n=Count("*")).order_by():
            nodes[province_id].registry[(SubjectKind.COMMUNES, 0)] += count
    elif unit.level == Level.PROVINCE:
        for commune_id in communes.filter(parent_id=unit.pk).values_list("pk", flat=True):
            nodes[commune_id].registry[(SubjectKind.COMMUNES, 0)] += 1
    elif unit.level == Level.COMMUNE and unit.era == Era.CURRENT:
        nodes[unit.pk].registry[(SubjectKind.COMMUNES, 0)] += 1


def _declared(nodes, condition, key, years):
    aggregates = {}
    for kind in DECLARABLE:
        applies = Q(**{f"{kind}__isnull": False, f"{kind}_complete": False})
        aggregates[f"d_{kind}"] = Sum(kind, filter=applies)
    rows = (
        DeclaredTotals.objects.filter(condition, year__in=years).values(key, "year").annotate(**aggregates).order_by()
    )
    for row in rows:
        node = nodes[row[key]]
        for kind in DECLARABLE:
            if row[f"d_{kind}"] is not None:
                node.declared[(kind, row["year"])] += row[f"d_{kind}"]


def _overridden(nodes, unit, years):
    """Registry counts of the communes whose declared total replaces them, per child and year."""
    quote = connection.ops.quote_name
    s, d = quote(SubjectCount._meta.db_table), quote(DeclaredTotals._meta.db_table)
    child = {Level.NATION: "s.parent_id", Level.PROVINCE: "s.unit_id", Level.COMMUNE: "s.unit_id"}[unit.level]
    where = {Level.NATION: "", Level.PROVINCE: "AND s.parent_id = %s", Level.COMMUNE: "AND s.unit_id = %s"}[unit.level]
    applies = " OR ".join(
        f"(s.kind = '{kind}' AND d.{quote(str(kind))} IS NOT NULL AND d.{quote(f'{kind}_complete')} = %s)"
        for kind in DECLARABLE
    )
    params = [*years, *([False] * len(DECLARABLE))] + ([] if unit.level == Level.NATION else [unit.pk])
    sql = (
        f"SELECT {child}, d.year, s.kind, SUM(s.count) FROM {s} s JOIN {d} d ON d.commune_id = s.unit_id "
        f"WHERE s.level = 'commune' AND d.year IN ({', '.join(['%s'] * len(years))}) "
        f"AND (s.year = 0 OR s.year = d.year) AND ({applies}) {where} GROUP BY {child}, d.year, s.kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for child_id, year, kind, count in cursor.fetchall():
            nodes[child_id].overridden[(kind, year)] += count


def _capacity(nodes, queryset, key):
    rows = (
        queryset.values(key, "year")
        .annotate(
            reporting=Count("pk"),
            chair=Count("pk", filter=Q(chair_manages_clc=True)),
            **{c: Sum(c) for c in CAPACITY_COUNTS},
        )
        .order_by()
    )
    for row in rows:
        target = nodes[row[key]].capacity[row["year"]]
        for name in ("reporting", "chair", *CAPACITY_COUNTS):
            target[name] += row[name] or 0


# -- recorded map ---------------------------------------------------------------------------------


def _ancestor_at(path: str, index: int) -> int | None:
    ids = path_ids(path)
    return ids[index] if len(ids) > index else None


def recorded(unit: Unit, years: list[int]) -> tuple[Node, dict[int, Node], list[int]]:
    """The figures of `unit` for `years` on the map in force in each year (see the module doc).

    Every contribution — a RecordedTally row, or a per-commune value — carries where its subject
    lives now (a current commune) and where it is placed on the year's map: a list of
    (unit id, path, weight), weights summing to 1 (one entry with weight 1 when exact).
    """
    depth = unit.depth
    if unit.era == Era.CURRENT:
        current_paths = dict(
            Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, path__startswith=unit.path).values_list(
                "pk", "path"
            )
        )
    else:
        current_paths = dict(
            Unit.objects.filter(
                era=Era.CURRENT, level=Level.COMMUNE, predecessor_links__old_unit__path__startswith=unit.path
            )
            .distinct()
            .values_list("pk", "path")
        )
    predecessors: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for new_id, old_id, old_path in UnitLineage.objects.filter(
        new_unit_id__in=list(current_paths), old_unit__level=Level.COMMUNE
    ).values_list("new_unit_id", "old_unit_id", "old_unit__path"):
        predecessors[new_id].append((old_id, old_path))

    def on_old_map(commune_id):
        olds = predecessors.get(commune_id) or []
        return [(old_id, path, Fraction(1, len(olds))) for old_id, path in olds]

    total, children = Node(), defaultdict(Node)

    def place(node: Node, year: int, subject_commune: int, location):
        """Add `node` to the total and the children with the weights its location gives them;
        weights are summed first, so a figure shared only within one unit stays exact there."""
        year_era = era_of_year(year)
        inside, per_child = Fraction(0), defaultdict(Fraction)
        if unit.era == year_era:
            for _, path, weight in location:
                if path.startswith(unit.path):
                    inside += weight
                    child = _ancestor_at(path, depth)
                    if child is not None:
                        per_child[child] += weight
        elif unit.era == Era.CURRENT:
            # today's unit in an old year: the subjects living in it now, by old unit
            if not current_paths.get(subject_commune, "").startswith(unit.path):
                return
            inside = Fraction(1)
            index = 1 if unit.level in (Level.NATION, Level.PROVINCE) else 3
            for _, path, weight in location:
                child = _ancestor_at(path, index)
                if child is not None:
                    per_child[child] += weight
        else:
            # an old unit in a new year: each current commune shared among its old communes
            for commune_id, _, weight in location:
                for _, path, w in on_old_map(commune_id):
                    if path.startswith(unit.path):
                        inside += weight * w
                        child = _ancestor_at(path, depth)
                        if child is not None:
                            per_child[child] += weight * w
        if inside:
            total.merge(node, inside)
        for child, weight in per_child.items():
            children[child].merge(node, weight)

    rows = RecordedTally.objects.filter(unit_id__in=list(current_paths), year__in=years).values_list(
        "recorded_unit_id",
        "recorded_unit__era",
        "recorded_unit__path",
        "unit_id",
        "year",
        "title",
        "classification",
        *COUNTS,
    )
    for recorded_id, recorded_era, recorded_path, commune_id, year, title, cls, *counts in rows:
        node = Node()
        node.titles[(title, year)].add(counts, cls)
        if era_of_year(year) == Era.LEGACY and recorded_era == Era.CURRENT:
            location = on_old_map(commune_id) or [(recorded_id, recorded_path, Fraction(1))]
        else:
            location = [(recorded_id, recorded_path, Fraction(1))]
        place(node, year, commune_id, location)
    per_commune: dict[int, Node] = defaultdict(Node)
    _per_commune_current(per_commune, list(current_paths), years)
    for commune_id, node in per_commune.items():
        for year in years:
            piece = _year_slice(node, year)
            if era_of_year(year) == Era.CURRENT:
                location = [(commune_id, current_paths[commune_id], Fraction(1))]
            else:
                location = on_old_map(commune_id) or [(commune_id, current_paths[commune_id], Fraction(1))]
            place(piece, year, commune_id, location)
    return total, dict(children), sorted(children)


def _year_slice(node: Node, year: int) -> Node:
    out = Node()
    for (kind, y), n in node.registry.items():
        if y in (0, year):
            out.registry[(kind, y)] += n
    for key, n in node.declared.items():
        if key[1] == year:
            out.declared[key] += n
    for key, n in node.overridden.items():
        if key[1] == year:
            out.overridden[key] += n
    if year in node.citizen:
        out.citizen[year] = list(node.citizen[year])
    if year in node.capacity:
        out.capacity[year] = defaultdict(int, node.capacity[year])
    # working-age counts of other years would leak through year 0 otherwise
    return out


def _per_commune_current(nodes, commune_ids, years):
    rows = SubjectCount.objects.filter(level="commune", unit_id__in=commune_ids, year__in=[0, *years]).values_list(
        "unit_id", "kind", "year", "count"
    )
    for commune_id, kind, year, count in rows:
        nodes[commune_id].registry[(kind, year)] += count
    for commune_id in commune_ids:
        nodes[commune_id].registry[(SubjectKind.COMMUNES, 0)] += 1
    for row in DeclaredTotals.objects.filter(commune_id__in=commune_ids, year__in=years).values():
        node = nodes[row["commune_id"]]
        for kind in DECLARABLE:
            if row[kind] is not None and not row[f"{kind}_complete"]:
                node.declared[(kind, row["year"])] += row[kind]
                registry_year = row["year"] if kind == SubjectKind.WORKING_AGE_ADULTS else 0
                node.overridden[(kind, row["year"])] += node.registry.get((kind, registry_year), 0)
    rows = CitizenTally.objects.filter(level="commune", unit_id__in=commune_ids, year__in=years).values_list(
        "unit_id", "year", *CITIZEN_COUNTS
    )
    for commune_id, year, *counts in rows:
        nodes[commune_id].citizen[year] = [int(c) for c in counts]
    _capacity(nodes, AssociationCapacity.objects.filter(unit_id__in=commune_ids, year__in=years), "unit_id")


# -- entry point ---------------------------------------------------------------------------------


def figures(unit: Unit, years, map: str = CURRENT, selected_year: int | None = None) -> Figures:
    years = sorted(set(years))
    # children for every year asked, unless one year is selected (a dashboard's ranking)
    child_years = [selected_year] if selected_year else years
    selected_year = selected_year or years[-1]
    if map == RECORDED or unit.era == Era.LEGACY:
        total, nodes, child_ids = recorded(unit, years)
        children = list(Unit.objects.filter(pk__in=child_ids).in_order())
        # Children are those of the selected year's map.
        era = era_of_year(selected_year) if unit.era == Era.CURRENT else Era.LEGACY
        children = [c for c in children if c.era == era or unit.era == Era.LEGACY]
        return Figures(unit, RECORDED, years, total, children, nodes, era)
    total, nodes = current(unit, years, child_years)
    children = (
        list(unit.children.filter(era=Era.CURRENT).exclude(level=Level.DISTRICT).in_order())
        if unit.level != Level.VILLAGE
        else []
    )
    return Figures(unit, CURRENT, years, total, children, nodes, Era.CURRENT)

"""Recounting from the raw records: the recovery path and the proof that the counters are right.

`expected()` counts, with a handful of GROUP BY queries over the assessments and the registry,
what every counter row should hold; `recompute()` replaces the stored rows with it, `verify()`
compares and lists every difference. Both can be limited to some years and to the units under one
unit of the current map.

While a recompute runs on PostgreSQL the counter tables are locked against writers (SHARE ROW
EXCLUSIVE): a decision made meanwhile waits, then adds its delta to the recomputed figures, so
nothing is lost or counted twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count

from hoctap.assessments.models import Assessment
from hoctap.assessments.states import HOLDING_STATES
from hoctap.criteria import validity
from hoctap.registry.models import (
    WORKING_AGE_MAX,
    WORKING_AGE_MIN,
    ClanBranch,
    Household,
    Organisation,
    Person,
)
from hoctap.territory.models import Era, Level, Unit

from . import carried
from . import digital as digital_rule
from .models import CitizenTally, RecordedTally, SubjectCount, SubjectKind, Tally
from .tallies import ASSESSMENT_FIELDS, COUNTS, Batch, UnitInfo, counted_years


class AllUnits(UnitInfo):
    """Every unit's (level, path), read in one query: recounts touch most of them."""

    def __init__(self, path: str | None = None):
        super().__init__()
        units = Unit.objects.all()
        for pk, level, unit_path in units.values_list("pk", "level", "path").iterator(chunk_size=20000):
            self.cache[pk] = (level, unit_path)


def _holding(title: str, year: int, field_name: str):
    return Assessment.objects.filter(title=title, state__in=HOLDING_STATES, campaign__year=year).values(field_name)


def _years_with_assessments(years, path):
    qs = Assessment.objects.all()
    if path:
        qs = qs.filter(unit__path__startswith=path)
    found = set(qs.values_list("campaign__year", flat=True).distinct().order_by())
    # and the later years a recognition still holds in (`criteria.validity`, see carried.py)
    for year, validity_years in (
        qs.filter(state__in=HOLDING_STATES).values_list("campaign__year", "validity_years").distinct().order_by()
    ):
        found.update(validity.held_years(year, validity_years))
    return sorted(found & set(years)) if years else sorted(found)


def expected(years=None, path: str | None = None, units: UnitInfo | None = None) -> Batch:
    """What every counter row within (years, path) should hold, as a Batch of absolute values."""
    units = units or AllUnits()
    batch = Batch()
    # -- assessments ----------------------------------------------------------------------------
    assessments = Assessment.objects.exclude(
        pk__in=Assessment.objects.filter(replaces__isnull=False).values("replaces_id")
    )
    if years:
        assessments = assessments.filter(campaign__year__in=years)
    if path:
        assessments = assessments.filter(unit__path__startswith=path)
    groups = assessments.values(*ASSESSMENT_FIELDS).annotate(n=Count("pk")).order_by()
    for row in groups.iterator(chunk_size=20000):
        batch.add_assessment_row(units, row, row["n"])
    carried.expected(batch, units, years, path)
    # -- learning-citizen indicators ------------------------------------------------------------
    for year in _years_with_assessments(years, path):
        _citizen_year(batch, units, year, path)
    # -- registry counts ------------------------------------------------------------------------
    _subject_counts(batch, units, path)
    return batch


CITIZEN_SQL = """
WITH held AS (
    SELECT a.title, a.household_id, a.clan_branch_id, a.community_id, a.organisation_id, a.person_id
    FROM {assessment} a JOIN {campaign} k ON k.id = a.campaign_id
    WHERE {held} AND a.state IN ({holding}) AND a.title IN ('family', 'clan', 'community', 'unit', 'citizen')
),
fam AS (SELECT DISTINCT household_id AS id FROM held WHERE title = 'family'),
clan AS (SELECT DISTINCT clan_branch_id AS id FROM held WHERE title = 'clan'),
comm AS (SELECT DISTINCT community_id AS id FROM held WHERE title = 'community'),
org AS (SELECT DISTINCT organisation_id AS id FROM held WHERE title = 'unit'),
cit AS (SELECT DISTINCT person_id AS id FROM held WHERE title = 'citizen')
"""
RESIDENTS_SQL = """
SELECT p.unit_id,
    SUM(CASE WHEN {working} AND {in_group} THEN 1 ELSE 0 END),
    SUM(CASE WHEN {working} AND {in_group} AND cit.id IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN cit.id IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN cit.id IS NOT NULL AND p.digital_skill IN ('basic', 'proficient') THEN 1 ELSE 0 END),
    SUM(CASE WHEN cit.id IS NOT NULL AND p.digital_skill = 'proficient' THEN 1 ELSE 0 END)
FROM {person} p
LEFT JOIN {household} h ON h.id = p.household_id
LEFT JOIN fam ON fam.id = p.household_id
LEFT JOIN clan ON clan.id = h.clan_branch_id
LEFT JOIN comm ON comm.id = p.unit_id
LEFT JOIN cit ON cit.id = p.id
{scope}
WHERE fam.id IS NOT NULL OR clan.id IS NOT NULL OR comm.id IS NOT NULL OR cit.id IS NOT NULL
GROUP BY p.unit_id
"""
STAFF_SQL = """
SELECT o.unit_id, COUNT(*), SUM(CASE WHEN cit.id IS NOT NULL THEN 1 ELSE 0 END)
FROM {person} p
JOIN org ON org.id = p.employer_id
JOIN {organisation} o ON o.id = p.employer_id
LEFT JOIN cit ON cit.id = p.id
{scope}
GROUP BY o.unit_id
"""


def _citizen_year(batch: Batch, units: UnitInfo, year: int, path: str | None):
    """The citizen indicators of `year` by hash joins over the registry (no per-row subqueries,
    so a province of millions of people is counted in seconds)."""
    quote = connection.ops.quote_name
    tables = {
        "assessment": quote(Assessment._meta.db_table),
        "campaign": quote("assessments_campaign"),
        "person": quote(Person._meta.db_table),
        "household": quote(Household._meta.db_table),
        "organisation": quote(Organisation._meta.db_table),
        "unit": quote(Unit._meta.db_table),
        "holding": ", ".join(f"'{state}'" for state in sorted(HOLDING_STATES)),
    }
    working = f"p.birth_year BETWEEN {int(year) - WORKING_AGE_MAX} AND {int(year) - WORKING_AGE_MIN}"
    in_group = "(fam.id IS NOT NULL OR clan.id IS NOT NULL OR comm.id IS NOT NULL)"
    with_clause = CITIZEN_SQL.format(held=validity.held_sql("k.year", "a.validity_years"), **tables)
    # held during `year`: recognised then, or earlier and still valid (the one rule)
    params = validity.held_sql_params(year)
    resident_scope = staff_scope = ""
    if path:
        resident_scope = f"JOIN {tables['unit']} u ON u.id = p.unit_id AND u.path LIKE %s"
        staff_scope = f"JOIN {tables['unit']} u ON u.id = o.unit_id AND u.path LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(
            with_clause + RESIDENTS_SQL.format(working=working, in_group=in_group, scope=resident_scope, **tables),
            params + ([path + "%"] if path else []),
        )
        for unit_id, adults, adults_citizens, held, digital, proficient in cursor.fetchall():
            batch.add_citizen(
                units.place(unit_id),
                year,
                [
                    int(adults or 0),
                    int(adults_citizens or 0),
                    0,
                    0,
                    int(held or 0),
                    int(digital or 0),
                    int(proficient or 0),
                ],
            )
        # The registry's half of the digital-skills rule is in RESIDENTS_SQL; the assessment's half
        # (digital.py) adds the citizens whom only their scores show to have digital skills.
        for unit_id, count in digital_rule.assessment_only_counts(year, path).items():
            batch.add_citizen(units.place(unit_id), year, [0, 0, 0, 0, 0, count, 0])
        cursor.execute(
            with_clause + STAFF_SQL.format(scope=staff_scope, **tables), params + ([path + "%"] if path else [])
        )
        for unit_id, staff, staff_citizens in cursor.fetchall():
            batch.add_citizen(units.place(unit_id), year, [0, 0, int(staff), int(staff_citizens or 0), 0, 0, 0])


def _subject_counts(batch: Batch, units: UnitInfo, path: str | None):
    def under(qs, lookup):
        return qs.filter(**{f"{lookup}__startswith": path}) if path else qs

    for row in under(Household.objects.all(), "village__path").values("village_id").annotate(n=Count("pk")).order_by():
        batch.add_subjects(units.place(row["village_id"]), SubjectKind.HOUSEHOLDS, 0, row["n"])
    for row in under(ClanBranch.objects.all(), "commune__path").values("commune_id").annotate(n=Count("pk")).order_by():
        batch.add_subjects(units.place(row["commune_id"]), SubjectKind.CLAN_BRANCHES, 0, row["n"])
    for row in under(Organisation.objects.all(), "unit__path").values("unit_id").annotate(n=Count("pk")).order_by():
        batch.add_subjects(units.place(row["unit_id"]), SubjectKind.ORGANISATIONS, 0, row["n"])
    for level, kind in ((Level.VILLAGE, SubjectKind.VILLAGES),):
        for pk in under(Unit.objects.filter(era=Era.CURRENT, level=level).open(), "path").values_list("pk", flat=True):
            batch.add_subjects(units.place(pk), kind, 0, 1)
    years = list(counted_years())
    people = (
        under(Person.objects.filter(household__isnull=False), "unit__path")
        .filter(birth_year__gte=years[0] - WORKING_AGE_MAX, birth_year__lte=years[-1] - WORKING_AGE_MIN)
        .values("unit_id", "birth_year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in people.iterator(chunk_size=20000):
        place = units.place(row["unit_id"])
        for year in years:
            if WORKING_AGE_MIN <= year - row["birth_year"] <= WORKING_AGE_MAX:
                batch.add_subjects(place, SubjectKind.WORKING_AGE_ADULTS, year, row["n"])


# -- stored rows, in the same shape ------------------------------------------------------------


def _in_scope(model, years, path):
    qs = model.objects.all()
    if path:
        qs = qs.filter(unit__path__startswith=path)
    if years and model is not SubjectCount:
        qs = qs.filter(year__in=years)
    if model is CitizenTally:
        qs = qs.exclude(year=0)  # the per-commune lock rows hold no counts
    return qs


@dataclass(frozen=True)
class CounterTable:
    """A counter table as the recount reads and writes it: its rows keyed by `key`, holding
    `counts`; `meta` names the Batch attribute with each row's (level, parent) for the roll-ups."""

    name: str
    model: type
    key: tuple[str, ...]
    counts: tuple[str, ...]
    meta: str | None = None

    def stored(self, years, path) -> dict[tuple, tuple]:
        rows = _in_scope(self.model, years, path).values_list(*self.key, *self.counts)
        width = len(self.key)
        return {tuple(r[:width]): tuple(r[width:]) for r in rows.iterator(chunk_size=20000)}

    def objects(self, batch: Batch, rows: dict[tuple, tuple]) -> list:
        """The rows as instances of the model, each with the (level, parent) the batch placed it at."""
        objects = []
        for key, counts in rows.items():
            fields = dict(zip(self.key, key, strict=True)) | dict(zip(self.counts, counts, strict=True))
            if self.meta:
                fields["level"], fields["parent_id"] = getattr(batch, self.meta)[key]
            objects.append(self.model(**fields))
        return objects


COUNTER_TABLES = (
    CounterTable("tally", Tally, ("unit_id", "year", "title", "classification"), COUNTS, "tally_meta"),
    CounterTable("recorded", RecordedTally, ("recorded_unit_id", "unit_id", "year", "title", "classification"), COUNTS),
    CounterTable("citizen", CitizenTally, ("unit_id", "year"), CitizenTally.COUNTS, "citizen_meta"),
    CounterTable("subjects", SubjectCount, ("unit_id", "kind", "year"), ("count",), "subject_meta"),
)
TABLES = tuple(table.model for table in COUNTER_TABLES)


def stored(years=None, path: str | None = None) -> dict[str, dict[tuple, tuple]]:
    return {table.name: table.stored(years, path) for table in COUNTER_TABLES}


def as_rows(batch: Batch) -> dict[str, dict[tuple, tuple]]:
    return {
        "tally": {k: tuple(v) for k, v in batch.tally.items() if any(v)},
        "recorded": {k: tuple(v) for k, v in batch.recorded.items() if any(v)},
        "citizen": {k: tuple(v) for k, v in batch.citizen.items() if any(v)},
        "subjects": {k: (v,) for k, v in batch.subjects.items() if v},
    }


@dataclass
class Difference:
    table: str
    key: tuple
    live: tuple | None
    expected: tuple | None

    def __str__(self):
        return f"{self.table} {self.key}: live {self.live} ≠ recount {self.expected}"


@dataclass
class Report:
    differences: list[Difference] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences


def compare(live, wanted) -> Report:
    report = Report()
    for table in wanted:
        live_rows = {k: v for k, v in live[table].items() if any(v)}
        report.rows += len(wanted[table])
        for key in sorted(set(live_rows) | set(wanted[table]), key=repr):
            a, b = live_rows.get(key), wanted[table].get(key)
            if a != b:
                report.differences.append(Difference(table, key, a, b))
    return report


def verify(years=None, unit: Unit | None = None) -> Report:
    with _recount(unit, mode="SHARE") as path:
        wanted = as_rows(expected(years, path))
        return compare(stored(years, path), wanted)


def recompute(years=None, unit: Unit | None = None) -> int:
    """Replace the counters within (years, unit) by a recount; returns the number of rows written."""
    with _recount(unit, mode="SHARE ROW EXCLUSIVE") as path:
        wanted = expected(years, path)
        return _replace(wanted, years, path)


@contextmanager
def _recount(unit: Unit | None, mode: str) -> Iterator[str | None]:
    """A recount of the units under `unit` (of the current map; None or the nation: all), inside a
    transaction that keeps writers out (PostgreSQL; SQLite serialises writers anyway) and gives the
    big GROUP BYs and hash joins room in memory. Yields the path the recount is limited to."""
    if unit is not None and unit.era != Era.CURRENT:
        raise ValueError("recount on the current map: give a unit of the current map")
    path = unit.path if unit is not None and unit.level != Level.NATION else None
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {_table_names()} IN {mode} MODE")
                cursor.execute("SET LOCAL work_mem = '256MB'")
        yield path


def _table_names() -> str:
    return ", ".join(connection.ops.quote_name(m._meta.db_table) for m in TABLES)


def _replace(batch: Batch, years, path) -> int:
    for model in TABLES:
        _in_scope(model, years, path).delete()
    rows = as_rows(batch)
    written = 0
    for table in COUNTER_TABLES:
        objects = table.objects(batch, rows[table.name])
        table.model.objects.bulk_create(objects, batch_size=5000)
        written += len(objects)
    return written


def tidy_after_recompute() -> None:
    """After a recompute has committed, on PostgreSQL: VACUUM ANALYZE the counter tables.

    A recompute rewrites every row it covers, so until autovacuum gets round to the tables none of
    their pages is marked all-visible and the planner's statistics are stale: the national and
    provincial sums then read the heap page by page instead of the covering indexes alone, and take
    about four times as long (measured on the nation-scale benchmark: 8.6 ms against 2.2 ms for the
    tally sum). VACUUM cannot run inside a transaction, so the caller runs this after the commit."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {_table_names()}")


def rebuild_units(unit_ids) -> None:
    """Recount the communes given (e.g. after a village moved between them), inside the caller's
    transaction."""
    for unit in Unit.objects.filter(pk__in=[u for u in unit_ids if u]):
        if unit.era == Era.CURRENT and unit.level == Level.COMMUNE:
            recompute(None, unit)

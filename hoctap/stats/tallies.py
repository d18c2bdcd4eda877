"""Keeping the counters: deltas collected per change, written in one statement per table.

The receiver of `assessment_transitioned` runs inside the transaction of the state change. It
turns (from_state, to_state) into a delta of the four counts and adds it, with one upsert
(`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`, PostgreSQL and SQLite alike), to the
rows of the subject's own commune and village and to its recorded-map row. Nothing is read
first, so two decisions in one commune cannot lose a count: the second upsert waits for the
first's row lock and adds to the committed value. Rows are always written in one global order
(table, then key), so two transactions never hold locks the other wants: no deadlock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from hoctap.assessments.states import FROZEN_STATES, HOLDING_STATES, SELF_ASSESSED_STATES, State
from hoctap.criteria import validity
from hoctap.territory.models import REFORM_DATE, Level, Unit, path_ids

from .models import CitizenTally, RecordedTally, SubjectCount, Tally

# Working-age adults are counted for each year of this window (a person is 15-60 in some of them);
# the live receivers and the recount both read it here.
COUNTED_FROM = 2020

# What an assessment is counted by, as the recount and the receivers read it (`add_assessment_row`).
ASSESSMENT_FIELDS = ("unit_id", "recorded_unit_id", "campaign__year", "title", "state", "classification")


def counted_years() -> range:
    return range(COUNTED_FROM, max(2030, timezone.localdate().year + 1) + 1)


COUNTS = ("registered", "self_assessed", "decided", "recognised", "carried")
ZERO = (0, 0, 0, 0, 0)
CARRIED = (0, 0, 0, 0, 1)


def state_vector(state: str | None) -> tuple[int, int, int, int, int]:
    """What one assessment in `state` adds to (registered, self_assessed, decided, recognised, carried):
    nothing to `carried`, which `carried_years` gives.

    A revoked assessment that a new one replaces counts no more: the subject counts once, through
    its replacement (see `Batch.add_assessment(replaced=...)`)."""
    if state is None:
        return ZERO
    return (1, int(state in SELF_ASSESSED_STATES), int(state in FROZEN_STATES), int(state in HOLDING_STATES), 0)


@dataclass(frozen=True)
class Holding:
    """One assessment of a subject in a holding state: its campaign's year and validity."""

    id: int
    year: int
    validity_years: int


def carried_years(holdings: list[Holding]) -> dict[int, list[int]]:
    """For the holding assessments of one subject and title: the later years each one carries.

    A recognition of year Y holds in the years `criteria.validity.held_years` gives (the one rule,
    also read by `assessments.subjects.holders` and the certificate). In a year covered by several,
    the subject counts once, by the most recent recognition covering it; in its own year that is
    always itself (counted as `recognised`), so only the later years are "carried"."""
    carried: dict[int, list[int]] = {}
    latest = sorted(holdings, key=lambda h: (h.year, h.id), reverse=True)
    years = {y for h in holdings for y in validity.carried_years(h.year, h.validity_years)}
    for year in sorted(years):
        owner = next((h for h in latest if validity.holds(h.year, h.validity_years, year)), None)
        if owner is not None and owner.year < year:
            carried.setdefault(owner.id, []).append(year)
    return carried


@dataclass(frozen=True)
class Place:
    """Where an assessment is counted: its commune (with the commune's parent) and its village."""

    commune_id: int
    commune_parent_id: int
    village_id: int | None = None

    def rows(self):
        yield self.commune_id, "commune", self.commune_parent_id
        if self.village_id is not None:
            yield self.village_id, "village", self.commune_id


def place_of(level: str, path: str) -> Place | None:
    """From a unit's level and materialised path (no query): a village counts in itself and its
    commune; a commune in itself; anything else (a province or the nation) has no tally row and
    gives None (recompute skips the same records, so live and recomputed figures agree)."""
    ids = path_ids(path)
    if level == Level.VILLAGE and len(ids) >= 3:
        return Place(commune_id=ids[-2], commune_parent_id=ids[-3], village_id=ids[-1])
    if level == Level.COMMUNE and len(ids) >= 2:
        return Place(commune_id=ids[-1], commune_parent_id=ids[-2])
    return None


def commune_id_at(level: str, path: str) -> int:
    """The id of the commune of a commune or village unit, from its level and path."""
    ids = path_ids(path)
    return ids[-2] if level == Level.VILLAGE else ids[-1]


class UnitInfo:
    """(level, path) of units by id, read once per batch."""

    def __init__(self):
        self.cache: dict[int, tuple[str, str]] = {}

    def load(self, ids):
        missing = {i for i in ids if i is not None and i not in self.cache}
        if missing:
            for pk, level, path in Unit.objects.filter(pk__in=missing).values_list("pk", "level", "path"):
                self.cache[pk] = (level, path)

    def path(self, unit_id: int) -> str:
        self.load([unit_id])
        return self.cache[unit_id][1] if unit_id in self.cache else ""

    def place(self, unit_id: int | None) -> Place | None:
        if unit_id is None:
            return None
        self.load([unit_id])
        return place_of(*self.cache[unit_id]) if unit_id in self.cache else None

    def carried_recorded_commune(
        self, recorded_unit_id: int | None, place: Place | None, assessment_year: int, year: int
    ) -> int | None:
        """Where a recognition carried into `year` counts on the map in force that year: where it
        was recorded while the map is the same, else (an old-map recognition carried past the
        2025 reform) the commune the subject lives in now."""
        if place is None:
            return None
        if (assessment_year >= REFORM_DATE.year) != (year >= REFORM_DATE.year):
            return place.commune_id
        return self.recorded_commune(recorded_unit_id, place)

    def recorded_commune(self, recorded_unit_id: int | None, place: Place | None) -> int | None:
        """The commune on the map in force when the subject was recorded; the current commune when
        the assessment names none (e.g. a commune formed from several old ones)."""
        if place is None:
            return None
        if recorded_unit_id is None:
            return place.commune_id
        self.load([recorded_unit_id])
        level, path = self.cache[recorded_unit_id]
        if level not in (Level.VILLAGE, Level.COMMUNE):
            return place.commune_id
        return commune_id_at(level, path)


class Batch:
    """Deltas for the tally tables, merged by key and written sorted in `flush()`."""

    def __init__(self):
        self.tally: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
        self.tally_meta: dict[tuple, tuple[str, int]] = {}
        self.recorded: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
        self.citizen: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(CitizenTally.COUNTS))
        self.citizen_meta: dict[tuple, tuple[str, int]] = {}
        self.subjects: dict[tuple, int] = defaultdict(int)
        self.subject_meta: dict[tuple, tuple[str, int]] = {}

    # -- assessments ------------------------------------------------------------------------
    def add_assessment(
        self,
        place: Place | None,
        recorded_commune_id: int,
        year: int,
        title: str,
        state: str | None,
        classification: str,
        sign: int = 1,
        replaced: bool = False,
    ):
        self._add_counts(
            place, recorded_commune_id, year, title, classification, ZERO if replaced else state_vector(state), sign
        )

    def add_assessment_row(self, units: UnitInfo, row: dict, sign: int) -> None:
        """An assessment as `values(*ASSESSMENT_FIELDS)` reads it, placed by `units`, `sign` times."""
        place = units.place(row["unit_id"])
        recorded = units.recorded_commune(row["recorded_unit_id"], place)
        self.add_assessment(
            place, recorded, row["campaign__year"], row["title"], row["state"], row["classification"], sign
        )

    def add_carried(
        self,
        place: Place | None,
        recorded_commune_id: int | None,
        year: int,
        title: str,
        classification: str,
        sign: int = 1,
    ):
        """One subject holding `title` during `year` through an earlier recognition (see
        `carried_years`)."""
        self._add_counts(place, recorded_commune_id, year, title, classification, CARRIED, sign)

    def _add_counts(self, place, recorded_commune_id, year, title, classification, vector, sign):
        """`vector` to the rows of the place (commune, village) and of the recorded map; the holding
        part (recognised, carried) also to the rows of the classification."""
        if vector == ZERO or place is None:
            return
        by_class = (0, 0, 0, vector[3], vector[4]) if (vector[3] or vector[4]) and classification else None
        for unit_id, level, parent_id in place.rows():
            self._add(self.tally, (unit_id, year, title, ""), vector, sign)
            self.tally_meta[(unit_id, year, title, "")] = (level, parent_id)
            if by_class:
                self._add(self.tally, (unit_id, year, title, classification), by_class, sign)
                self.tally_meta[(unit_id, year, title, classification)] = (level, parent_id)
        key = (recorded_commune_id or place.commune_id, place.commune_id, year, title, "")
        self._add(self.recorded, key, vector, sign)
        if by_class:
            self._add(self.recorded, key[:4] + (classification,), by_class, sign)

    @staticmethod
    def _add(table, key, vector, sign):
        row = table[key]
        for index, value in enumerate(vector):
            row[index] += sign * value

    # -- citizen indicators -----------------------------------------------------------------
    def add_citizen(self, place: Place | None, year: int, counts, sign: int = 1):
        if place is None:
            return
        for unit_id, level, parent_id in place.rows():
            self._add(self.citizen, (unit_id, year), counts, sign)
            self.citizen_meta[(unit_id, year)] = (level, parent_id)

    # -- registry counts --------------------------------------------------------------------
    def add_subjects(self, place: Place | None, kind: str, year: int, count: int):
        if place is None or not count:
            return
        for unit_id, level, parent_id in place.rows():
            self.subjects[(unit_id, kind, year)] += count
            self.subject_meta[(unit_id, kind, year)] = (level, parent_id)

    def is_empty(self) -> bool:
        return (
            not any(any(v) for v in self.tally.values())
            and not any(any(v) for v in self.recorded.values())
            and not any(any(v) for v in self.citizen.values())
            and not any(self.subjects.values())
        )

    def flush(self):
        """Write every non-zero delta: tables in a fixed order, rows sorted by key."""
        if self.is_empty():
            # Nothing counted changed (a record saved where it was): no write, not even a savepoint.
            self.__init__()
            return
        tally_rows = [
            (unit, *self.tally_meta[(unit, year, title, cls)], year, title, cls, *values)
            for (unit, year, title, cls), values in sorted(self.tally.items())
            if any(values)
        ]
        recorded_rows = [(*key, *values) for key, values in sorted(self.recorded.items()) if any(values)]
        citizen_rows = [
            (unit, *self.citizen_meta[(unit, year)], year, *values)
            for (unit, year), values in sorted(self.citizen.items())
            if any(values)
        ]
        subject_rows = [
            (unit, *self.subject_meta[(unit, kind, year)], kind, year, count)
            for (unit, kind, year), count in sorted(self.subjects.items())
            if count
        ]
        with transaction.atomic():
            _upsert(
                Tally,
                ("unit_id", "level", "parent_id", "year", "title", "classification"),
                ("unit_id", "year", "title", "classification"),
                COUNTS,
                tally_rows,
                refresh=("level", "parent_id"),
            )
            _upsert(
                RecordedTally,
                ("recorded_unit_id", "unit_id", "year", "title", "classification"),
                ("recorded_unit_id", "unit_id", "year", "title", "classification"),
                COUNTS,
                recorded_rows,
            )
            _upsert(
                CitizenTally,
                ("unit_id", "level", "parent_id", "year"),
                ("unit_id", "year"),
                CitizenTally.COUNTS,
                citizen_rows,
                refresh=("level", "parent_id"),
            )
            _upsert(
                SubjectCount,
                ("unit_id", "level", "parent_id", "kind", "year"),
                ("unit_id", "kind", "year"),
                ("count",),
                subject_rows,
                refresh=("level", "parent_id"),
            )
        self.__init__()


def _upsert(model, key_columns, conflict_columns, count_columns, rows, refresh=()):
    """One INSERT … ON CONFLICT DO UPDATE adding each row's counts to the stored ones."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*key_columns, *count_columns]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = [f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in count_columns]
    updates += [f"{quote(c)} = excluded.{quote(c)}" for c in refresh]
    # Chunks keep SQLite under its variable limit; rows stay in key order across chunks.
    chunk = max(1, 900 // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES {', '.join([placeholders] * len(part))} "
                f"ON CONFLICT ({', '.join(quote(c) for c in conflict_columns)}) DO UPDATE SET {', '.join(updates)}",
                [value for row in part for value in row],
            )


__all__ = ["Batch", "Holding", "Place", "UnitInfo", "carried_years", "place_of", "state_vector", "State"]

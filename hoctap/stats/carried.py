"""Recognitions carried into later years: a recognition holds in the years after its own that
`criteria.validity` gives (the one rule, also read by `assessments.subjects.holders` and the
certificate) and counts as held in each of them, once per subject.

Which later years a recognition carries depends on the subject's other holding recognitions of
the title (`tallies.carried_years`: the most recent one covering a year counts it), so every
change is computed per subject: its holding assessments as they are now, and as they were just
before (one changed assessment added or taken away); the difference goes into the batch.
"""

from __future__ import annotations

import zlib
from collections import defaultdict

from django.db import connection

from hoctap.assessments.models import Assessment
from hoctap.assessments.states import HOLDING_STATES

from .tallies import Batch, Holding, UnitInfo, carried_years

CHUNK = 5000
LOCK_NAMESPACE = 0x4854  # "HT": hoctap's advisory locks, apart from other applications' keys
SUBJECT_FIELDS = ("household_id", "clan_branch_id", "community_id", "organisation_id", "person_id")
FIELDS = (
    "pk",
    "title",
    "campaign__year",
    "validity_years",
    "unit_id",
    "recorded_unit_id",
    "classification",
    *SUBJECT_FIELDS,
)


def subject_key(row: dict) -> tuple:
    return (row["title"], *(row[f] for f in SUBJECT_FIELDS))


def holdings_of(rows: list[dict]) -> list[dict]:
    """Every holding assessment of the subjects (and titles) of `rows`: a query per (title, subject
    field), one for a single decision."""
    wanted = defaultdict(set)
    for row in rows:
        for name in SUBJECT_FIELDS:
            if row[name] is not None:
                wanted[(row["title"], name)].add(row[name])
    rows = []
    for (title, name), ids in wanted.items():
        ids = sorted(ids)
        for start in range(0, len(ids), CHUNK):  # a recount may ask for many: SQLite caps the parameters
            rows += Assessment.objects.filter(
                title=title, state__in=HOLDING_STATES, **{f"{name}__in": ids[start : start + CHUNK]}
            ).values(*FIELDS)
    return rows


def contributions(rows: list[dict]) -> set[tuple[int, int]]:
    """{(assessment id, year carried into)} for the holding assessments `rows` (any subjects)."""
    by_subject = defaultdict(list)
    for row in rows:
        by_subject[subject_key(row)].append(Holding(row["pk"], row["campaign__year"], row["validity_years"]))
    out = set()
    for holdings in by_subject.values():
        for pk, years in carried_years(holdings).items():
            out |= {(pk, year) for year in years}
    return out


def add(batch: Batch, units: UnitInfo, row: dict, year: int, sign: int, unit_id: int | None = None) -> None:
    """One carried year of the assessment `row`, counted where `unit_id` (default: its unit) is."""
    units.load([unit_id or row["unit_id"], row["recorded_unit_id"]])
    place = units.place(unit_id or row["unit_id"])
    recorded = units.carried_recorded_commune(row["recorded_unit_id"], place, row["campaign__year"], year)
    batch.add_carried(place, recorded, year, row["title"], row["classification"], sign)


def on_holding_changed(batch: Batch, units: UnitInfo, assessment: Assessment, now_holding: bool) -> None:
    """`assessment` (saved) just entered (now_holding) or left a holding state: adjust the years
    its subject's recognitions carry."""
    mine = _row(assessment)
    _lock_subject(mine)
    others = [row for row in holdings_of([mine]) if row["pk"] != assessment.pk]
    before, after = (others, [*others, mine]) if now_holding else ([*others, mine], others)
    _apply_difference(batch, units, before, after)


def on_moved(batch: Batch, units: UnitInfo, moved) -> None:
    """Assessments that followed their subject: the years their recognitions carry move with them."""
    old_unit = {m.id: m.old_unit_id for m in moved}
    rows = list(Assessment.objects.filter(pk__in=list(old_unit), state__in=HOLDING_STATES).values(*FIELDS))
    holdings = holdings_of(rows)
    by_pk = {row["pk"]: row for row in holdings}
    for pk, year in contributions(holdings):
        if pk in old_unit:
            add(batch, units, by_pk[pk], year, -1, unit_id=old_unit[pk])
            add(batch, units, by_pk[pk], year, +1)


def _lock_subject(row: dict) -> None:
    """Two decisions on one subject's assessments at once (a level raised while the first is
    recognised) must not both read the subject's recognitions without the other: on PostgreSQL the
    second waits for the first's commit on a lock of the subject (a transaction-level advisory
    lock: it touches no row, so it cannot deadlock with the row locks the workflow takes). SQLite
    runs one writer at a time."""
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(repr(subject_key(row)).encode())  # unsigned 32 bits; PostgreSQL wants a signed int4
    signed = key - (1 << 32) if key >= 1 << 31 else key
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, signed])


def _apply_difference(batch: Batch, units: UnitInfo, before: list[dict], after: list[dict]) -> None:
    then, now = contributions(before), contributions(after)
    rows = {row["pk"]: row for row in [*before, *after]}
    for pk, year in then - now:
        add(batch, units, rows[pk], year, -1)
    for pk, year in now - then:
        add(batch, units, rows[pk], year, +1)


def _row(assessment: Assessment) -> dict:
    return {
        "pk": assessment.pk,
        "title": assessment.title,
        "campaign__year": assessment.campaign.year,
        "validity_years": assessment.validity_years,
        "unit_id": assessment.unit_id,
        "recorded_unit_id": assessment.recorded_unit_id,
        "classification": assessment.classification,
        **{f: getattr(assessment, f) for f in SUBJECT_FIELDS},
    }


def expected(batch: Batch, units: UnitInfo, years=None, path: str | None = None) -> None:
    """The carried years of every subject holding a recognition (within `path`), as absolute
    values, for `recompute.expected`."""
    holding = Assessment.objects.filter(state__in=HOLDING_STATES)
    if path:
        holding = holding.filter(unit__path__startswith=path)
    seeds = list(holding.values(*FIELDS).iterator(chunk_size=20000))
    holdings = holdings_of(seeds)
    by_pk = {row["pk"]: row for row in holdings}
    for pk, year in sorted(contributions(holdings)):
        if years and year not in years:
            continue
        row = by_pk[pk]
        if path and not units.path(row["unit_id"]).startswith(path):
            continue
        add(batch, units, row, year, +1)

"""Large exports, written by the background worker.

The household list of a whole province is about 800,000 rows. It is read with a database iterator
(a server-side cursor on PostgreSQL, batched fetches on SQLite) as plain tuples, and written with
openpyxl's write-only mode as plain values: neither side keeps more than one batch in memory, so
the worker's memory does not grow with the number of rows. Progress is written to the ExportJob
row every few thousand rows, in its own short statement, for the page to poll.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import BinaryIO

from django.utils import timezone

from hoctap.accounts.roles import Capability
from hoctap.assessments.models import Assessment
from hoctap.assessments.states import State
from hoctap.core.exports import neutralise
from hoctap.criteria.titles import Title
from hoctap.exports import kinds
from hoctap.registry.models import Household
from hoctap.territory.models import Unit

from .issuers import issuing_bodies
from .models import ExportKind
from .xlsx import AdminSheet, workbook

BATCH = 5000
HOUSEHOLD_COLUMNS = [
    ("STT", 8),
    ("Xã, phường", 24),
    ("Thôn, tổ dân phố", 20),
    ("Mã hộ", 12),
    ("Chủ hộ", 26),
    ("Địa chỉ", 30),
    ("Chi dòng họ", 22),
    ("Trạng thái GĐHT", 22),
    ("Xếp loại", 14),
]
# The list is an administrative document: Vietnamese whatever the interface language.
STATE_LABELS = {value: str(label) for value, label in State.choices}
NOT_REGISTERED = "Chưa đăng ký"

Progress = Callable[[int, int], None]


HOUSEHOLD_ORDER = ("commune__sort_key", "commune_id", "village__sort_key", "village_id", "sort_key", "pk")


def households(unit: Unit):
    """Households under `unit` in the order of the printed list (commune, village, head's name),
    as plain tuples led by the household id."""
    return (
        Household.objects.filter(village__path__startswith=unit.path)
        .order_by(*HOUSEHOLD_ORDER)
        .values_list("pk", "commune__name", "village__name", "code", "head__full_name", "address", "clan_branch__name")
    )


def family_results(unit: Unit, year: int):
    """The learning-family assessments of `year` of those households, in the same order, as
    (household id, state, classification).

    They are read as a second ordered stream and merged in Python rather than joined: without table
    statistics SQLite probes the join through the campaign index, once per household, which turns
    a province into hours; each stream alone is one index scan and one sort.
    """
    return (
        Assessment.objects.filter(campaign__year=year, title=Title.FAMILY)
        .filter(household__village__path__startswith=unit.path)
        .order_by(*(f"household__{key}" for key in HOUSEHOLD_ORDER), "pk")
        .values_list("household_id", "state", "classification")
    )


def _best(results: list[tuple[str, str]]) -> tuple[str | None, str]:
    """A revoked assessment may have been replaced by a new one in the same campaign: show the live one."""
    live = [result for result in results if result[0] != State.REVOKED]
    return (live or results or [(None, "")])[-1]


def merged(unit: Unit, year: int):
    """Each household with its result, one row per household, in print order."""
    results = iter(family_results(unit, year).iterator(chunk_size=BATCH))
    pending = next(results, None)
    for household_id, *household in households(unit).iterator(chunk_size=BATCH):
        found = []
        while pending is not None and pending[0] == household_id:
            found.append(pending[1:])
            pending = next(results, None)
        yield household, _best(found)


def write_households(
    unit: Unit, year: int, out: BinaryIO, progress: Progress, *, today: datetime.date | None = None
) -> int:
    total = households(unit).count()
    progress(0, total)
    book = workbook()
    sheet = AdminSheet(book, f"Ho gia dinh {year}", [width for _label, width in HOUSEHOLD_COLUMNS])
    governing, issuing, place = issuing_bodies(unit)
    sheet.header(
        governing_body=governing,
        issuing_body=issuing,
        place=place,
        day=today or timezone.localdate(),
        title=f"Danh sách hộ gia đình và kết quả đánh giá Gia đình học tập năm {year}",
        subtitle=unit.name,
    )
    sheet.simple_headers([label for label, _width in HOUSEHOLD_COLUMNS])
    done = 0
    for (commune, village, code, head, address, clan), (state, classification) in merged(unit, year):
        done += 1
        sheet.ws.append(
            (
                done,
                commune,
                village,
                neutralise(code),
                neutralise(head or ""),
                neutralise(address),
                neutralise(clan or ""),
                STATE_LABELS.get(state, NOT_REGISTERED),
                classification or "",
            )
        )
        if done % BATCH == 0:
            progress(done, total)
    book.save(out)
    progress(done, total)
    return done


def filename_for(kind: str, unit: Unit, year: int) -> str:
    return f"{kind}-{unit.code}-{year}.xlsx"


# The job export of the report tables, run by hoctap.exports' one runner.
kinds.register(
    kinds.ExportKind(
        key=ExportKind.HOUSEHOLDS,
        label=ExportKind.HOUSEHOLDS.label,
        capability=Capability.REPORT,
        write=lambda job, scope, out, progress: write_households(job.unit, job.year, out, progress),
        filename=lambda job: filename_for(job.kind, job.unit, job.year),
        audit_filters=lambda params: {},
    )
)

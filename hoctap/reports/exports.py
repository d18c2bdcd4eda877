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

from django.db.models import FilteredRelation, Q
from django.utils import timezone

from hoctap.assessments.models import Campaign
from hoctap.assessments.states import State
from hoctap.core.exports import neutralise
from hoctap.criteria.titles import Title
from hoctap.registry.models import Household
from hoctap.territory.models import Unit

from .issuers import issuing_bodies
from .models import ExportKind
from .xlsx import AdminSheet, workbook

BATCH = 5000
HOUSEHOLD_COLUMNS = [
    ("STT", 8), ("Xã, phường", 24), ("Thôn, tổ dân phố", 20), ("Mã hộ", 12), ("Chủ hộ", 26),
    ("Địa chỉ", 30), ("Chi dòng họ", 22), ("Trạng thái GĐHT", 22), ("Xếp loại", 14),
]
STATE_LABELS = {value: str(label) for value, label in State.choices}

Progress = Callable[[int, int], None]


def households(unit: Unit, year: int):
    """Households under `unit`, each with its learning-family assessment of `year` (if any), as
    tuples in the order of the printed list: commune, village, head's name."""
    # An empty IN would make Django drop the whole query rather than the join; no row has id 0, so
    # a year without a family campaign still lists every household, each without a result.
    campaigns = list(Campaign.objects.filter(year=year, title=Title.FAMILY).values_list("pk", flat=True)) or [0]
    return (
        Household.objects.filter(village__path__startswith=unit.path)
        .annotate(result=FilteredRelation("assessments", condition=Q(assessments__campaign_id__in=campaigns)))
        .order_by("commune__sort_key", "commune_id", "village__sort_key", "village_id", "sort_key", "pk")
        .values_list(
            "commune__name", "village__name", "code", "head__full_name", "address", "clan_branch__name",
            "result__state", "result__classification",
        )
    )


def write_households(unit: Unit, year: int, out: BinaryIO, progress: Progress, *, today: datetime.date | None = None) -> int:
    rows = households(unit, year)
    total = rows.count()
    progress(0, total)
    book = workbook()
    sheet = AdminSheet(book, f"Ho gia dinh {year}", [width for _label, width in HOUSEHOLD_COLUMNS])
    governing, issuing, place = issuing_bodies(unit)
    sheet.header(
        governing_body=governing, issuing_body=issuing, place=place, day=today or timezone.localdate(),
        title=f"Danh sách hộ gia đình và kết quả đánh giá Gia đình học tập năm {year}", subtitle=unit.name,
    )
    sheet.simple_headers([label for label, _width in HOUSEHOLD_COLUMNS])
    done = 0
    for commune, village, code, head, address, clan, state, classification in rows.iterator(chunk_size=BATCH):
        done += 1
        sheet.ws.append((
            done, commune, village, neutralise(code), neutralise(head or ""), neutralise(address),
            neutralise(clan or ""), STATE_LABELS.get(state, "Chưa đăng ký"), classification or "",
        ))
        if done % BATCH == 0:
            progress(done, total)
    book.save(out)
    progress(done, total)
    return done


WRITERS = {ExportKind.HOUSEHOLDS: write_households}


def filename_for(kind: str, unit: Unit, year: int) -> str:
    return f"{kind}-{unit.code}-{year}.xlsx"

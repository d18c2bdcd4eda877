"""The honour list of an occasion as a spreadsheet in the administrative layout."""

from __future__ import annotations

import io

from django.utils import timezone

from hoctap.core.documents import in_official_language
from hoctap.reports.issuers import issuing_bodies
from hoctap.reports.xlsx import AdminSheet, workbook

from . import emulation
from .models import Stage

COLUMNS = [("STT", 6), ("Tên", 32), ("Loại", 14), ("Địa bàn", 26), ("Thành tích tiêu biểu", 60), ("Khen thưởng", 36)]


@in_official_language
def honour_list_xlsx(nominations, *, occasion_code: str, stage: str, unit) -> bytes:
    """The list a congress reads out, as the association files it: the issuing body's header (that of
    `unit`), the occasion and level, then one row per nomination with its awards in one cell. In
    the official language whatever the user's, since the file leaves the system."""
    occasion = emulation.occasion(occasion_code)
    book = workbook()
    sheet = AdminSheet(book, "Danh sach bieu duong", [width for _label, width in COLUMNS])
    governing, issuing, place = issuing_bodies(unit)
    sheet.header(
        governing_body=governing,
        issuing_body=issuing,
        place=place,
        day=timezone.localdate(),
        title="Danh sách mô hình học tập tiêu biểu được biểu dương",
        subtitle=f"{occasion.name if occasion else occasion_code} · {Stage(stage).label} · {unit.name}",
    )
    sheet.simple_headers([label for label, _width in COLUMNS])
    for number, nomination in enumerate(nominations, start=1):
        awards = "; ".join(
            f"{a.get_kind_display()} {a.issuer}, QĐ {a.decision_number} ngày {a.decision_date:%d/%m/%Y}"
            for a in nomination.awards.all()
        )
        sheet.row(
            [
                number,
                nomination.nominee_name,
                nomination.get_nominee_kind_display(),
                nomination.unit.name,
                nomination.achievements,
                awards,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

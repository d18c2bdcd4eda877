"""The report's statistical table as an xlsx sheet: units in rows, titles in columns, each title's
columns under one merged header (registered, recognised, rate, target).

The sheet is an administrative document, so its words are Vietnamese whatever the interface
language is.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone

from hoctap.core.documents import in_official_language

from . import reporters
from .issuers import issuing_bodies
from .models import Report
from .xlsx import AdminSheet, workbook

METRICS = [
    ("registered", "Đăng ký"),
    ("recognised", "Được công nhận"),
    ("rate", "Tỷ lệ (%)"),
    ("target", "Chỉ tiêu (%)"),
]
LEADING = ["STT", "Đơn vị"]


def _number(value):
    """Rates travel as decimal strings (exact); the sheet holds numbers so it can be summed."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return float(Decimal(value))
    return value


def vi_number(value) -> str | None:
    """Vietnamese print: thousands with dots, decimals with a comma (1.234; 55,5)."""
    if value is None:
        return None
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{value:,}".replace(",", ".")


def cell_values(cells: dict, titles: list[dict]) -> list:
    values = []
    for title in titles:
        cell = cells.get(title["code"], {})
        values.extend(_number(cell.get(metric)) for metric, _label in METRICS)
    return values


def _section_sheet(book, report: Report, shown, number: int, frozen_line: str) -> None:
    """One section on its own sheet, in the same layout: header, the table, its notes."""
    columns = shown.table["columns"]
    sheet = AdminSheet(book, f"{number}. {shown.label}"[:31].replace("/", "-"), [6, 28] + [14] * len(columns))
    _report_header(sheet, report, title=f"{number}. {shown.label}", subtitle=frozen_line)
    first = "Năm" if shown.code == "period" else "Đơn vị"
    if shown.grouped:
        groups = []
        for heading, span, is_group in shown.groups:
            if is_group:
                groups.append((heading, [c["label"] for c in columns if c["group"] == heading][:span]))
            else:
                groups.append((heading, [""]))
        sheet.grouped_headers(["STT", first], groups)
    else:
        sheet.simple_headers(["STT", first] + [c["label"] for c in columns])
    formats = [None, None] + [{"percent": "0.0", "money": "#,##0", "count": "#,##0"}.get(c["kind"]) for c in columns]
    for index, row in enumerate(shown.table["rows"], start=1):
        sheet.row([index, row["name"]] + [_number(v) for v in shown.cells(row["values"])], formats=formats)
    sheet.row(
        ["", shown.total_label] + [_number(v) for v in shown.cells(shown.table["total"]["values"])],
        bold=True,
        formats=formats,
    )
    for note in shown.notes:
        sheet.plain_rows([("", note)])


def _report_header(sheet: AdminSheet, report: Report, *, title: str, subtitle: str) -> str:
    """The administrative heading each sheet of the report opens with: the bodies, the place and
    the day (of sending, once sent). Returns the issuing body, in whose name the report is signed."""
    governing, issuing, place = issuing_bodies(report.unit, reporters.of(report.report_type))
    day = timezone.localdate(report.submitted_at) if report.snapshot is not None else timezone.localdate()
    sheet.header(governing_body=governing, issuing_body=issuing, place=place, day=day, title=title, subtitle=subtitle)
    return issuing


@in_official_language
def report_table_xlsx(report: Report, table: dict, data: dict | None = None) -> bytes:
    """The titles table on the first sheet with the report's recipients; every other section the
    report carries (`sections.py`) on a sheet of its own."""
    from . import sections

    data = data if data is not None else sections.current(report)
    titles = table["titles"]
    widths = [6, 28] + [11] * (len(titles) * len(METRICS))
    book = workbook()
    sheet = AdminSheet(book, f"Bieu {report.year}", widths)
    if report.snapshot is not None:
        subtitle = f"{report.unit.name} · số liệu chốt lúc gửi {timezone.localtime(report.submitted_at):%H:%M %d/%m/%Y}"
    else:
        subtitle = f"{report.unit.name} · số liệu tạm tính (báo cáo chưa gửi)"
    issuing = _report_header(
        sheet,
        report,
        title=f"Biểu tổng hợp kết quả xây dựng các mô hình học tập năm {sections.figures_year(report)}",
        subtitle=subtitle,
    )
    sheet.grouped_headers(LEADING, [(title["label"], [label for _metric, label in METRICS]) for title in titles])
    formats = [None, None] + ["#,##0", "#,##0", "0.0", "0.0"] * len(titles)
    for number, row in enumerate(table["rows"], start=1):
        sheet.row([number, row["name"]] + cell_values(row["cells"], titles), formats=formats)
    sheet.row(["", "Tổng cộng"] + cell_values(table["total"]["cells"], titles), bold=True, formats=formats)
    sheet.plain_rows([(), ("", "Nơi nhận:")] + [("", f"- {line}") for line in report.recipient_lines()])
    sheet.signature(position=f"TM. {issuing}")
    others = [shown for shown in sections.shown(report, data) if shown.code != sections.TITLES]
    for number, shown in enumerate(others, start=2):
        _section_sheet(book, report, shown, number, subtitle)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def grid(table: dict) -> dict:
    """The table in title order, for templates (which cannot index a dict by a variable)."""
    codes = [title["code"] for title in table["titles"]]
    return {
        "titles": table["titles"],
        "rows": [(row["name"], [row["cells"].get(code, {}) for code in codes]) for row in table["rows"]],
        "total": [table["total"]["cells"].get(code, {}) for code in codes],
    }

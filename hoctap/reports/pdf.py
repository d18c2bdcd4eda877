"""The whole report as PDF (WeasyPrint), in the administrative layout of Nghị định 30/2020/NĐ-CP:
the issuing body and the report's number on the left, the national heading on one line with the
motto and the place and date on the right, the title, the content, then the recipients beside the
signature block; the table of figures follows on a landscape page. The typeface is the repository's
Liberation Serif (Times New Roman metrics), embedded (`hoctap.core.documents`)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from hoctap.assessments.legal_bases import day_in_words
from hoctap.core.documents import font_faces, in_official_language, write_pdf
from hoctap.core.text import fold

from . import reporters
from . import sections as report_sections
from .issuers import issuing_bodies
from .models import Report
from .services import number_symbol
from .tables import METRICS, cell_values, vi_number
from .xlsx import MOTTO_LINE, MOTTO_NATION


def signature_lines(signer_title: str) -> list[str]:
    """ "TM. BAN CHẤP HÀNH / CHỦ TỊCH", or with "KT. CHỦ TỊCH" above a vice-chair's title: the
    association's executive committee signs its reports."""
    title = (signer_title or "").strip().upper()
    lines = ["TM. BAN CHẤP HÀNH"]
    if title.startswith("PHÓ"):
        lines.append("KT. CHỦ TỊCH")
    return lines + ([title] if title else [])


def title_lines(heading: str) -> tuple[str, str]:
    """("BÁO CÁO", "Kết quả … năm 2026"): the kind of document, then what it is about."""
    if fold(heading).startswith("bao cao "):
        rest = heading[len("Báo cáo ") :].strip()
        return "BÁO CÁO", rest[:1].upper() + rest[1:]
    return heading.upper(), ""


def document_day(report: Report):
    if report.dated:
        return report.dated
    if report.submitted_at and report.snapshot:
        return timezone.localdate(report.submitted_at)
    return timezone.localdate()


@in_official_language
def report_pdf(report: Report, table: dict, data: dict | None = None) -> bytes:
    """`table` is the titles table; `data` every section (frozen or live: `sections.current`), whose
    sections other than the titles follow the titles on the landscape pages."""
    data = data if data is not None else report_sections.current(report)
    governing, issuing, default_place = issuing_bodies(report.unit, reporters.of(report.report_type))
    titles = table["titles"]
    kind, about = title_lines(report.report_type.heading_for(report.year))
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "report": report,
            "table": table,
            "titles": titles,
            "metrics": METRICS,
            "rows": [(row["name"], [vi_number(v) for v in cell_values(row["cells"], titles)]) for row in table["rows"]],
            "total": [vi_number(v) for v in cell_values(table["total"]["cells"], titles)],
            "governing": governing,
            "issuing": issuing,
            "number": report.number or f"{' ' * 6}/{number_symbol(report.report_type)}",
            "date_line": f"{report.place or default_place}, {day_in_words(document_day(report))}",
            "motto_nation": MOTTO_NATION,
            "motto_line": MOTTO_LINE,
            "heading": report.report_type.heading_for(report.year),
            "kind": kind,
            "about": about,
            "recipients": report.recipient_lines(),
            "signature_lines": signature_lines(report.signer_title),
            "font_faces": font_faces(),
            "outstanding": (report.snapshot or {}).get("outstanding", []),
            "sections": [
                shown for shown in report_sections.shown(report, data) if shown.code != report_sections.TITLES
            ],
            "figures_year": report_sections.figures_year(report),
        },
    )
    return write_pdf(html)

"""The whole report as PDF (WeasyPrint). DejaVu fonts carry every Vietnamese glyph; they are loaded
from the system font directory so the PDF looks the same on every server."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from hoctap.core.documents import in_official_language

from .issuers import issuing_bodies
from .models import Report
from .tables import METRICS, cell_values, vi_number
from .xlsx import MOTTO_LINE, MOTTO_NATION, place_and_date

FONT_DIR = Path(getattr(settings, "REPORT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


@in_official_language
def report_pdf(report: Report, table: dict) -> bytes:
    governing, issuing, place = issuing_bodies(report.unit)
    day = timezone.localdate(report.submitted_at) if report.submitted_at and report.snapshot else timezone.localdate()
    titles = table["titles"]
    html = render_to_string("reports/report_pdf.html", {
        "report": report, "table": table, "titles": titles, "metrics": METRICS,
        "rows": [(row["name"], [vi_number(v) for v in cell_values(row["cells"], titles)]) for row in table["rows"]],
        "total": [vi_number(v) for v in cell_values(table["total"]["cells"], titles)],
        "governing": governing, "issuing": issuing, "date_line": place_and_date(place, day),
        "motto_nation": MOTTO_NATION, "motto_line": MOTTO_LINE,
        "heading": report.report_type.heading_for(report.year),
        "font_dir": FONT_DIR.as_uri(),
        "outstanding": (report.snapshot or {}).get("outstanding", []),
    })
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()

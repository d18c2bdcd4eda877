"""PDFs in the Vietnamese administrative layout (decision, certificates), rendered with WeasyPrint.

Fonts are DejaVu from Debian's fonts-dejavu-core, embedded through @font-face, so every Vietnamese
glyph is in the file whatever the reader has installed.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from weasyprint import HTML

from hoctap.core.documents import in_official_language
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title

from .campaigns import valid_until
from .decisions import issuer_body, issuer_name, unit_in_sentence
from .models import Certificate, Decision
from .subjects import SUBJECT_RELATIONS, display_name

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {
    "serif": FONT_DIR / "DejaVuSerif.ttf",
    "serif_bold": FONT_DIR / "DejaVuSerif-Bold.ttf",
    "serif_italic": FONT_DIR / "DejaVuSerif-Italic.ttf",
    "serif_bold_italic": FONT_DIR / "DejaVuSerif-BoldItalic.ttf",
}


def vietnamese_date(place: str, day: datetime.date) -> str:
    """"An Lạc, ngày 05 tháng 12 năm 2024", as administrative documents date themselves."""
    return _("%(place)s, ngày %(day)02d tháng %(month)02d năm %(year)d") % {
        "place": place, "day": day.day, "month": day.month, "year": day.year,
    }


def signature_block(decision: Decision) -> list[str]:
    """"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a deputy."""
    title = decision.signer_title.strip().upper()
    lines = [_("TM. ỦY BAN NHÂN DÂN")]
    if title.startswith("PHÓ"):
        lines.append(_("KT. CHỦ TỊCH"))
    return lines + [title]


def _render(template: str, context: dict) -> bytes:
    html = render_to_string(template, {**context, "fonts": {k: v.as_uri() for k, v in FONTS.items()}})
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf()


def incomplete_sets(set_ids) -> list[CriteriaSetVersion]:
    """The criteria sets among these that are partial or provisional: documents must say so."""
    return list(CriteriaSetVersion.objects.filter(pk__in=set(set_ids)).exclude(status=CriteriaSetVersion.Status.OFFICIAL))


@in_official_language
def decision_pdf(decision: Decision) -> bytes:
    assessments = list(decision.assessments.select_related(*SUBJECT_RELATIONS, "criteria_set").order_by("unit__sort_key", "pk"))
    rows = [
        {"name": display_name(a), "place": a.unit.name, "classification": (a.review_result or {}).get("classification_name_vi", "")}
        for a in assessments
    ]
    return _render("assessments/pdf/decision.html", {
        "decision": decision,
        "issuer_name": issuer_name(decision.issuer),
        "issuer_unit_upper": decision.issuer.name.upper(),
        "issuer_body": issuer_body(decision.issuer),
        "issuer_in_sentence": unit_in_sentence(decision.issuer),
        "dated": vietnamese_date(decision.issuer.short_name, decision.issued_on),
        "title_label": Title(decision.campaign.title).label,
        "rows": rows,
        "valid_until": valid_until(decision.campaign),
        "signature_lines": signature_block(decision),
        "incomplete_sets": incomplete_sets(a.criteria_set_id for a in assessments),
    })


@in_official_language
def certificates_pdf(certificates: list[Certificate], verify_base: str) -> bytes:
    """One A4 landscape page per certificate; `verify_base` is the site's absolute root URL."""
    pages = []
    for certificate in certificates:
        url = verify_base.rstrip("/") + reverse("verify", kwargs={"code": certificate.code})
        decision = certificate.decision
        pages.append({
            "certificate": certificate,
            "payload": certificate.payload,
            "url": url,
            "qr": segno.make(url, error="m").svg_data_uri(scale=3, border=1),
            "issuer_name": issuer_name(decision.issuer),
            "dated": vietnamese_date(decision.issuer.short_name, decision.issued_on),
            "signature_lines": signature_block(decision),
            "signer_name": decision.signer_name,
            "incomplete": certificate.payload.get("criteria_set_status") != CriteriaSetVersion.Status.OFFICIAL,
        })
    return _render("assessments/pdf/certificates.html", {"pages": pages})

"""PDFs in the Vietnamese administrative layout (decision, certificates), rendered with WeasyPrint.

They carry official content only: what the law and the decision say. Where a criteria set came from
(its code, whether its text is complete) is in the record, on the decision's page and on /verify/,
never on the paper. The typeface is the repository's Liberation Serif (Times New Roman metrics,
every Vietnamese letter), embedded in the file (`hoctap.core.documents`).
"""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from hoctap.core.documents import font_faces, in_official_language, qr_source, stored_pdf
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.territory.models import Level

from .campaigns import valid_until
from .decisions import issuer_body, issuer_name, unit_in_sentence
from .legal_bases import day_in_words
from .models import Certificate, Decision
from .subjects import SUBJECT_RELATIONS, display_name


def vietnamese_date(place: str, day: datetime.date) -> str:
    """ "An Lạc, ngày 05 tháng 12 năm 2024", as administrative documents date themselves."""
    return f"{place}, {day_in_words(day)}"


def signature_block(signer_title: str) -> list[str]:
    """ "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", or "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    for a deputy."""
    title = signer_title.strip().upper()
    lines = [_("TM. ỦY BAN NHÂN DÂN")]
    if title.startswith("PHÓ"):
        lines.append(_("KT. CHỦ TỊCH"))
    return lines + [title]


def _html(template: str, context: dict) -> str:
    return render_to_string(template, {**context, "font_faces": font_faces()})


def incomplete_sets(set_ids) -> list[CriteriaSetVersion]:
    """The criteria sets among these that are partial or provisional: the record and the pages say
    so (the paper does not)."""
    return list(
        CriteriaSetVersion.objects.filter(pk__in=set(set_ids)).exclude(status=CriteriaSetVersion.Status.OFFICIAL)
    )


def article_3(issuer) -> str:
    """Who carries the decision out: a commune's office, association and villages; a province's
    office, association and the units named."""
    if issuer.level == Level.PROVINCE:
        return _(
            "Văn phòng Ủy ban nhân dân, Hội Khuyến học %(issuer)s và các đơn vị có tên tại Điều 1 "
            "chịu trách nhiệm thi hành Quyết định này."
        ) % {"issuer": unit_in_sentence(issuer)}
    return _(
        "Văn phòng Ủy ban nhân dân, Hội Khuyến học %(issuer)s, các thôn, tổ dân phố và các đối tượng "
        "có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."
    ) % {"issuer": unit_in_sentence(issuer)}


def decision_pdf(decision: Decision) -> bytes:
    """The decision as PDF, rendered here if it was not yet (pages queue it instead: `document_jobs`).
    Kept in storage by the hash of the HTML: rendered once, whichever app server is asked again."""
    return stored_pdf(decision_html(decision))


def certificates_pdf(certificates: list[Certificate], verify_base: str) -> bytes:
    return stored_pdf(certificates_html(certificates, verify_base))


@in_official_language
def decision_html(decision: Decision) -> str:
    assessments = list(decision.assessments.select_related(*SUBJECT_RELATIONS).order_by("unit__sort_key", "pk"))
    rows = [
        {
            "name": display_name(a),
            "place": a.unit.name,
            "classification": (a.review_result or {}).get("classification_name_vi", ""),
        }
        for a in assessments
    ]
    return _html(
        "assessments/pdf/decision.html",
        {
            "decision": decision,
            "issuer_name": issuer_name(decision.issuer),
            "issuer_unit_upper": decision.issuer.name.upper(),
            "issuer_body": issuer_body(decision.issuer),
            "dated": vietnamese_date(decision.issuer.short_name, decision.issued_on),
            "title_label": Title(decision.campaign.title).label,
            "rows": rows,
            # one validity per decision (`decisions.issue_decision` refuses a mix)
            "valid_until": valid_until(decision.campaign, assessments[0].validity_years if assessments else None),
            "article_3": article_3(decision.issuer),
            "signature_lines": signature_block(decision.signer_title),
        },
    )


@in_official_language
def certificates_html(certificates: list[Certificate], verify_base: str) -> str:
    """One A4 landscape page per certificate; `verify_base` is the site's absolute root URL."""
    pages = []
    for certificate in certificates:
        url = verify_base.rstrip("/") + reverse("verify", kwargs={"code": certificate.code})
        decision = certificate.decision
        pages.append(
            {
                "certificate": certificate,
                "payload": certificate.payload,
                "url": url,
                "qr": qr_source(url),
                "issuer_name": issuer_name(decision.issuer),
                "issuer_body": issuer_body(decision.issuer),
                "dated": vietnamese_date(decision.issuer.short_name, decision.issued_on),
                "signature_lines": signature_block(decision.signer_title),
                "signer_name": decision.signer_name,
            }
        )
    return _html("assessments/pdf/certificates.html", {"pages": pages})

"""Who issues a document for a unit, as printed in the header block of reports and lists.

Reports of the learning-society programme are issued by the Study Promotion Association of each
level (the plans in the domain reference are all signed by a Hội Khuyến học), under the association
of the level above; a report type sent by another body (`reporters.py`) carries that body's header.
"""

from __future__ import annotations

from hoctap.territory.models import Level, Unit

NATIONAL_BODY = "Trung ương Hội Khuyến học Việt Nam"
ASSOCIATION = "Hội Khuyến học"


def issuing_bodies(unit: Unit, reporter=None) -> tuple[str, str, str]:
    """(governing body, issuing body, place name for the date line). A body other than the
    association (`reporters.Reporter`) issues under its own governing body: "Ủy ban nhân dân tỉnh
    Hưng Yên" above "Sở Giáo dục và Đào tạo"."""
    if reporter is not None:
        return f"{reporter.governing} {unit.name}", reporter.body, unit.short_name
    if unit.level == Level.NATION:
        return "", NATIONAL_BODY, "Hà Nội"
    parent = unit.parent
    governing = NATIONAL_BODY if parent is None or parent.level == Level.NATION else f"{ASSOCIATION} {parent.name}"
    return governing, f"{ASSOCIATION} {unit.name}", unit.short_name

"""Who issues a document for a unit, as printed in the header block of reports and lists.

Reports of the learning-society programme are issued by the Study Promotion Association of each
level (the plans in the domain reference are all signed by a Hội Khuyến học), under the association
of the level above.
"""

from __future__ import annotations

from hoctap.territory.models import Level, Unit

NATIONAL_BODY = "Trung ương Hội Khuyến học Việt Nam"
ASSOCIATION = "Hội Khuyến học"


def issuing_bodies(unit: Unit) -> tuple[str, str, str]:
    """(governing body, issuing body, place name for the date line)."""
    if unit.level == Level.NATION:
        return "", NATIONAL_BODY, "Hà Nội"
    parent = unit.parent
    governing = NATIONAL_BODY if parent is None or parent.level == Level.NATION else f"{ASSOCIATION} {parent.name}"
    return governing, f"{ASSOCIATION} {unit.name}", unit.short_name

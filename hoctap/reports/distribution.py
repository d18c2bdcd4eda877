"""Who a report is sent to: the distribution list of its type, per submitting level.

The plans send each level's report to the association of the level above and to the bodies of its
own level that lead the programme: the People's Committee, the steering committee for the learning
society and the Party committee (Thái Bình 29/KH-KHKH: "tổng hợp báo cáo Ban Thường vụ Hội cùng
cấp, cấp trên và Ban Chỉ đạo xây dựng xã hội học tập của cấp đó"; "định kỳ báo cáo Uỷ ban nhân dân
tỉnh, Ban Chỉ đạo …"; Cao Bằng 97/KH-HKH and Sơn La list the Party committee's boards). The list is
data (`schedules.yaml`, `distribution:` per report type); each entry is a kind below. "above" is
the association of the level above, which already reads the report as its reviewer; every other
kind is a role at the reporting unit (accounts.roles.RECIPIENT_ROLES), whose holders read the
reports addressed to them (`ReportAddressee`, through the scoping layer) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoctap.accounts.roles import Role
from hoctap.assessments.legal_bases import unit_in_sentence
from hoctap.territory.models import Level, Unit

ABOVE = "above"
# The association of the reporting unit itself: where a body other than the association sends its
# report (the Department of Education's report goes to the province's association, `reporters.py`).
ASSOCIATION = "association"
KINDS = (ABOVE, ASSOCIATION, Role.PEOPLES_COMMITTEE, Role.STEERING_COMMITTEE, Role.PARTY_COMMITTEE)
# The kinds whose reviewers already read the report: no addressee is recorded for them.
REVIEWING = (ABOVE, ASSOCIATION)
DEFAULT = [ABOVE, Role.PEOPLES_COMMITTEE, Role.STEERING_COMMITTEE, Role.PARTY_COMMITTEE]


@dataclass(frozen=True)
class Recipient:
    kind: str
    role: str | None  # None: the association above, or of the unit (its reviewers read it already)
    unit: Unit | None
    line: str  # as printed under "Nơi nhận:"


def _party_committee(unit: Unit) -> str:
    if unit.level == Level.PROVINCE:
        body = "Thành ủy" if unit.division_type.lower().startswith("thành phố") else "Tỉnh ủy"
        return f"Thường trực {body} {unit.short_name}"
    return f"Đảng ủy {unit_in_sentence(unit)}"


def line_for(kind: str, unit: Unit) -> str:
    """The line of the paper for `kind` (Vietnamese: an administrative document)."""
    if kind == ASSOCIATION:
        return f"Hội Khuyến học {unit_in_sentence(unit)} (để báo cáo);"
    if kind == ABOVE:
        parent = unit.parent
        if parent is None or parent.level == Level.NATION:
            return "Trung ương Hội Khuyến học Việt Nam (để báo cáo);"
        return f"Hội Khuyến học {unit_in_sentence(parent)} (để báo cáo);"
    body = {
        Role.PEOPLES_COMMITTEE: lambda: f"Ủy ban nhân dân {unit_in_sentence(unit)}",
        Role.STEERING_COMMITTEE: lambda: f"Ban Chỉ đạo xây dựng xã hội học tập {unit_in_sentence(unit)}",
        Role.PARTY_COMMITTEE: lambda: _party_committee(unit),
    }[kind]()
    return f"{body} (để báo cáo);"


def recipients(report_type, unit: Unit) -> list[Recipient]:
    """The distribution list of `report_type` for `unit`'s level, in the order printed."""
    kinds = (report_type.distribution or {}).get(unit.level, DEFAULT)
    return [
        Recipient(kind, None if kind in REVIEWING else kind, None if kind in REVIEWING else unit, line_for(kind, unit))
        for kind in kinds
    ]

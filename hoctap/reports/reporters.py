"""Reporters other than the association: bodies that report on the learning units they manage.

The plans ask more than the association to report: "các sở, ngành có liên quan ... định kỳ trước
ngày 01 tháng 12 hằng năm gửi báo cáo kết quả triển khai về Văn phòng Hội Khuyến học tỉnh" (Thái Bình
29/KH-KHKH, closing paragraph), the Department of Education and Training first among them (Tuyên Quang
108/KH-UBND mục IV.2). Such a body is data (`schedules.yaml`, `reporters:`): the role that writes and
sends its report, the level of unit it sits at, the learning units it reports on (the registry's
organisations, by kind and managing level: a province's department manages the schools the province
manages) and how its paper is headed. A report type names its reporter (`ReportType.reporter`);
everything else — deadlines, the workflow, the frozen figures, the distribution list — is that of
every report. The association of the same unit receives the report and decides on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from hoctap.accounts.roles import REPORTER_ROLES, ROLE_LEVELS
from hoctap.registry.models import ManagingLevel, OrganisationKind

DEFAULT_FILE = Path(__file__).with_name("schedules.yaml")


@dataclass(frozen=True)
class Reporter:
    code: str
    role: str  # accounts.roles.REPORTER_ROLES: who writes and sends the report, at the unit
    level: str  # the level of unit it sits at (a province's department)
    body: str  # the issuing body printed on the paper: "Sở Giáo dục và Đào tạo"
    governing: str  # the body above it, before the unit's name: "Ủy ban nhân dân"
    signer_title: str
    symbol: str  # the report's number symbol: "BC-SGDĐT"
    organisation_kinds: tuple[str, ...]
    managing_level: str


def parse(entries) -> dict[str, Reporter]:
    """The `reporters:` list, checked: a role that may send reports, at a level it is assigned at,
    known organisation kinds and managing level."""
    found = {}
    for entry in entries or []:
        reporter = Reporter(
            code=entry["code"],
            role=entry["role"],
            level=entry["level"],
            body=entry["body"],
            governing=entry["governing"],
            signer_title=entry["signer_title"],
            symbol=entry["symbol"],
            organisation_kinds=tuple(entry["organisation_kinds"]),
            managing_level=entry["managing_level"],
        )
        if reporter.role not in REPORTER_ROLES:
            raise ValueError(f"reporter {reporter.code}: role {reporter.role!r} is not one of {REPORTER_ROLES}")
        if reporter.level not in ROLE_LEVELS[reporter.role]:
            raise ValueError(f"reporter {reporter.code}: role {reporter.role!r} is never held at {reporter.level!r}")
        unknown = [kind for kind in reporter.organisation_kinds if kind not in OrganisationKind.values]
        if unknown or reporter.managing_level not in ManagingLevel.values:
            raise ValueError(f"reporter {reporter.code}: unknown organisation kinds {unknown} or managing level")
        found[reporter.code] = reporter
    return found


@cache
def shipped() -> dict[str, Reporter]:
    return parse(yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8")).get("reporters"))


def of(report_type) -> Reporter | None:
    """The body that sends reports of `report_type`, or None for the association's own reports."""
    return shipped()[report_type.reporter] if report_type.reporter else None

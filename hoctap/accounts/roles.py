"""Roles and what each may do. Data, not code paths: views ask `can(capability)`."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Level


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    VILLAGE_OFFICER = "village_officer", _("Cán bộ thôn, tổ dân phố")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    COMMUNE_APPROVER = "commune_approver", _("Lãnh đạo xã (ký công nhận)")
    PROVINCE_OFFICER = "province_officer", _("Cán bộ tỉnh")
    PROVINCE_APPROVER = "province_approver", _("Lãnh đạo tỉnh (ký công nhận)")
    CENTRAL_ADMIN = "central_admin", _("Quản trị trung ương")
    VIEWER = "viewer", _("Xem (sở, ngành phối hợp)")
    # The bodies a report is sent to besides the association of the level above (its distribution
    # list, reports/schedules.yaml): they read the reports addressed to them and nothing else.
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân (nhận báo cáo)")
    STEERING_COMMITTEE = "steering_committee", _("Ban Chỉ đạo xây dựng xã hội học tập (nhận báo cáo)")
    PARTY_COMMITTEE = "party_committee", _("Cấp ủy Đảng (nhận báo cáo)")
    # A body other than the association that reports on the learning units it manages (its
    # report type names it: reports/schedules.yaml `reporters:`): it starts and sends that report
    # only, and reads what a viewer reads.
    EDUCATION_DEPARTMENT = "education_department", _("Sở Giáo dục và Đào tạo (báo cáo về trường học)")


class Capability(models.TextChoices):
    VIEW = "view", _("xem")
    EDIT_REGISTRY = "edit_registry", _("cập nhật sổ theo dõi")
    VIEW_ID_NUMBERS = "view_id_numbers", _("xem số định danh đầy đủ")
    REVIEW = "review", _("thẩm định")
    RECOGNISE = "recognise", _("ký công nhận")
    MANAGE_ACCOUNTS = "manage_accounts", _("quản lý tài khoản")
    MANAGE_CRITERIA = "manage_criteria", _("quản lý bộ tiêu chí")
    MANAGE_TERRITORY = "manage_territory", _("quản lý thôn, tổ dân phố")
    REPORT = "report", _("lập báo cáo")
    CLASSIFY_AREAS = "classify_areas", _("xếp loại vùng khó khăn")
    # The commune records its own learning centre's classes, Lifelong Learning Week and literacy
    # figures (hoctap.learning); the province reads them, it does not write them for the commune.
    RECORD_LEARNING = "record_learning", _("ghi hoạt động học tập cộng đồng, phổ cập giáo dục")
    # Read the reports addressed to the role at its unit (Report.scope_addressee_lookup), nothing more.
    RECEIVE_REPORTS = "receive_reports", _("nhận báo cáo")
    # Ethnicity is sensitive personal data (Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP): seen and
    # recorded only by the commune officers who keep the register; everyone else reads aggregates.
    VIEW_SENSITIVE = "view_sensitive", _("xem, ghi dân tộc (dữ liệu nhạy cảm)")
    # The province decides who controls its people's data and the time limits of their requests
    # (hoctap.privacy, «Dữ liệu cá nhân của tỉnh»); communes follow.
    SET_PRIVACY = "set_privacy", _("chọn bên kiểm soát dữ liệu, thời hạn xử lý yêu cầu của tỉnh")


C = Capability
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.CITIZEN: frozenset({C.VIEW}),
    Role.VILLAGE_OFFICER: frozenset({C.VIEW, C.EDIT_REGISTRY}),
    Role.COMMUNE_OFFICER: frozenset(
        {
            C.VIEW,
            C.EDIT_REGISTRY,
            C.VIEW_ID_NUMBERS,
            C.REVIEW,
            C.MANAGE_ACCOUNTS,
            C.MANAGE_TERRITORY,
            C.REPORT,
            C.RECORD_LEARNING,
            C.VIEW_SENSITIVE,
        }
    ),
    Role.COMMUNE_APPROVER: frozenset({C.VIEW, C.VIEW_ID_NUMBERS, C.REVIEW, C.RECOGNISE, C.REPORT}),
    Role.PROVINCE_OFFICER: frozenset(
        {
            C.VIEW,
            C.EDIT_REGISTRY,
            C.REVIEW,
            C.MANAGE_ACCOUNTS,
            C.MANAGE_CRITERIA,
            C.MANAGE_TERRITORY,
            C.REPORT,
            C.CLASSIFY_AREAS,
            C.SET_PRIVACY,
        }
    ),
    Role.PROVINCE_APPROVER: frozenset({C.VIEW, C.REVIEW, C.RECOGNISE, C.REPORT, C.MANAGE_CRITERIA}),
    Role.CENTRAL_ADMIN: frozenset(set(Capability.values)),
    Role.VIEWER: frozenset({C.VIEW}),
    Role.PEOPLES_COMMITTEE: frozenset({C.RECEIVE_REPORTS}),
    Role.STEERING_COMMITTEE: frozenset({C.RECEIVE_REPORTS}),
    Role.PARTY_COMMITTEE: frozenset({C.RECEIVE_REPORTS}),
    Role.EDUCATION_DEPARTMENT: frozenset({C.VIEW}),
}
# The roles that receive reports, each a body of the unit it is assigned at.
RECIPIENT_ROLES = (Role.PEOPLES_COMMITTEE, Role.STEERING_COMMITTEE, Role.PARTY_COMMITTEE)
# The roles that send a report of their own body's type (not by the `report` capability, which
# writes the association's reports): reports.reporters names the type each one sends.
REPORTER_ROLES = (Role.EDUCATION_DEPARTMENT,)
# Roles that only read (a citizen, a viewer, a body that receives reports): an account manager resets
# their passwords at the manager's own unit too; a peer who can change records is reset from above.
READ_ONLY_ROLES = frozenset(
    role for role, capabilities in CAPABILITIES.items() if capabilities <= {C.VIEW, C.RECEIVE_REPORTS}
)

# The level of unit a role is assigned at; an assignment at another level is refused.
ROLE_LEVELS: dict[str, set[str]] = {
    Role.CITIZEN: {Level.COMMUNE, Level.VILLAGE},
    Role.VILLAGE_OFFICER: {Level.VILLAGE},
    Role.COMMUNE_OFFICER: {Level.COMMUNE},
    Role.COMMUNE_APPROVER: {Level.COMMUNE},
    Role.PROVINCE_OFFICER: {Level.PROVINCE},
    Role.PROVINCE_APPROVER: {Level.PROVINCE},
    Role.CENTRAL_ADMIN: {Level.NATION},
    Role.VIEWER: {Level.NATION, Level.PROVINCE, Level.COMMUNE},
    Role.PEOPLES_COMMITTEE: {Level.PROVINCE, Level.COMMUNE},
    Role.STEERING_COMMITTEE: {Level.PROVINCE, Level.COMMUNE},
    Role.PARTY_COMMITTEE: {Level.PROVINCE, Level.COMMUNE},
    Role.EDUCATION_DEPARTMENT: {Level.PROVINCE},
}

# Which roles an account manager may hand out, and where relative to the unit of their own
# assignment: at that unit itself (SAME) or strictly under it (BELOW). An approver (the one who signs
# recognitions) is always granted by a level above the unit it signs for, so a commune cannot make
# its own signer; no role is ever granted above the granter's reach.
SAME, BELOW = "same", "below"
ANYWHERE = frozenset({SAME, BELOW})
GRANTS: dict[str, dict[str, frozenset[str]]] = {
    Role.COMMUNE_OFFICER: {
        Role.CITIZEN: ANYWHERE,
        Role.VILLAGE_OFFICER: frozenset({BELOW}),
        Role.COMMUNE_OFFICER: frozenset({SAME}),
        Role.VIEWER: frozenset({SAME}),
        **{role: frozenset({SAME}) for role in RECIPIENT_ROLES},
    },
    Role.PROVINCE_OFFICER: {
        Role.CITIZEN: frozenset({BELOW}),
        Role.VILLAGE_OFFICER: frozenset({BELOW}),
        Role.COMMUNE_OFFICER: frozenset({BELOW}),
        Role.COMMUNE_APPROVER: frozenset({BELOW}),
        Role.PROVINCE_OFFICER: frozenset({SAME}),
        Role.VIEWER: ANYWHERE,
        **{role: ANYWHERE for role in RECIPIENT_ROLES},
        **{role: frozenset({SAME}) for role in REPORTER_ROLES},
    },
    Role.CENTRAL_ADMIN: {role: ANYWHERE for role in Role.values},
}

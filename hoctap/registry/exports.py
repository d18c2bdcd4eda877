"""Columns of the registry's list exports. ID numbers leave the system masked, like on screen."""

from django.utils.translation import gettext_lazy as _

from hoctap.core.exports import ExportColumn

HOUSEHOLD_COLUMNS = (
    ExportColumn(_("Mã hộ"), lambda h: h.code, 12),
    ExportColumn(_("Chủ hộ"), lambda h: h.head.full_name if h.head_id else "", 26),
    ExportColumn(_("Thôn, tổ dân phố"), lambda h: h.village.name, 20),
    ExportColumn(_("Địa chỉ"), lambda h: h.address, 28),
    ExportColumn(_("Số thành viên"), lambda h: h.member_count, 10),
    ExportColumn(_("Chi dòng họ"), lambda h: str(h.clan_branch) if h.clan_branch_id else "", 22),
)

PERSON_COLUMNS = (
    ExportColumn(_("Họ và tên"), lambda p: p.full_name, 26),
    ExportColumn(_("Giới tính"), lambda p: p.get_sex_display(), 10),
    ExportColumn(_("Ngày sinh"), lambda p: p.birth_date, 12),
    ExportColumn(_("Năm sinh"), lambda p: p.birth_year, 10),
    ExportColumn(_("Số CCCD"), lambda p: p.id_number_masked, 16),
    ExportColumn(_("Mã hộ"), lambda p: p.household.code if p.household_id else "", 12),
    ExportColumn(_("Thôn hoặc xã"), lambda p: p.unit.name, 20),
    ExportColumn(_("Nhóm nghề nghiệp"), lambda p: p.get_occupation_group_display(), 30),
    ExportColumn(_("Cơ quan công tác"), lambda p: p.employer.name if p.employer_id else "", 26),
    ExportColumn(_("Kỹ năng số"), lambda p: p.get_digital_skill_display(), 12),
)

# Ethnicity is sensitive personal data: only in an export asked for explicitly by a role holding
# VIEW_SENSITIVE, and audited (registry.views.person_export).
PERSON_COLUMNS_WITH_ETHNICITY = (
    *PERSON_COLUMNS[:4],
    ExportColumn(_("Dân tộc"), lambda p: p.get_ethnicity_display(), 12),
    *PERSON_COLUMNS[4:],
)

CLAN_COLUMNS = (
    ExportColumn(_("Dòng họ"), lambda c: c.name, 22),
    ExportColumn(_("Chi, ngành"), lambda c: c.branch, 14),
    ExportColumn(_("Xã, phường"), lambda c: c.commune.name, 20),
    ExportColumn(_("Trưởng chi, trưởng họ"), lambda c: c.representative, 24),
    ExportColumn(_("Số hộ thành viên"), lambda c: c.household_count, 12),
)

ORGANISATION_COLUMNS = (
    ExportColumn(_("Tên"), lambda o: o.name, 32),
    ExportColumn(_("Loại hình"), lambda o: o.get_kind_display(), 16),
    ExportColumn(_("Cấp quản lý"), lambda o: o.get_managing_level_display(), 16),
    ExportColumn(_("Nơi đặt trụ sở"), lambda o: o.unit.name, 20),
    ExportColumn(_("Địa chỉ"), lambda o: o.address, 24),
    ExportColumn(_("Số cán bộ, nhân viên"), lambda o: o.staff_count, 12),
)

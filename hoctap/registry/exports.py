"""The registry's list exports: their columns and their registration with the one export path
(hoctap.exports.lists: streamed when small, a background job when large). ID numbers leave the
system masked, like on screen.

A list's filters travel as plain params (`registry.lists.params_of`: what a job stores and the
worker reads back into the same filters): the searched text, the village's id, choice values, the
year that makes "working age"."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.audit.exports import search_filters
from hoctap.core.exports import ExportColumn
from hoctap.exports import lists
from hoctap.territory.models import Unit

from .lists import (
    ClanFilters,
    HouseholdFilters,
    OrganisationFilters,
    PersonFilters,
    clan_branches_in_scope,
    filters_from,
    households_in_scope,
    organisations_in_scope,
    people_in_scope,
)

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


def _village(params: dict) -> Unit | None:
    """The filtered village, or None: the unit the export's audit entry and job are bounded by."""
    return Unit.objects.filter(pk=params["village"]).first() if params.get("village") else None


def _audit_filters(params: dict) -> dict:
    return search_filters({key: value for key, value in params.items() if key != "format"})


def _rows(list_in_scope, filters_class):
    """The list's queryset rebuilt from a job's plain params (registry.lists: as on the page)."""
    return lambda scope, params: list_in_scope(scope, filters_from(filters_class, params))


_households = _rows(households_in_scope, HouseholdFilters)
_people = _rows(people_in_scope, PersonFilters)
_clans = _rows(clan_branches_in_scope, ClanFilters)
_organisations = _rows(organisations_in_scope, OrganisationFilters)


def _register(key, label, rows, columns, filename, sheet_title, *, capability=Capability.VIEW, unit=None):
    return lists.register(
        lists.ListExport(
            key=key,
            label=label,
            capability=capability,
            rows=rows,
            columns=lambda params: columns,
            filename=lambda: str(filename),
            sheet_title=lambda: str(sheet_title),
            unit=unit or (lambda params: None),
            audit_filters=_audit_filters,
        )
    )


HOUSEHOLDS = _register(
    "registry.households",
    _("Danh sách hộ gia đình"),
    _households,
    HOUSEHOLD_COLUMNS,
    pgettext_lazy("file name", "ho-gia-dinh"),
    _("Hộ gia đình"),
    unit=_village,
)
PEOPLE = _register(
    "registry.people",
    _("Danh sách nhân khẩu"),
    _people,
    PERSON_COLUMNS,
    pgettext_lazy("file name", "nhan-khau"),
    _("Nhân khẩu"),
    unit=_village,
)
# Ethnicity is sensitive: its own kind, so that the job is written and read only while the requester
# still holds VIEW_SENSITIVE.
PEOPLE_WITH_ETHNICITY = _register(
    "registry.people_sensitive",
    pgettext_lazy("export", "Danh sách nhân khẩu có dân tộc"),
    _people,
    PERSON_COLUMNS_WITH_ETHNICITY,
    pgettext_lazy("file name", "nhan-khau"),
    _("Nhân khẩu"),
    capability=Capability.VIEW_SENSITIVE,
    unit=_village,
)
CLANS = _register(
    "registry.clans",
    _("Danh sách chi dòng họ"),
    _clans,
    CLAN_COLUMNS,
    pgettext_lazy("file name", "chi-dong-ho"),
    _("Chi dòng họ"),
)
ORGANISATIONS = _register(
    "registry.organisations",
    _("Danh sách cơ quan, đơn vị"),
    _organisations,
    ORGANISATION_COLUMNS,
    pgettext_lazy("file name", "co-quan-don-vi"),
    _("Cơ quan, đơn vị"),
)

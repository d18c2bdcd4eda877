"""The indicators of 387/QĐ-TTg and 677/QĐ-TTg, their national targets and the provincial yearly
steps of the plans in the domain notes. Data, not code paths: the dashboards, the target form,
the xlsx import and the seeding command all read these tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.criteria.titles import Title


class Indicator(models.TextChoices):
    # recognition rates of the titles (recognised / eligible)
    FAMILY = "family", _("Hộ gia đình được công nhận Gia đình học tập")
    CLAN = "clan", _("Dòng họ (chi, nhánh) được công nhận Dòng họ học tập")
    COMMUNITY = "community", _("Thôn, tổ dân phố được công nhận Cộng đồng học tập")
    COMMUNE_COMMUNITY = "commune_community", _("Xã, phường được công nhận Cộng đồng học tập cấp xã")
    UNIT = "unit", _("Cơ quan, đơn vị được công nhận Đơn vị học tập")
    CITIZEN = "citizen", _("Công dân được công nhận Công dân học tập")
    # citizen indicators
    WORKERS_CITIZENS = "workers_citizens", _("Người lao động trong GĐHT, DHHT, CĐHT là Công dân học tập")
    STAFF_CITIZENS = "staff_citizens", _("Cán bộ, công chức, viên chức, người lao động trong ĐVHT là Công dân học tập")
    CITIZENS_DIGITAL = "citizens_digital", _("Công dân học tập có kỹ năng số")
    CITIZENS_PROFICIENT = "citizens_proficient", _("trong đó thành thạo (tự cập nhật hồ sơ CDHT trực tuyến)")
    # association capacity (Hội Khuyến học xã)
    CHAIR_IN_CLC = "chair_in_clc", _("Chủ tịch hoặc Phó Chủ tịch Hội tham gia quản lý TTHTCĐ")
    OFFICERS_IT = "officers_it", _("Cán bộ Hội tham gia hoạt động TTHTCĐ được bồi dưỡng CNTT")
    BRIEFED = "briefed", _("Cán bộ, hội viên được quán triệt văn bản của Đề án")
    BRIEFED_CITIZEN = "briefed_citizen", _("Cán bộ, hội viên được quán triệt tiêu chí Công dân học tập")


TITLE_INDICATORS = [
    Indicator.FAMILY,
    Indicator.CLAN,
    Indicator.COMMUNITY,
    Indicator.COMMUNE_COMMUNITY,
    Indicator.UNIT,
    Indicator.CITIZEN,
]
CITIZEN_INDICATORS = [
    Indicator.WORKERS_CITIZENS,
    Indicator.STAFF_CITIZENS,
    Indicator.CITIZENS_DIGITAL,
    Indicator.CITIZENS_PROFICIENT,
]
CAPACITY_INDICATORS = [Indicator.CHAIR_IN_CLC, Indicator.OFFICERS_IT, Indicator.BRIEFED, Indicator.BRIEFED_CITIZEN]
assert set(TITLE_INDICATORS) == set(Title.values)

SHORT_LABELS = {
    Indicator.FAMILY: _("GĐHT"),
    Indicator.CLAN: _("DHHT"),
    Indicator.COMMUNITY: _("CĐHT thôn"),
    Indicator.COMMUNE_COMMUNITY: _("CĐHT xã"),
    Indicator.UNIT: _("ĐVHT"),
    Indicator.CITIZEN: _("CDHT"),
    Indicator.WORKERS_CITIZENS: _("Lao động là CDHT"),
    Indicator.STAFF_CITIZENS: _("CB-CNVC là CDHT"),
    Indicator.CITIZENS_DIGITAL: _("CDHT có kỹ năng số"),
    Indicator.CITIZENS_PROFICIENT: _("CDHT thành thạo số"),
    Indicator.CHAIR_IN_CLC: _("Chủ tịch Hội ở TTHTCĐ"),
    Indicator.OFFICERS_IT: _("Cán bộ Hội biết CNTT"),
    Indicator.BRIEFED: _("Quán triệt Đề án"),
    Indicator.BRIEFED_CITIZEN: _("Quán triệt tiêu chí CDHT"),
}

# National targets (387/QĐ-TTg, 677/QĐ-TTg; restated in the Tuyên Quang plan): milestone years.
NATIONAL_SOURCE = "387/QĐ-TTg, 677/QĐ-TTg"
NATIONAL_TARGETS: dict[str, dict[int, int]] = {
    Indicator.FAMILY: {2025: 70, 2030: 80},
    Indicator.CLAN: {2025: 65, 2030: 75},
    Indicator.COMMUNITY: {2025: 65, 2030: 75},
    Indicator.UNIT: {2025: 80, 2030: 90},
    Indicator.WORKERS_CITIZENS: {2025: 40, 2030: 60},
    Indicator.STAFF_CITIZENS: {2025: 60, 2030: 80},
    Indicator.CITIZENS_DIGITAL: {2025: 70, 2030: 90},
    Indicator.CITIZENS_PROFICIENT: {2025: 60, 2030: 80},
    Indicator.CHAIR_IN_CLC: {2025: 100},
    Indicator.OFFICERS_IT: {2025: 40, 2030: 70},
    Indicator.BRIEFED: {2025: 100, 2030: 100},
}

# Provincial yearly steps: (province code on the legacy map, plan, {indicator: {year: %}}).
THAI_BINH_29 = {
    Indicator.FAMILY: {2022: 55, 2023: 60, 2024: 65, 2025: 70},
    Indicator.CLAN: {2022: 50, 2023: 55, 2024: 60, 2025: 65},
    Indicator.COMMUNITY: {2022: 50, 2023: 55, 2024: 60, 2025: 65},
    Indicator.UNIT: {2022: 50, 2023: 60, 2024: 70, 2025: 80},
    Indicator.CHAIR_IN_CLC: {2022: 70, 2023: 80, 2024: 90, 2025: 100},
    Indicator.OFFICERS_IT: {2022: 25, 2023: 30, 2024: 35, 2025: 40},
    Indicator.BRIEFED: {2022: 70, 2023: 80, 2024: 90, 2025: 100},
}
CITIZEN_STEPS = {
    Indicator.BRIEFED_CITIZEN: {2022: 70, 2023: 80, 2024: 90, 2025: 100},
    Indicator.WORKERS_CITIZENS: {2022: 25, 2023: 30, 2024: 35, 2025: 40},
    Indicator.STAFF_CITIZENS: {2022: 45, 2023: 50, 2024: 55, 2025: 60},
    Indicator.CITIZENS_DIGITAL: {2022: 40, 2023: 50, 2024: 60, 2025: 70},
}
PROVINCIAL_TARGETS = [
    ("34", "29/KH-KHKH (Thái Bình, 2022)", THAI_BINH_29),
    ("34", "51/KH-HKH (Thái Bình)", CITIZEN_STEPS),
    ("04", "97/KH-HKH (Cao Bằng)", CITIZEN_STEPS),
]

"""Demo data of the territory app: disadvantaged-area designations of a mountain province.

Cao Bằng's communes Bảo Lâm and Lý Bôn (codes of the current map) are classed zone III for the
current year and the two before, by code, whenever the map holds them: the demo commune that the
seasonal demo adds there, its villages and their assessments then read the 70-point mark of the
citizen set. The basis is recorded as demo data, not as a provincial decision.
"""

from __future__ import annotations

import datetime

from hoctap.core.demo import demo_years

from .area_codes import ZONE_3
from .models import AreaDesignation, Era, Level, Unit

# (code on the current map, designation): both communes lie in the former Bảo Lâm district.
DEMO_DESIGNATIONS = (("01290", ZONE_3), ("01294", ZONE_3))
BASIS = {
    "basis_number": "861/QĐ-TTg",
    "basis_date": datetime.date(2021, 6, 4),
    "basis_issuer": "Thủ tướng Chính phủ",
    "note": "Dữ liệu mẫu: tỉnh giữ khu vực III của các xã cũ hợp thành cho tới khi có danh sách mới.",
}


def load(context, log) -> list[AreaDesignation]:
    """Idempotent: a (unit, year) already designated is left as it is."""
    codes = dict(DEMO_DESIGNATIONS)
    units = Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, code__in=codes)
    created = []
    for unit in units:
        for year in demo_years():
            record, made = AreaDesignation.objects.get_or_create(
                unit=unit, year=year, defaults={"designation": codes[unit.code], **BASIS})
            if made:
                created.append(record)
    names = ", ".join(unit.name for unit in units) or "—"
    log(f"Vùng khó khăn: {names} khu vực III năm {demo_years()[0]}–{demo_years()[-1]} (dữ liệu mẫu)")
    return created

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
                unit=unit, year=year, defaults={"designation": codes[unit.code], **BASIS}
            )
            if made:
                created.append(record)
    names = ", ".join(unit.name for unit in units) or "—"
    log(f"Vùng khó khăn: {names} khu vực III năm {demo_years()[0]}–{demo_years()[-1]} (dữ liệu mẫu)")
    return created


def merge_villages(context, log):
    """Thôn Nam and Thôn Bắc of the first demo commune merged into Thôn Nam Bắc on 1 March of this
    year (or today, early in the year), recorded by the commune's officer: their households move
    with the years recorded before (issue 15 §2). Idempotent: a commune with a change keeps it."""
    from hoctap.accounts.scoping import Scope
    from hoctap.core.demo import not_after_today

    from . import village_changes
    from .models import VillageChange, VillageChangeKind

    commune = context["communes"][0]
    if VillageChange.objects.filter(commune=commune).exists():
        return
    by_name = {v.short_name: v for v in context["villages"][commune.pk]}
    merging = [by_name[name] for name in ("Nam", "Bắc") if name in by_name]
    if len(merging) < 2:
        return
    this_year = demo_years()[-1]
    effective_on = not_after_today(datetime.date(this_year, 3, 1))
    change = village_changes.record(
        Scope(context["users"]["commune_officer"]),
        commune,
        kind=VillageChangeKind.MERGE,
        effective_on=effective_on,
        from_villages=merging,
        to_villages=[],
        receiving=None,
        new_village={"division_type": "Thôn", "short_name": "Nam Bắc"},
        basis_number="12/NQ-HĐND",
        basis_date=not_after_today(datetime.date(this_year, 2, 20)),
        basis_issuer="Hội đồng nhân dân tỉnh Hưng Yên (dữ liệu mẫu)",
        note="Dữ liệu mẫu: hai thôn nhỏ sáp nhập.",
    )
    log(
        f"Sáp nhập thôn: {', '.join(v.name for v in merging)} → {change.receiving.name} "
        f"({change.effective_on:%d/%m/%Y})"
    )

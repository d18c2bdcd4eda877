"""The demo year in the demo province: Hưng Yên on the current map (it absorbed Thái Bình).

Each capability adds a step here, in data-flow order, so `make run` always shows everything the
product does. Every step is idempotent: it looks records up by natural key before creating them.
"""

from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Role
from hoctap.core.text import fold
from hoctap.territory.models import Era, Level, Unit
from hoctap.territory.services import next_village_code

DEMO_PASSWORD = "hoctap-demo-2026"
DEMO_PROVINCE = "hưng yên"
DEMO_COMMUNE_COUNT = 3
VILLAGES = ["Thôn Đông", "Thôn Đoài", "Thôn Nam", "Thôn Bắc", "Tổ dân phố 1"]


def _province():
    province = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, short_name__iexact="Hưng Yên").first()
    if province is None:
        province = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, name_folded__endswith=fold(DEMO_PROVINCE)).first()
    if province is None:
        raise LookupError("Không tìm thấy tỉnh Hưng Yên trên bản đồ hiện hành")
    return province


def _communes(province):
    """A stable pick: the first commune formed from old Hưng Yên and the first two from old Thái Bình,
    so the demo shows figures on both maps."""
    by_old_province: dict[str, list[Unit]] = {}
    for commune in province.children.filter(level=Level.COMMUNE).in_order():
        first_source = commune.predecessors().first()
        if first_source is None:
            continue
        old_province = first_source.ancestors()[1].short_name
        by_old_province.setdefault(old_province, []).append(commune)
        if len(by_old_province.get("Hưng Yên", [])) >= 1 and len(by_old_province.get("Thái Bình", [])) >= 2:
            break
    picked = by_old_province.get("Hưng Yên", [])[:1] + by_old_province.get("Thái Bình", [])[:2]
    if len(picked) < DEMO_COMMUNE_COUNT:
        raise LookupError("Bản đồ chưa có quan hệ kế thừa Hưng Yên, Thái Bình")
    return picked


def territory_step(context, log):
    province = _province()
    communes = _communes(province)
    villages = {}
    for commune in communes:
        for name in VILLAGES:
            division_type, short_name = name.rsplit(" ", 1) if name.startswith("Tổ") else name.split(" ", 1)
            village = commune.children.filter(level=Level.VILLAGE, short_name=short_name).first()
            if village is None:
                village = Unit.objects.create(
                    era=Era.CURRENT, level=Level.VILLAGE, code=next_village_code(commune),
                    name=f"{division_type} {short_name}", short_name=short_name,
                    division_type=division_type, parent=commune,
                )
            villages.setdefault(commune.pk, []).append(village)
    context.update(province=province, communes=communes, villages=villages, nation=province.parent)
    log(f"Địa bàn mẫu: {province.name}; {', '.join(c.name for c in communes)}")


def _account(username, full_name, role, unit, logins):
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    logins.append((Role(role).label, username, unit.name))
    return user


def accounts_step(context, log):
    logins = context.setdefault("logins", [])
    commune = context["communes"][0]
    village = context["villages"][commune.pk][0]
    province, nation = context["province"], context["nation"]
    context["users"] = {
        "citizen": _account("congdan", "Nguyễn Thị Lan", Role.CITIZEN, village, logins),
        "village_officer": _account("canbothon", "Trần Văn Bình", Role.VILLAGE_OFFICER, village, logins),
        "commune_officer": _account("canboxa", "Lê Thị Hoa", Role.COMMUNE_OFFICER, commune, logins),
        "commune_approver": _account("chutichxa", "Phạm Văn Đức", Role.COMMUNE_APPROVER, commune, logins),
        "province_officer": _account("canbotinh", "Vũ Thị Mai", Role.PROVINCE_OFFICER, province, logins),
        "province_approver": _account("lanhdaotinh", "Hoàng Văn Nam", Role.PROVINCE_APPROVER, province, logins),
        "central_admin": _account("quantri", "Đỗ Minh Tuấn", Role.CENTRAL_ADMIN, nation, logins),
        "viewer": _account("sogiaoduc", "Sở Giáo dục và Đào tạo", Role.VIEWER, province, logins),
    }
    # A second commune's officer, to show that territories do not see each other.
    if len(context["communes"]) > 1:
        context["users"]["other_commune_officer"] = _account(
            "canboxa2", "Bùi Văn Khánh", Role.COMMUNE_OFFICER, context["communes"][1], logins
        )


STEPS = [territory_step, accounts_step]


def run_all(log=print):
    context: dict = {}
    for step in STEPS:
        step(context, log)
    return context

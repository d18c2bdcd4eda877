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


# Hưng Yên's own citizen set (sample content), in two versions so the diff page has something to show.
DEMO_PROVINCIAL_SET = "citizen-hung-yen-2025"


def _provincial_citizen_set(version: int) -> str:
    import datetime
    from decimal import Decimal

    from hoctap.criteria import loader

    national = loader.load_file(loader.SHIPPED_SETS_DIR / "citizen-677-2022.yaml")
    data = national.model_dump(mode="python", exclude_defaults=True)
    data.update(
        code=DEMO_PROVINCIAL_SET, version=version, status="provisional",
        name_vi="Bộ tiêu chí Công dân học tập tỉnh Hưng Yên (bản mẫu)",
        name_en="Hưng Yên Learning Citizen criteria (sample)",
        effective_from=datetime.date(2025, 7, 1) if version == 1 else datetime.date(2026, 1, 1),
        gaps=[{
            "text_vi": "Bản mẫu của dữ liệu demo, phỏng theo bộ toàn quốc citizen-677-2022; không phải văn bản của tỉnh.",
            "text_en": "Demo sample adapted from the national set citizen-677-2022; not a provincial document.",
        }],
    )
    data.pop("issuing_document", None)
    data.pop("issued_on", None)
    if version >= 2:
        # What the province changed: a lower pass mark in disadvantaged areas, a softer floor for the
        # foreign-language indicator, and a mandatory law-abiding indicator.
        data["scoring"]["pass_marks"][1]["min"] = Decimal(65)
        language = next(i for c in data["criteria"] for i in c["indicators"] if i["code"] == "CS6")
        language["floor"] = Decimal(3)
        language["evidence_hints"] = [*language.get("evidence_hints", ()), "Xác nhận tham gia lớp ngoại ngữ cộng đồng"]
        last = data["criteria"][-1]
        last["indicators"] = [*last["indicators"], {
            "code": "CS11", "kind": "pass_fail", "mandatory": True, "tag": "I",
            "text_vi": "Chấp hành chủ trương, chính sách của Đảng, pháp luật của Nhà nước và quy định của địa phương.",
            "text_en": "Abides by the Party's policies, the State's laws and local rules.",
        }]
    return loader.to_yaml(loader.load_mapping(data, DEMO_PROVINCIAL_SET))


def criteria_step(context, log):
    """The shipped criteria sets, and Hưng Yên's own citizen set (v1, v2) published by its officer."""
    from hoctap.accounts.scoping import Scope
    from hoctap.criteria import services
    from hoctap.criteria.management.commands.publish_shipped_sets import publish_shipped_sets
    from hoctap.criteria.models import CriteriaSetVersion

    shipped = publish_shipped_sets(log=lambda _message: None)
    officer = context["users"]["province_officer"]
    for version in (1, 2):
        if not CriteriaSetVersion.objects.filter(code=DEMO_PROVINCIAL_SET, version=version).exists():
            services.publish(Scope(officer), _provincial_citizen_set(version), province=context["province"],
                             user=officer, source_name=f"{DEMO_PROVINCIAL_SET}.yaml")
    log(f"Bộ tiêu chí: {len(shipped)} bộ toàn quốc; bộ riêng của {context['province'].name} (2 phiên bản)")


def stats_step(context, log):
    """Statistics: the provincial yearly steps (Thái Bình, Cao Bằng), a commune target, association
    capacity for the demo communes, and counters recounted from whatever the steps before wrote."""
    from hoctap.stats import recompute
    from hoctap.stats.models import AssociationCapacity, Target
    from hoctap.stats.targets import seed_provincial_targets

    seed_provincial_targets()
    communes = context["communes"]
    Target.objects.update_or_create(indicator="family", year=2026, unit=communes[0],
                                    defaults={"value": 75, "source": "Nghị quyết HĐND xã (mẫu)"})
    for index, commune in enumerate(communes):
        for year in (2024, 2025, 2026):
            officers = 9 + index
            AssociationCapacity.objects.update_or_create(unit=commune, year=year, defaults={
                "chair_manages_clc": year >= 2025 or index == 0, "officers": officers,
                "officers_in_clc": 5, "officers_in_clc_it_trained": min(5, year - 2022 + index),
                "officers_and_members": 420 + 40 * index, "briefed": 300 + 30 * (year - 2024),
                "briefed_citizen": 250 + 40 * (year - 2024),
            })
    rows = recompute.recompute(None, context["province"])
    log(f"Thống kê: chỉ tiêu tỉnh Thái Bình, Cao Bằng; năng lực Hội {len(communes)} xã; {rows} dòng số liệu")


STEPS = [territory_step, accounts_step, criteria_step, stats_step]


def run_all(log=print):
    context: dict = {}
    for step in STEPS:
        step(context, log)
    return context

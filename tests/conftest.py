"""Shared fixtures: a small hand-made map (two communes of one province), users per role."""

import datetime

import pytest

from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Role
from hoctap.territory.models import Era, Level, Unit, UnitLineage


def make_unit(level, code, name, parent=None, era=Era.CURRENT, division_type=None, **extra):
    short = name.split(" ", 1)[1] if " " in name and level != Level.NATION else name
    return Unit.objects.create(
        era=era, level=level, code=code, name=name, short_name=short,
        division_type=division_type or name.split(" ", 1)[0].lower(), parent=parent, **extra,
    )


@pytest.fixture
def small_map(db):
    """Nation → Tỉnh Hưng Yên → Xã An (A) and Xã Bình (B), each with a village; a legacy
    Thái Bình commune that became Xã Bình."""
    nation = make_unit(Level.NATION, "VN", "Việt Nam")
    province = make_unit(Level.PROVINCE, "33", "Tỉnh Hưng Yên", nation)
    commune_a = make_unit(Level.COMMUNE, "12001", "Xã An Lạc", province)
    commune_b = make_unit(Level.COMMUNE, "12002", "Xã Bình Minh", province)
    village_a = make_unit(Level.VILLAGE, "12001-001", "Thôn Đông", commune_a, division_type="Thôn")
    village_b = make_unit(Level.VILLAGE, "12002-001", "Thôn Đoài", commune_b, division_type="Thôn")
    old_province = make_unit(Level.PROVINCE, "34", "Tỉnh Thái Bình", nation, era=Era.LEGACY)
    old_district = make_unit(Level.DISTRICT, "336", "Huyện Vũ Thư", old_province, era=Era.LEGACY)
    old_commune = make_unit(Level.COMMUNE, "12990", "Xã Minh Quang", old_district, era=Era.LEGACY)
    UnitLineage.objects.create(old_unit=old_commune, new_unit=commune_b)
    return {
        "nation": nation, "province": province, "commune_a": commune_a, "commune_b": commune_b,
        "village_a": village_a, "village_b": village_b, "old_commune_b": old_commune,
        "old_province": old_province, "old_district": old_district,
    }


def make_user(username, role, unit, **extra):
    user = User.objects.create_user(username=username, password="correct-horse-battery-9", full_name=username, **extra)
    RoleAssignment.objects.create(user=user, role=role, unit=unit, valid_from=datetime.date(2020, 1, 1))
    return user


@pytest.fixture
def officer_a(small_map):
    return make_user("officer_a", Role.COMMUNE_OFFICER, small_map["commune_a"])


@pytest.fixture
def officer_b(small_map):
    return make_user("officer_b", Role.COMMUNE_OFFICER, small_map["commune_b"])


@pytest.fixture
def province_officer(small_map):
    return make_user("province_officer", Role.PROVINCE_OFFICER, small_map["province"])


@pytest.fixture
def central_admin(small_map):
    return make_user("central_admin", Role.CENTRAL_ADMIN, small_map["nation"])


@pytest.fixture
def client_a(client, officer_a):
    client.force_login(officer_a)
    return client

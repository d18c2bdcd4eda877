import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Capability, Role
from hoctap.accounts.scoping import OutOfScope, Scope
from hoctap.territory.models import Unit
from tests.conftest import make_user


def test_commune_officer_sees_own_commune_and_its_villages(small_map, officer_a):
    scope = Scope(officer_a)
    visible = set(scope.filter(Unit.objects.all()))
    assert small_map["commune_a"] in visible and small_map["village_a"] in visible
    assert small_map["commune_b"] not in visible and small_map["village_b"] not in visible
    # ancestors, for navigation
    assert small_map["province"] in visible and small_map["nation"] in visible


def test_lineage_of_own_commune_is_visible(small_map, officer_b):
    visible = set(Scope(officer_b).filter(Unit.objects.all()))
    assert {small_map["old_commune_b"], small_map["old_district"], small_map["old_province"]} <= visible
    assert small_map["commune_a"] not in visible


def test_out_of_scope_object_is_404(small_map, officer_a):
    with pytest.raises(Http404):
        Scope(officer_a).get_or_404(Unit.objects.all(), pk=small_map["commune_b"].pk)


def test_province_and_nation_scopes(small_map, province_officer, central_admin):
    assert Scope(province_officer).filter(Unit.objects.all()).filter(pk=small_map["village_b"].pk).exists()
    assert Scope(central_admin).filter(Unit.objects.all()).count() == Unit.objects.count()


def test_expired_assignment_grants_nothing(small_map):
    user = User.objects.create_user("expired", password="x-very-long-pass")
    RoleAssignment.objects.create(
        user=user,
        role=Role.COMMUNE_OFFICER,
        unit=small_map["commune_a"],
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2021, 1, 1),
    )
    assert not Scope(user).filter(Unit.objects.all()).exists()


def test_post_save_recheck_refuses_moving_a_record_out_of_scope(small_map, officer_a):
    """A village of commune A moved under commune B: the save is rolled back."""
    scope = Scope(officer_a)
    village = small_map["village_a"]
    village.parent = small_map["commune_b"]
    with pytest.raises(OutOfScope):
        scope.save(village, Capability.MANAGE_TERRITORY)
    village.refresh_from_db()
    assert village.parent == small_map["commune_a"]


def test_role_assignment_out_of_scope_is_refused(small_map, officer_a):
    scope = Scope(officer_a)
    target = User.objects.create_user("newbie", password="x-very-long-pass")
    with pytest.raises(OutOfScope):
        scope.save(
            RoleAssignment(user=target, role=Role.VILLAGE_OFFICER, unit=small_map["village_b"]),
            Capability.MANAGE_ACCOUNTS,
        )
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_unscoped_model_cannot_be_filtered(small_map, officer_a):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(ImproperlyConfigured):
        Scope(officer_a).filter(ContentType.objects.all())


def test_citizen_sees_units_but_no_officer_powers(small_map):
    citizen = make_user("citizen", Role.CITIZEN, small_map["village_a"])
    scope = Scope(citizen)
    assert not scope.can(Capability.EDIT_REGISTRY)
    assert scope.filter(Unit.objects.all()).filter(pk=small_map["village_a"].pk).exists()
    # accounts are personal records: a citizen sees none of them
    assert not scope.filter(User.objects.all()).exists()


def test_records_set_by_the_level_above_are_readable_below(small_map, officer_a, officer_b):
    """A province's own criteria set: its communes read it; another province's communes do not."""
    from hoctap.criteria.models import CriteriaSetVersion
    from tests.conftest import make_unit

    other_province = make_unit("province", "35", "Tỉnh Hà Nam", small_map["nation"])
    ours = CriteriaSetVersion.objects.create(
        code="hy-citizen",
        version=1,
        title="citizen",
        status="provisional",
        name_vi="HY",
        name_en="HY",
        effective_from=datetime.date(2025, 1, 1),
        province=small_map["province"],
        source_yaml="-",
    )
    theirs = CriteriaSetVersion.objects.create(
        code="hn-citizen",
        version=1,
        title="citizen",
        status="provisional",
        name_vi="HN",
        name_en="HN",
        effective_from=datetime.date(2025, 1, 1),
        province=other_province,
        source_yaml="-",
    )
    visible = set(Scope(officer_a).filter(CriteriaSetVersion.objects.all()))
    assert ours in visible and theirs not in visible
    # reading is not writing: the commune cannot edit the province's set
    assert not Scope(officer_a).filter(CriteriaSetVersion.objects.all(), Capability.MANAGE_CRITERIA).exists()


def test_a_named_role_is_held_at_its_unit_and_below_only(small_map, officer_a):
    chair = make_user("chair_a", Role.COMMUNE_APPROVER, small_map["commune_a"])
    scope = Scope(chair)
    assert scope.holds_role(Role.COMMUNE_APPROVER) and scope.holds_role(Role.COMMUNE_APPROVER, small_map["village_a"])
    assert not scope.holds_role(Role.COMMUNE_APPROVER, small_map["commune_b"])
    assert not scope.holds_role(Role.COMMUNE_OFFICER, small_map["village_a"])  # another role's capabilities are not it
    assert scope.units_with_role(Role.COMMUNE_APPROVER) == [small_map["commune_a"]]
    assert (
        not Scope(officer_a).holds_role(Role.COMMUNE_APPROVER)
        and Scope(officer_a).units_with_role(Role.COMMUNE_APPROVER) == []
    )

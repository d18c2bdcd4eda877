"""Members' history, dues, offices and the figures: the rules of hoctap.members.services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hoctap.members import services
from hoctap.members.models import Branch, HistoryRewrite, Membership
from tests.members.conftest import day

pytestmark = pytest.mark.django_db


def test_history_is_kept_through_leave_move_and_rejoin(scope_a, branch_a, school_branch_a, officer_a):
    first = services.join(
        scope_a,
        branch_a,
        joined_on=day(2019, 3, 15),
        full_name="  Nguyễn Văn  An ",
        birth_year=1958,
        sex="male",
        user=officer_a,
    )
    member = first.member
    assert member.full_name == "Nguyễn Văn An" and member.unit == branch_a.unit
    services.move(scope_a, member, school_branch_a, on=day(2023, 9, 1), user=officer_a)
    services.leave(scope_a, member, left_on=day(2024, 6, 30), reason="resigned")
    services.join(scope_a, branch_a, joined_on=day(2025, 2, 1), member=member)
    rows = list(
        member.memberships.order_by("joined_on").values_list("branch__name", "joined_on", "left_on", "leave_reason")
    )
    assert rows == [
        ("Chi hội khuyến học thôn Đông", day(2019, 3, 15), day(2023, 9, 1), "moved"),
        ("Chi hội Trường THCS An Lạc", day(2023, 9, 1), day(2024, 6, 30), "resigned"),
        ("Chi hội khuyến học thôn Đông", day(2025, 2, 1), None, ""),
    ]
    # Never rewritten: not by the model, not by a second open membership in the database.
    closed = member.memberships.get(joined_on=day(2019, 3, 15))
    closed.left_on = day(2020, 1, 1)
    with pytest.raises(HistoryRewrite):
        closed.save()
    with pytest.raises(HistoryRewrite):
        closed.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(member=member, branch=school_branch_a, joined_on=day(2025, 3, 1))


def test_refusals_name_the_field(scope_a, branch_a, school_branch_a):
    member = services.join(scope_a, branch_a, joined_on=day(2020), full_name="Trần Thị Bích").member
    with pytest.raises(ValidationError) as error:
        services.join(scope_a, school_branch_a, joined_on=day(2021), member=member)
    assert "Chuyển chi hội" in error.value.message_dict["branch"][0]
    with pytest.raises(ValidationError) as error:
        services.leave(scope_a, member, left_on=day(2019, 12, 31), reason="resigned")
    assert "left_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.join(scope_a, branch_a, joined_on=timezone.localdate() + datetime.timedelta(days=1), full_name="X")
    assert "joined_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.join(scope_a, branch_a, joined_on=day(2020), full_name="")
    assert "full_name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_branch(scope_a, Branch(unit=branch_a.unit, kind="village", name="chi hoi khuyen hoc thon dong"))
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_branch(scope_a, Branch(unit=school_branch_a.unit, kind="village", name="Chi hội xã"))
    assert "unit" in error.value.message_dict


def test_dues_once_a_year_in_whole_dong(scope_a, branch_a):
    member = services.join(scope_a, branch_a, joined_on=day(2022, 5, 1), full_name="Lê Văn Cường").member
    dues = services.record_dues(scope_a, member, year=2024, amount="50.000", paid_on=day(2024, 3, 2))
    assert dues.amount == 50_000 and dues.branch == branch_a
    with pytest.raises(ValidationError) as error:
        services.record_dues(scope_a, member, year=2024, amount="60000", paid_on=day(2024, 4, 2))
    assert "50.000 đ" in error.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as error:
        services.record_dues(scope_a, member, year=2021, amount="50000", paid_on=day(2024, 4, 2))
    assert "chưa sinh hoạt" in error.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as error:
        services.record_dues(scope_a, member, year=2023, amount="năm chục nghìn", paid_on=day(2024, 4, 2))
    assert "amount" in error.value.message_dict


def test_other_communes_branch_is_out_of_reach(scope_a, branch_b):
    from django.http import Http404

    with pytest.raises(Http404):
        services.join(scope_a, branch_b, joined_on=day(2020), full_name="Người ngoài")
    assert not Membership.objects.exists()


def test_figures_roll_up_and_equal_a_recount(scope_a, small_map, branch_a, school_branch_a, branch_b):
    from hoctap.accounts.scoping import Scope

    people = [
        services.join(scope_a, branch_a, joined_on=day(2020 + i % 4, 1 + i, 1), full_name=f"Hội viên {i}").member
        for i in range(6)
    ]
    services.join(scope_a, school_branch_a, joined_on=day(2024, 2, 1), full_name="Giáo viên A")
    services.leave(scope_a, people[0], left_on=day(2024, 5, 1), reason="moved_away")
    services.move(scope_a, people[1], school_branch_a, on=day(2024, 6, 1))
    for member in people[2:5]:
        services.record_dues(scope_a, member, year=2024, amount=50_000, paid_on=day(2024, 3, 1))
    services.join(Scope(_admin(small_map)), branch_b, joined_on=day(2021), full_name="Bình Minh")

    year = 2024
    end = day(year, 12, 31)
    commune = services.figures(small_map["commune_a"], year)
    active = [m for m in Membership.objects.filter(branch__commune=small_map["commune_a"]) if m.active_on(end)]
    assert commune.total.members == len(active) == 6
    assert commune.total.branches == 2 and commune.total.paying == 3 and commune.total.dues == 150_000
    assert commune.total.left == 2 and commune.total.joined == 2  # the teacher and the move's join
    village_line = dict((u.pk, t) for u, t in commune.children)[small_map["village_a"].pk]
    assert village_line.members == 4 and village_line.branches == 1
    province = services.figures(small_map["province"], year)
    lines = {u.pk: t for u, t in province.children}
    assert lines[small_map["commune_a"].pk].as_dict() == commune.total.as_dict()
    assert lines[small_map["commune_b"].pk].members == 1 and province.total.members == 7


def _admin(small_map):
    from tests.conftest import make_user

    return make_user("admin_m", "central_admin", small_map["nation"])


def test_capacity_from_records(scope_a, small_map, branch_a):
    chair = services.join(scope_a, branch_a, joined_on=day(2020), full_name="Chủ tịch Hội").member
    deputy = services.join(scope_a, branch_a, joined_on=day(2020), full_name="Chi hội trưởng").member
    plain = services.join(scope_a, branch_a, joined_on=day(2020), full_name="Hội viên thường").member
    services.add_office(scope_a, chair, position="chair", started_on=day(2021), manages_clc=True)
    services.add_office(scope_a, deputy, position="branch_head", branch=branch_a, started_on=day(2021), in_clc=True)
    services.add_training(scope_a, chair, topic="it", date=day(2023, 5, 1))
    services.add_training(scope_a, plain, topic="programme", date=day(2023, 5, 1))
    services.add_training(scope_a, deputy, topic="it", date=day(2025, 5, 1))  # after 2024: not counted then
    counts = services.capacity_counts(small_map["commune_a"], 2024)
    assert counts == {
        "chair_manages_clc": True,
        "officers": 2,
        "officers_in_clc": 2,
        "officers_in_clc_it_trained": 1,
        "officers_and_members": 3,
        "briefed": 1,
        "briefed_citizen": 0,
    }
    assert services.capacity_counts(small_map["commune_b"], 2024) is None
    with pytest.raises(ValidationError) as error:
        services.add_office(scope_a, plain, position="executive", started_on=day(2021), manages_clc=True)
    assert "manages_clc" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.add_office(scope_a, plain, position="branch_head", started_on=day(2021))
    assert "branch" in error.value.message_dict

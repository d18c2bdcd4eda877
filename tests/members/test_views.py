"""The pages as a commune officer and a province officer use them: a branch opened, a member joined,
dues typed with dots and shown "50.000 đ", a leave kept in the history; another commune's records
are 404; figures per commune and province."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hoctap.members import services
from hoctap.members.models import Branch, Member

pytestmark = pytest.mark.django_db


def test_an_officer_opens_a_branch_and_keeps_its_members(client_a, small_map):
    response = client_a.post(
        reverse("members:branch_create"),
        {"unit": small_map["village_a"].pk, "kind": "village", "name": "Chi hội khuyến học thôn Đông"},
    )
    branch = Branch.objects.get()
    assert response.url == reverse("members:branch", args=[branch.pk])
    today = timezone.localdate()
    client_a.post(
        reverse("members:join", args=[branch.pk]),
        {
            "full_name": "Nguyễn Văn An",
            "sex": "male",
            "birth_year": "1958",
            "joined_on": today.replace(day=1).isoformat(),
        },
    )
    member = Member.objects.get()
    bad = client_a.post(
        reverse("members:dues", args=[member.pk]),
        {"year": today.year, "amount": "năm chục", "paid_on": today.isoformat()},
    ).content.decode()
    assert "Nhập số tiền bằng đồng" in bad
    client_a.post(
        reverse("members:dues", args=[member.pk]),
        {"year": today.year, "amount": "50.000", "paid_on": today.isoformat()},
    )
    page = client_a.get(reverse("members:branch", args=[branch.pk])).content.decode()
    assert "Nguyễn Văn An" in page and "50.000 đ" in page
    client_a.post(reverse("members:leave", args=[member.pk]), {"left_on": today.isoformat(), "reason": "moved_away"})
    page = client_a.get(reverse("members:member", args=[member.pk])).content.decode()
    assert "Chuyển nơi ở" in page and "50.000 đ" in page and "Hiện không sinh hoạt" in page
    summary = client_a.get(reverse("members:summary", args=[small_map["commune_a"].pk])).content.decode()
    assert "Thôn Đông" in summary and "50.000 đ" in summary


def test_other_commune_is_hidden_and_province_rolls_up(client, client_a, small_map, province_officer, branch_b):
    from hoctap.accounts.scoping import Scope

    member = services.join(
        Scope(province_officer),
        branch_b,
        joined_on=timezone.localdate().replace(month=1, day=2),
        full_name="Lê Bình Minh",
    ).member
    assert client_a.get(reverse("members:branch", args=[branch_b.pk])).status_code == 404
    assert client_a.get(reverse("members:member", args=[member.pk])).status_code == 404
    assert client_a.get(reverse("members:dues", args=[member.pk])).status_code == 404
    assert "Bình Minh" not in client_a.get(reverse("members:index")).content.decode()
    client.force_login(province_officer)
    page = client.get(reverse("members:summary", args=[small_map["province"].pk])).content.decode()
    assert "Xã An Lạc" in page and "Xã Bình Minh" in page and "chưa có chi hội" in page


def test_menu_entry_sits_with_funds(officer_a):
    from hoctap.accounts.scoping import Scope
    from hoctap.web import navigation

    groups = {group.key: [item["url"] for item in group.items] for group in navigation.menu_for(Scope(officer_a))}
    funds_group = next(key for key, urls in groups.items() if reverse("funds:index") in urls)
    assert reverse("members:index") in groups[funds_group]


def test_capacity_form_offers_the_records_and_writes_only_when_saved(client_a, small_map, scope_a, branch_a):
    from hoctap.stats.models import AssociationCapacity

    year = timezone.localdate().year
    chair = services.join(
        scope_a, branch_a, joined_on=timezone.localdate().replace(month=1, day=1), full_name="Chủ tịch Hội xã"
    ).member
    services.add_office(
        scope_a, chair, position="chair", started_on=timezone.localdate().replace(month=1, day=1), manages_clc=True
    )
    url = reverse("stats:capacity_edit", args=[small_map["commune_a"].pk, year])
    page = client_a.get(url).content.decode()
    assert "Theo danh sách hội viên" in page and "Điền theo danh sách hội viên" in page
    filled = client_a.get(url + "?from_records=1").content.decode()
    assert 'name="officers" value="1"' in filled and "kiểm tra rồi bấm" in filled
    assert not AssociationCapacity.objects.exists()  # nothing is declared until the officer saves
    client_a.post(
        url,
        {
            "chair_manages_clc": "on",
            "officers": 1,
            "officers_in_clc": 1,
            "officers_in_clc_it_trained": 0,
            "officers_and_members": 1,
            "briefed": 0,
            "briefed_citizen": 0,
        },
    )
    assert AssociationCapacity.objects.get().officers == 1


def test_pages_cost_the_same_number_of_queries_whatever_the_size(
    client_a, small_map, scope_a, branch_a, school_branch_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = timezone.localdate().replace(month=1, day=1)
    urls = [
        reverse("members:index"),
        reverse("members:branch", args=[branch_a.pk]),
        reverse("members:summary", args=[small_map["commune_a"].pk]),
    ]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client_a.get(url).status_code == 200
            out.append(len(queries))
        return out

    services.join(scope_a, branch_a, joined_on=day, full_name="Người thứ nhất")
    few = counts()
    for n in range(12):
        member = services.join(
            scope_a, branch_a if n % 2 else school_branch_a, joined_on=day, full_name=f"Hội viên {n}"
        ).member
        services.record_dues(scope_a, member, year=day.year, amount=50_000, paid_on=day)
    assert counts() == few

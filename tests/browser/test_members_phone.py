"""The association's pages at 360 × 740 as a commune officer and a province officer: nothing
scrolls sideways; screenshots (tests.browser.conftest.shoot) for a person to look at."""

import datetime

import pytest
from django.utils import timezone

from hoctap.accounts.scoping import Scope
from hoctap.members import services
from hoctap.members.models import Branch
from tests.browser.conftest import login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _association(small_map, officer_a):
    scope = Scope(officer_a)
    village = services.save_branch(
        scope, Branch(unit=small_map["village_a"], kind="village", name="Chi hội khuyến học thôn Đông")
    )
    school = services.save_branch(
        scope, Branch(unit=small_map["commune_a"], kind="school", name="Chi hội Trường Trung học cơ sở An Lạc")
    )
    year = timezone.localdate().year
    people = []
    for n, name in enumerate(["Nguyễn Văn An", "Trần Thị Bích Ngọc", "Lê Hoàng Cường", "Phạm Thị Dung"]):
        branch = village if n < 3 else school
        people.append(
            services.join(
                scope,
                branch,
                joined_on=datetime.date(2019 + n, 3, 1),
                full_name=name,
                birth_year=1955 + 5 * n,
                card_number=f"KH-{n:03d}",
            ).member
        )
        services.record_dues(scope, people[-1], year=year, amount=50_000, paid_on=timezone.localdate())
    services.add_office(scope, people[0], position="chair", started_on=datetime.date(2021, 1, 1), manages_clc=True)
    services.add_training(
        scope,
        people[0],
        topic="it",
        date=datetime.date(2024, 5, 1),
        course="Bồi dưỡng ứng dụng công nghệ thông tin",
        organiser="Hội Khuyến học tỉnh",
    )
    services.leave(scope, people[2], left_on=timezone.localdate(), reason="moved_away")
    return village, people[0]


def test_members_pages_fit_a_phone(phone, live_server, small_map, officer_a, province_officer):
    village, chair = _association(small_map, officer_a)
    too_wide = {}
    pages = {
        "officer_a": [
            ("index", "/members/"),
            ("branch", f"/members/branches/{village.pk}/"),
            ("member", f"/members/{chair.pk}/"),
            ("dues", f"/members/{chair.pk}/dues/"),
            ("new-branch", "/members/branches/new/"),
            ("commune", f"/members/units/{small_map['commune_a'].pk}/"),
            ("capacity", f"/stats/units/{small_map['commune_a'].pk}/capacity/{timezone.localdate().year}/"),
        ],
        "province_officer": [("province", f"/members/units/{small_map['province'].pk}/"), ("index", "/members/")],
    }
    for username, paths in pages.items():
        login(phone, live_server, username, "correct-horse-battery-9")
        for name, path in paths:
            response = phone.goto(f"{live_server.url}{path}")
            assert response.ok, path
            shoot(phone, f"members-{username}-{name}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[path] = width
        phone.context.clear_cookies()
    assert too_wide == {}

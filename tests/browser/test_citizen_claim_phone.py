"""A claimed ID number on a 360 × 740 phone: the commune officer opens the claim from the to-do
list, sees who holds the number in the commune (masked), and resolves it; the visitor's page says
what to do next. Nothing scrolls sideways."""

import os

import pytest

from hoctap.assessments import citizens
from hoctap.assessments.models import CitizenSignup
from hoctap.registry.models import Sex
from tests.assessments.conftest import people  # noqa: F401  (fixture)
from tests.browser.conftest import login

SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")  # a directory: save what the phone showed
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NUMBER = "034182001234"


def _shot(phone, name):
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/claim-{name}.png", full_page=True)


def test_the_officer_resolves_a_claim_on_a_phone(phone, live_server, small_map, people, officer_a):  # noqa: F811
    people["spouse"].id_number = NUMBER
    people["spouse"].save()
    data = {
        "password": "mat-khau-rat-dai-2025",
        "sex": Sex.FEMALE,
        "commune": small_map["commune_a"],
        "id_number": NUMBER,
        "occupation_group": "farmer",
        "notice_version": 1,
    }
    owner = citizens.sign_up(username="binh", full_name="Trần Thị Bình", birth_year=1982, **data)
    stranger = citizens.sign_up(username="la", full_name="Đặng Văn Lạ", birth_year=1975, **data)
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.get_by_role("link", name="Công dân đăng ký chờ liên kết với sổ nhân khẩu").first.click()
    phone.get_by_role("link", name="Trần Thị Bình").click()
    phone.wait_for_selector("h1:has-text('Trần Thị Bình (1982)')")
    text = phone.locator("main").inner_text()
    assert "cùng số CCCD" in text and "********1234" in text and NUMBER not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, "officer")
    phone.get_by_label("Trần Thị Bình · 1982", exact=False).check()
    phone.get_by_role("button", name="Xác nhận").click()
    phone.wait_for_selector("text=Đã liên kết tài khoản với sổ nhân khẩu")
    phone.goto(f"{live_server.url}/signups/{stranger.pk}/")
    phone.get_by_role("radio", name="Không xác nhận", exact=False).check()
    phone.get_by_role("button", name="Xác nhận").click()
    phone.wait_for_selector("text=Hãy ghi lý do")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, "officer-reason-missing")
    phone.get_by_label("Lý do không xác nhận", exact=False).fill("Căn cước không khớp với người đăng ký.")
    phone.get_by_role("button", name="Xác nhận").click()
    phone.wait_for_selector("text=Công dân sẽ thấy lý do")
    assert dict(CitizenSignup.objects.values_list("user__username", "status")) == {
        "binh": CitizenSignup.Status.LINKED,
        "la": CitizenSignup.Status.REJECTED,
    }
    assert owner.user.person_records.get().pk == people["spouse"].pk


def test_the_visitor_waits_with_what_to_do_next_on_a_phone(phone, live_server, small_map):
    citizens.sign_up(
        username="khach",
        password="mat-khau-rat-dai-2025",
        full_name="Hoàng Văn Khách",
        birth_year=1988,
        sex=Sex.MALE,
        commune=small_map["commune_a"],
        id_number=NUMBER,
        notice_version=1,
    )
    login(phone, live_server, "khach", "mat-khau-rat-dai-2025")
    phone.goto(f"{live_server.url}/my/")
    assert "mang căn cước" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(phone, "visitor")

"""Personal data on a 360 × 740 phone: the visitor reads the notice before the sign-up form and is
refused without consent; the commune officer opens a person's request from the to-do list and answers
it; the citizen reads the answer. Nothing scrolls sideways."""

import os

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.privacy import services
from hoctap.privacy.models import DataRequest, RequestState
from tests.browser.conftest import login
from tests.privacy.conftest import household_a, person_a  # noqa: F401  (fixtures)

SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")  # a directory: save what the phone showed
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(phone, name):
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/privacy-{name}.png", full_page=True)


def test_the_visitor_reads_the_notice_first_and_is_refused_without_consent(phone, live_server, small_map):
    phone.goto(f"{live_server.url}/signup/")
    notice = phone.locator("details.privacy-notice")
    assert notice.evaluate("element => element.open")
    assert notice.bounding_box()["y"] < phone.get_by_label("Họ và tên").bounding_box()["y"]
    assert "Ai kiểm soát dữ liệu" in notice.inner_text()
    _fits(phone, "signup-notice")
    phone.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    phone.get_by_label("Năm sinh").fill("1990")
    phone.get_by_label("Giới tính").select_option("female")
    phone.get_by_label("Tỉnh, thành phố").select_option(str(small_map["province"].pk))
    phone.wait_for_selector("#id_commune option:has-text('Xã An Lạc')", state="attached")
    phone.get_by_label("Xã, phường").select_option(str(small_map["commune_a"].pk))
    phone.get_by_label("Nhóm đối tượng").select_option("farmer")
    phone.get_by_label("Tên đăng nhập").fill("lan")
    phone.get_by_label("Mật khẩu").fill("mat-khau-rat-dai-2025")
    phone.get_by_role("button", name="Đăng ký", exact=True).click()
    phone.wait_for_selector("text=đánh dấu ô «Tôi đồng ý» để đăng ký")
    _fits(phone, "signup-refused")
    phone.locator("#id_consent").check()
    phone.get_by_label("Mật khẩu").fill("mat-khau-rat-dai-2025")
    phone.get_by_role("button", name="Đăng ký", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/my/")


def test_the_officer_answers_a_request_from_the_to_do_list(phone, live_server, small_map, officer_a, person_a):  # noqa: F811
    request = services.office_request(
        Scope(officer_a), person_a, kind="correct", details="Năm sinh đúng là 1979, không phải 1980."
    )
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.get_by_role("link", name="Sửa dữ liệu sai · Nguyễn Văn An").click()
    phone.wait_for_selector("h1:has-text('Sửa dữ liệu sai')")
    text = phone.locator("main").inner_text()
    assert "Năm sinh đúng là 1979" in text and request.due_on.strftime("%d/%m/%Y") in text
    _fits(phone, "request-officer")
    phone.get_by_label("Đã thực hiện").check()
    phone.get_by_label("Trả lời người yêu cầu").fill("Đã sửa năm sinh thành 1979.")
    phone.get_by_role("button", name="Ghi trả lời").click()
    phone.wait_for_selector("text=Đã ghi câu trả lời")
    _fits(phone, "request-list-officer")
    assert DataRequest.objects.get().state == RequestState.DONE

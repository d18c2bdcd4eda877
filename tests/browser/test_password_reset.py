"""A village officer who forgot their password gets a code from the commune and sets a new one on a
phone, from the login page, without e-mail."""

import os

import pytest

from hoctap.accounts.roles import Role
from tests.browser.conftest import login
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")


def test_password_reset_with_a_code_from_the_commune(browser, phone, live_server, small_map, officer_a):
    forgetful = make_user("thon_dong", Role.VILLAGE_OFFICER, small_map["village_a"])
    # the commune officer issues the code on their own phone
    officer_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True)
    officer = officer_context.new_page()
    login(officer, live_server, "officer_a", "correct-horse-battery-9")
    officer.goto(f"{live_server.url}/accounts/{forgetful.pk}/")
    officer.get_by_role("button", name="Cấp mã đặt lại mật khẩu").click()
    code = officer.locator(".one-time-code").inner_text()
    assert officer.evaluate("document.documentElement.scrollWidth") <= 360
    officer_context.close()

    phone.goto(f"{live_server.url}/login/")
    phone.get_by_role("link", name="Quên mật khẩu").click()
    phone.get_by_role("link", name="Tôi đã có mã đặt lại").click()
    phone.get_by_label("Tên đăng nhập").fill("thon_dong")
    phone.get_by_label("Mã đặt lại").fill(code)
    phone.locator("#id_new_password1").fill("short")
    phone.locator("#id_new_password2").fill("short")
    phone.get_by_role("button", name="Đặt mật khẩu mới").click()
    # the refusal sits at the top and links to the field
    summary = phone.locator("[role=alert]")
    assert "Mật khẩu quá ngắn" in summary.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/reset-code-error.png", full_page=True)
    phone.get_by_label("Mã đặt lại").fill(code)
    phone.locator("#id_new_password1").fill("song-que-lua-2026")
    phone.locator("#id_new_password2").fill("song-que-lua-2026")
    phone.get_by_role("button", name="Đặt mật khẩu mới").click()
    phone.wait_for_url(f"{live_server.url}/login/")
    assert "Đã đặt mật khẩu mới" in phone.locator(".messages").inner_text()
    login(phone, live_server, "thon_dong", "song-que-lua-2026")
    assert phone.locator("h1").inner_text() == "Việc cần làm"

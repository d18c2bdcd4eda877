"""The inbox and the notification choices on a 360 x 740 phone, as a commune officer and a citizen."""

import datetime
import os

import pytest
from django.utils import timezone

from hoctap.accounts.roles import Role
from hoctap.notifications import services
from hoctap.reports.loader import load_schedules
from tests.browser.conftest import login, open_menu
from tests.browser.test_home_menu import small_targets
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")
PASSWORD = "correct-horse-battery-9"


def fits(phone):
    return phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_inbox_on_a_phone(phone, live_server, small_map):
    load_schedules()
    make_user("officer_inbox", Role.COMMUNE_OFFICER, small_map["commune_a"])
    due = datetime.date(timezone.localdate().year, 12, 1)  # Hưng Yên's communes report by 01/12
    for day in (due - datetime.timedelta(days=7), due - datetime.timedelta(days=1), due + datetime.timedelta(days=1)):
        services.run(day)
    login(phone, live_server, "officer_inbox", PASSWORD)
    assert phone.locator("details.menu > summary .menu-count").inner_text().startswith("3")
    assert "Thông báo: 3 chưa đọc" in phone.locator("main").inner_text()
    open_menu(phone)
    phone.locator("details.menu nav a.menu-home[href='/notifications/']").click()
    phone.wait_for_url(f"{live_server.url}/notifications/")
    rows = phone.locator("ul.inbox > li")
    assert rows.count() == 3 and "quá hạn gửi" in rows.first.inner_text()
    assert small_targets(phone, "main a, main button, details.menu > summary") == [] and fits(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/inbox-commune.png", full_page=True)
    rows.first.locator("a").click()
    phone.wait_for_url(f"{live_server.url}/reports/**")
    phone.goto(f"{live_server.url}/notifications/")
    assert phone.locator("ul.inbox > li.unread").count() == 2
    phone.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    phone.wait_for_selector(".messages")
    assert phone.locator("ul.inbox > li.unread").count() == 0
    assert phone.locator("details.menu > summary .menu-count").count() == 0
    phone.goto(f"{live_server.url}/notifications/preferences/")
    assert small_targets(phone, "main a, main button, main input:not([type=checkbox])") == [] and fits(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/preferences-commune.png", full_page=True)
    phone.locator("input[value='report_deadline:email']").uncheck()
    phone.get_by_role("button", name="Lưu lựa chọn").click()
    phone.wait_for_selector(".messages")
    assert not phone.locator("input[value='report_deadline:email']").is_checked()


def test_citizen_inbox_is_empty_and_says_so(phone, live_server, small_map):
    make_user("citizen_inbox", Role.CITIZEN, small_map["village_a"])
    login(phone, live_server, "citizen_inbox", PASSWORD)
    phone.goto(f"{live_server.url}/notifications/")
    assert "Chưa có thông báo nào" in phone.locator("main").inner_text() and fits(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/inbox-citizen.png", full_page=True)

"""A province officer opens the province dashboard on a 360 × 740 phone and drills down to a village."""

import os

import pytest

from hoctap.accounts.roles import Role
from hoctap.criteria.titles import Title
from tests.browser.conftest import login, open_menu
from tests.conftest import make_user
from tests.stats.conftest import Maker

SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")  # a directory: save what the phone showed
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_dashboard_on_a_phone_drills_down_to_a_village(phone, live_server, small_map):
    make_user("tinh", Role.PROVINCE_OFFICER, small_map["province"])
    make = Maker()
    for village, recognised in ((small_map["village_a"], 3), (small_map["village_b"], 1)):
        for index in range(4):
            household = make.household(village)
            for year in (2024, 2025):
                assessment = make.register(Title.FAMILY, household, year)
                if index < recognised - (year == 2024):
                    make.recognise(assessment)
    login(phone, live_server, "tinh", "correct-horse-battery-9")
    open_menu(phone)
    phone.get_by_role("link", name="Thống kê").first.click()
    phone.wait_for_selector("h1:has-text('Tỉnh Hưng Yên')")

    def fits():
        return phone.evaluate("document.documentElement.scrollWidth") <= 360

    assert fits()
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/province.png", full_page=True)
    # charts are inline SVG with a text label on every bar; colour is not the only signal
    assert phone.locator("svg.bars text:has-text('%')").count() >= 2
    assert phone.locator("svg.spark").count() >= 2  # the focus indicator and each indicator with data
    assert "75%" in phone.locator("svg.bars").text_content()
    phone.get_by_role("link", name="Xã An Lạc").first.click()
    phone.wait_for_selector("h1:has-text('Xã An Lạc')")
    assert fits()
    phone.get_by_role("link", name="Thôn Đông").first.click()
    phone.wait_for_selector("h1:has-text('Thôn Đông')")
    assert fits()
    assert "75%" in phone.locator(".kpi.focus .rate").inner_text()
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/village.png", full_page=True)
    # the way back up is there
    assert phone.get_by_role("link", name="An Lạc").count() >= 1

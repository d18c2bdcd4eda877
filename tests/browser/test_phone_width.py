"""Every page of the menu fits a 360-px phone: nothing scrolls sideways but inside a table's own
scroll box (a form wider than the screen once hid the reports board's start button)."""

import pytest

from tests.browser.conftest import login
from tests.registry.conftest import household_a  # noqa: F401  (fixture)
from tests.reports.conftest import annual  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("username", ["officer_a", "province_officer"])
def test_every_menu_page_fits_a_phone(phone, live_server, small_map, officer_a, province_officer, household_a,
                                      annual, username):  # noqa: F811
    login(phone, live_server, username, "correct-horse-battery-9")
    links = phone.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 10
    too_wide = {}
    for href in links:
        response = phone.goto(f"{live_server.url}{href}")
        assert response.ok, href
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[href] = width
    assert too_wide == {}


def test_account_and_landing_pages_fit_a_phone(phone, live_server, small_map, officer_a):
    """The pages of issue 12 §1 and §6: landing, forgotten password, the to-do home, one's password
    and API tokens (with a token just issued), the officer's one-time code."""
    too_wide = {}

    def check(path):
        assert phone.goto(f"{live_server.url}{path}").ok, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width

    for path in ("/", "/login/", "/password/reset/", "/password/reset/code/"):
        check(path)
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    for path in ("/", "/account/password/", "/account/tokens/"):
        check(path)
    phone.fill("#id_name", "Phần mềm thống kê của xã An Lạc")
    phone.get_by_role("button", name="Cấp mã").click()
    phone.wait_for_selector("#new-token")
    if phone.evaluate("document.documentElement.scrollWidth") > 360:
        too_wide["token issued"] = phone.evaluate("document.documentElement.scrollWidth")
    assert too_wide == {}

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_on_a_phone_and_opens_a_unit_page(phone, live_server, small_map, officer_b):
    login(phone, live_server, "officer_b", "correct-horse-battery-9")
    phone.get_by_role("link", name="Xã Bình Minh").first.click()
    phone.wait_for_selector("h1:has-text('Xã Bình Minh')")
    assert phone.locator("text=Xã Minh Quang").count() >= 1  # lineage is shown
    # nothing overflows a 360-px screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # keyboard only: the skip link is the first tab stop
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip"

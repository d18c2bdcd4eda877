"""A large list export on a phone at 360 × 740, with the keyboard alone: the list page asks, the job's
page shows its progress and updates itself (htmx polling) until the file can be downloaded."""

import pytest

from hoctap.exports import tasks
from hoctap.exports.models import ExportJob
from hoctap.registry.models import Household, Person
from tests.browser.conftest import login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, text: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text contains `text` (how a keyboard user gets there)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if text in (page.evaluate("document.activeElement && document.activeElement.textContent") or ""):
            return
    raise AssertionError(f"{text!r} never got the focus")


def test_a_large_export_is_watched_and_downloaded_on_a_phone(phone, live_server, small_map, officer_a, settings):
    settings.HOCTAP_EXPORT_STREAM_ROWS = 3
    household = Household.objects.create(code="H1", village=small_map["village_a"])
    for number in range(8):
        Person.objects.create(
            full_name=f"Phạm Thị Hồng Nhung {number}",
            sex="female",
            birth_year=1985,
            household=household,
            unit=small_map["village_a"],
        )
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/registry/people/")
    _tab_to(phone, "Tải CSV")
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{live_server.url}/my-exports/*/")
    job = ExportJob.objects.get()
    assert phone.locator("#export-progress").get_attribute("hx-trigger") == "every 1s"
    assert "0 / 8" in phone.inner_text("#export-progress")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "export-job-queued-360")

    tasks.run_export.call(job.pk)  # the worker, here in the test's process
    phone.wait_for_selector("#export-progress a.button", timeout=10_000)  # the page polled and updated itself
    assert "8 / 8" in phone.inner_text("#export-progress") and "100%" in phone.inner_text("#export-progress")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "export-job-done-360")

    _tab_to(phone, "Tải tệp")
    with phone.expect_download() as download:
        phone.keyboard.press("Enter")
    content = open(download.value.path(), encoding="utf-8-sig").read()
    assert download.value.suggested_filename == "nhan-khau.csv"
    assert content.count("Phạm Thị Hồng Nhung") == 8

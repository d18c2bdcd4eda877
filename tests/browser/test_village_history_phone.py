"""The commune officer records a village merge and reads the five-year comparison on a 360 px
phone: no sideways scrolling, the figures as officers read them, no internal code."""

import os

import pytest

from tests.assessments.conftest import campaigns, people, published, users  # noqa: F401
from tests.assessments.test_village_changes import history  # noqa: F401
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")


def fits(phone):
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.evaluate("[...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)")


def test_merge_page_and_year_comparison_on_a_phone(phone, live_server, history, small_map):  # noqa: F811
    commune = small_map["commune_a"]
    login(phone, live_server, "commune_officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/units/{commune.pk}/villages/changes/")
    assert "Chưa ghi nhận sáp nhập hay chia tách thôn nào." in phone.inner_text("main")
    fits(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/village-merge-form-commune-officer.png", full_page=True)
    phone.check("input[name=kind][value=merge]")
    phone.get_by_label("Thôn Đông", exact=True).first.check()
    phone.get_by_label("Thôn Tây", exact=True).first.check()
    phone.select_option("#id_new_division_type", "Thôn")
    phone.fill("#id_new_short_name", "Đông Tây")
    phone.fill("#id_effective_on", "2026-03-01")
    phone.fill("#id_basis_number", "45/NQ-HĐND")
    phone.fill("#id_basis_date", "2026-02-10")
    phone.fill("#id_basis_issuer", "Hội đồng nhân dân tỉnh Hưng Yên")
    phone.click("button[type=submit]:has-text('Ghi nhận')")
    phone.wait_for_selector("text=Đã ghi sáp nhập thôn")
    text = phone.inner_text("main")
    assert "Thôn Đông, Thôn Tây → Thôn Đông Tây" in text and "45/NQ-HĐND ngày 10/02/2026" in text
    assert "merge" not in text and "village" not in text
    fits(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/village-merge-commune-officer.png", full_page=True)

    phone.goto(f"{live_server.url}/stats/units/{commune.pk}/years/")
    text = phone.inner_text("main")
    assert "So sánh các năm" in text and "2021" in text and "GĐHT" in text
    assert "→ Thôn Đông Tây 01/03/2026" in text
    assert "family" not in text and "commune_community" not in text
    fits(phone)
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/year-comparison-commune-officer.png", full_page=True)

"""The province's report board on a 360 × 740 phone: each unit is a card (deadline, days left,
state, each with its label) and the province's own «Lập báo cáo» button sits whole in its card. It
was a five-column table that scrolled sideways, the button cut at the screen's edge."""

import pytest

from tests.browser.conftest import PHONE, login, shoot
from tests.reports.conftest import annual  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_board_is_cards_on_a_phone(phone, live_server, small_map, province_officer, annual):  # noqa: F811
    login(phone, live_server, "province_officer", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/reports/?year=2025")
    cards = phone.locator("table.cards tbody tr")
    assert cards.count() == 3  # the province's own report and its two communes'
    own = cards.filter(has_text="báo cáo của đơn vị")
    labels = own.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content)"
    )
    assert labels == ['"Hạn gửi"', '"Còn lại"', '"Tình trạng"']
    button = own.get_by_role("button", name="Lập báo cáo").bounding_box()
    assert button["x"] >= 0 and button["x"] + button["width"] <= PHONE["width"]
    frame = phone.locator(".table-wrap").first
    assert frame.evaluate("f => f.scrollWidth <= f.clientWidth"), "the board scrolls sideways"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "report-board-province")

"""The dossiers and the campaigns, as lists, on a 360 × 740 phone: each row is a card whose facts
carry their labels. They were five- and six-column tables that scrolled sideways inside their frame,
the state and the recognition deadline cut off at the screen's edge."""

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, campaigns, people, published, users  # noqa: F401  (fixtures)
from tests.browser.conftest import PHONE, login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


def cards_fit(phone, name):
    frame = phone.locator(".table-wrap").first
    assert frame.evaluate("f => f.scrollWidth <= f.clientWidth"), "the list scrolls sideways"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, f"lists-{name}")


def test_dossiers_and_campaigns_are_cards_on_a_phone(phone, live_server, small_map, campaigns, people, users):  # noqa: F811
    workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    login(phone, live_server, "commune_officer_a", PASSWORD)

    phone.goto(f"{live_server.url}/assessments/")
    card = phone.locator("table.cards tbody tr").first
    assert card.locator("th[scope=row] a").inner_text() == people["head"].full_name
    labels = card.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Danh hiệu"', '"Năm"', '"Địa bàn"', '"Trạng thái"']
    assert card.locator(".state").is_visible()
    cards_fit(phone, "assessments")

    phone.goto(f"{live_server.url}/campaigns/")
    card = phone.locator("table.cards tbody tr").first
    labels = card.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Năm"', '"Phạm vi"', '"Hạn tự đánh giá"', '"Hạn công nhận"', '"Bộ tiêu chí"']
    cards_fit(phone, "campaigns")

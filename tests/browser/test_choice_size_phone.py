"""A choice whose label wraps keeps its 28 px box on a 360 px phone: the officer's answer to a data
request offered «Từ chối (ghi rõ lý do và người dân có thể làm gì tiếp)» with a radio shrunk to
13 px beside its two lines, next to a full-size «Đã thực hiện»."""

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.privacy import services
from tests.browser.conftest import login, shoot
from tests.privacy.conftest import household_a, person_a  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_radio_with_a_wrapping_label_keeps_its_size(phone, live_server, small_map, officer_a, person_a):  # noqa: F811
    request = services.office_request(Scope(officer_a), person_a, kind="access")
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/privacy/requests/{request.pk}/")
    refuse = phone.get_by_label("Từ chối (ghi rõ lý do và người dân có thể làm gì tiếp)")
    label = phone.locator("label", has=refuse)
    assert label.bounding_box()["height"] > 44  # the label wraps on a phone
    sizes = [phone.get_by_label("Đã thực hiện").bounding_box(), refuse.bounding_box()]
    assert [(round(box["width"]), round(box["height"])) for box in sizes] == [(28, 28), (28, 28)]
    shoot(phone, "privacy-request-answer")

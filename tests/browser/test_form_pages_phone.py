"""The one-form pages (web.shortcuts.form_page) on a 360 × 740 phone, as the role that uses each:
the title, the fields with their labels, the button and the way back, nothing wider than the screen,
and no internal code."""

import re

import pytest

from tests.browser.conftest import PHONE, login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
INTERNAL = re.compile(r"\b(None|commune_officer|province_officer|citizen|draft)\b")


@pytest.mark.parametrize(
    "who, path, title, button",
    [
        ("officer_a", "/funds/new/", "Lập quỹ khuyến học", "Lập quỹ"),
        ("officer_a", "/accounts/new/", "Tạo tài khoản", "Tạo"),
        ("central_admin", "/campaigns/new/", "Tạo đợt đánh giá", "Tạo đợt"),
        ("province_officer", "/stats/targets/new/", "Thêm chỉ tiêu", "Lưu"),
    ],
)
def test_a_one_form_page_fits_a_phone(phone, live_server, small_map, request, who, path, title, button):
    user = request.getfixturevalue(who)
    login(phone, live_server, user.username, PASSWORD)
    phone.goto(f"{live_server.url}{path}")
    main = phone.locator("main")
    assert phone.get_by_role("heading", name=title).is_visible()
    assert phone.get_by_role("button", name=button, exact=True).is_visible()
    assert main.get_by_role("link", name="Quay lại").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not INTERNAL.search(main.inner_text())
    shoot(phone, f"form-page-{path.strip('/').replace('/', '-')}")

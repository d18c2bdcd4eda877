"""The home page, the menu and the landing page on a 360 x 740 phone, with touch and keyboard."""

import os

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, campaigns, full_answers, people, published, users  # noqa: F401
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")


def small_targets(page, selector):
    """Visible elements matching `selector` smaller than 44 x 44 px."""
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(e => e.offsetParent !== null).map(e => [e.textContent.trim(), e.getBoundingClientRect()])
                  .filter(([t, r]) => r.width < 44 || r.height < 44).map(([t, r]) => `${t} ${r.width}x${r.height}`)""",
    )


def test_landing_page_for_an_anonymous_visitor(phone, live_server, small_map):
    phone.goto(f"{live_server.url}/")
    assert phone.locator("h1").inner_text() == "Xây dựng xã hội học tập"
    for name in ("Đăng ký công dân học tập", "Kiểm tra giấy công nhận", "Đăng nhập"):
        assert phone.locator("main").get_by_role("link", name=name).is_visible()
    assert small_targets(phone, "main a, main button, main select, details.menu > summary") == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/landing.png", full_page=True)
    phone.get_by_label("Tỉnh, thành phố").select_option("33")
    phone.get_by_role("button", name="Xem").click()
    phone.wait_for_url(f"{live_server.url}/public/province/33/")
    phone.goto(f"{live_server.url}/")
    phone.locator("main").get_by_role("link", name="Đăng ký công dân học tập").click()
    phone.wait_for_url(f"{live_server.url}/signup/")


def test_officer_home_is_the_work_and_the_menu_opens_with_the_keyboard(
    phone, live_server, small_map, campaigns, people, users
):  # noqa: F811
    scope = Scope(users["village_officer"])
    assessment = workflow.register(scope, Title.CITIZEN, people["head"], YEAR)
    assessment = workflow.transition(scope, assessment, "start")
    workflow.transition(scope, assessment, "submit", answers=full_answers(assessment.criteria_set))
    login(phone, live_server, "commune_officer_a", "correct-horse-battery-9")
    item = phone.locator("#todo-review")
    assert "Hồ sơ chờ thẩm định" in item.inner_text() and item.locator(".count").inner_text() == "1"
    assert phone.locator("details.menu nav a").first.is_visible() is False  # the menu starts closed
    assert small_targets(phone, "main a, main button, details.menu > summary") == []
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/home-commune.png", full_page=True)
    # keyboard only: skip link, brand, then the menu button; Enter opens it
    for _ in range(3):
        phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.tagName") == "SUMMARY"
    phone.keyboard.press("Enter")
    headings = phone.locator("details.menu nav h2").all_inner_texts()
    assert headings == ["Sổ theo dõi", "Đánh giá & công nhận", "Thống kê & báo cáo", "Quản trị", "Tài khoản của tôi"]
    assert small_targets(phone, "details.menu a, details.menu button, details.menu select") == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/menu-commune.png", full_page=False)
    phone.keyboard.press("Escape")
    assert phone.locator("details.menu").evaluate("menu => menu.open") is False
    # the work's link leads to the village's review board
    item.locator("ul a").first.click()
    phone.wait_for_selector("h1")
    assert "/review/" in phone.url


def test_lists_of_check_boxes_get_a_select_all(phone, live_server, small_map, campaigns, people, users):  # noqa: F811
    login(phone, live_server, "commune_officer_a", "correct-horse-battery-9")
    campaign = campaigns[Title.CITIZEN]
    phone.goto(f"{live_server.url}/campaigns/{campaign.pk}/units/{small_map['village_a'].pk}/register/")
    boxes = phone.locator("input[type=checkbox][name=subject]")
    assert boxes.count() >= 3
    select_all = phone.get_by_label("Chọn tất cả")
    select_all.check()
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    box = boxes.first.bounding_box()
    assert box["width"] >= 28 and box["height"] >= 28
    boxes.first.uncheck()
    assert select_all.evaluate("box => box.indeterminate")

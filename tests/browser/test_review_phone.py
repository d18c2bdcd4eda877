"""Issue 12 §5 and §10 on a 360 × 740 phone, with the keyboard alone: a commune officer reviews a
village (one dossier returned from its card, the rest accepted in bulk after a confirmation that
names the count), a village officer follows the same board and registers a commune's people a
page at a time, and a forgotten password is reset with the commune's one-time code.

Focus moves in reading order (each focused element sits below or beside the previous one, never
above it) and is always visible (an outline at least 2 px wide)."""

import os
import re

import pytest

from hoctap.accounts.roles import Role
from hoctap.assessments.models import Assessment
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.registry.models import Person, Sex
from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    campaigns,
    private_media,
    published,
    users,
)
from tests.assessments.test_pages import submitted_citizens
from tests.browser.conftest import PHONE, login
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")  # a directory: save what the phone showed
PASSWORD = "correct-horse-battery-9"

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const box = e.getBoundingClientRect(), style = getComputedStyle(e);
  return {tag: e.tagName, text: (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 80),
          top: box.top + scrollY, left: box.left, right: box.right, height: box.height,
          outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth), inMain: !!e.closest('main')};
}"""


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def tab_until(page, wanted, limit=120):
    """Press Tab until the focused element's text matches `wanted`; check on the way, inside the
    page's main part, that focus is visible, on screen, and never jumps back up the page."""
    previous = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if focused["inMain"]:
            assert focused["outline"] >= 2, f"focus not visible on {focused}"
            assert focused["left"] >= 0 and focused["right"] <= PHONE["width"] + 1, f"focus off-screen: {focused}"
            if previous is not None:
                assert (
                    focused["top"] >= previous["top"] - 1 or abs(focused["top"] - previous["top"]) < previous["height"]
                ), f"focus went back up: {previous} -> {focused}"
            previous = focused
        if re.search(wanted, focused["text"]):
            return focused
    raise AssertionError(f"Tab never reached {wanted!r}")


def from_top(page):
    """Start the keyboard walk at the top of the page (the skip link is the first stop)."""
    page.locator("a.skip").focus()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def phone_as(browser, live_server, username):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, live_server, username, PASSWORD)
    return context, page


def test_a_village_reviewed_on_a_phone_with_the_keyboard(browser, live_server, campaigns, users, small_map):
    rows = submitted_citizens(4, small_map, users)
    returned, accepted = rows[0], rows[1:]
    url = f"{live_server.url}/campaigns/{returned.campaign_id}/units/{small_map['village_a'].pk}/review/"
    context, page = phone_as(browser, live_server, "commune_officer_a")
    page.goto(url)
    assert fits(page)
    # every card shows its buttons on the screen, none hidden to the right
    for name in ("Chấp nhận", "Sửa điểm", "Trả lại"):
        boxes = [b.bounding_box() for b in page.locator("tbody tr").get_by_text(name, exact=True).all()]
        assert len(boxes) == 4 and all(b["x"] >= 0 and b["x"] + b["width"] <= PHONE["width"] for b in boxes), name
        assert all(b["height"] >= 44 for b in boxes), name
    shot(page, "review-board-commune")

    # return the first dossier from its card, by keyboard: Tab to its reason, type, Enter
    from_top(page)
    tab_until(page, r"^Lọc$")  # past the filter (its search box is empty too)
    reason = tab_until(page, r"^$|Lý do")  # the next text box is the first card's reason
    assert reason["tag"] == "INPUT"
    page.keyboard.type("Thiếu ảnh minh chứng")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#row-{returned.pk} >> text=Trả lại")
    page.wait_for_function(f"() => !document.querySelector('#row-{returned.pk} input[name=reason]')")
    assert Assessment.objects.get(pk=returned.pk).state == State.RETURNED

    # bulk accept: the link, then a page that asks with the count, then the button
    from_top(page)
    tab_until(page, r"Chấp nhận điểm tự chấm của mọi hồ sơ đạt")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Chấp nhận 3 hồ sơ?')")
    assert fits(page)
    assert all(page.locator(".confirm-list").get_by_text(re.compile(r.person.full_name)).count() == 1 for r in accepted)
    assert {a.state for a in Assessment.objects.filter(pk__in=[r.pk for r in accepted])} == {State.SUBMITTED}
    shot(page, "review-confirm-commune")
    tab_until(page, r"^Chấp nhận 3 hồ sơ$")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Đã chấp nhận điểm tự chấm của 3 hồ sơ")
    assert {a.state for a in Assessment.objects.filter(pk__in=[r.pk for r in accepted])} == {State.PROPOSED}
    assert Assessment.objects.get(pk=returned.pk).state == State.RETURNED
    assert fits(page)
    assert page.locator("text=Chấp nhận điểm tự chấm của mọi hồ sơ đạt").count() == 0  # nothing left to accept
    shot(page, "review-board-commune-after")
    context.close()

    # the village officer follows the same board: states, no buttons
    context, page = phone_as(browser, live_server, "village_officer_a")
    page.goto(f"{live_server.url}/campaigns/{returned.campaign_id}/")
    page.get_by_role("link", name="Tình trạng hồ sơ").first.click()
    page.wait_for_selector("h1:has-text('Hồ sơ thẩm định')")
    assert fits(page)
    assert page.locator("tbody tr").count() == 4 and page.locator("tbody button").count() == 0
    assert page.locator(f"#row-{returned.pk}").get_by_text("Trả lại").count() == 1
    shot(page, "review-board-village")
    context.close()


def test_a_commune_registered_a_page_at_a_time_on_a_phone(browser, live_server, campaigns, users, small_map):
    village = small_map["village_a"]
    for i in range(57):
        Person.objects.create(full_name=f"Nông Văn {i:02d}", sex=Sex.MALE, birth_year=1985, unit=village)
    for i in range(3):
        Person.objects.create(full_name=f"Đặng Thị Mai {i}", sex=Sex.FEMALE, birth_year=1990, unit=village)
    campaign = campaigns[Title.CITIZEN]
    context, page = phone_as(browser, live_server, "village_officer_a")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/units/{village.pk}/register/")
    assert "60 đối tượng trong sổ" in page.locator(".register-counts").inner_text()
    assert page.locator("input[name=subject]").count() == 50
    assert fits(page)
    shot(page, "register-village")
    page.get_by_role("link", name="Trang sau").click()
    page.wait_for_selector("text=Trang 2 / 2")
    assert page.locator("input[name=subject]").count() == 10

    # search without diacritics, select all, register: keyboard only
    from_top(page)
    tab_until(page, r"^$")  # the search box
    page.keyboard.type("dang thi mai")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Tìm thấy 3 đối tượng")
    tab_until(page, r"Chọn tất cả|^on$")
    page.keyboard.press("Space")
    assert page.locator("input[name=subject]:checked").count() == 3
    tab_until(page, r"Đăng ký những đối tượng đã chọn")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Đã đăng ký 3 đối tượng")
    assert "dang+thi+mai" in page.url  # back where the officer was
    assert page.locator(".state-registered").count() == 3
    assert Assessment.objects.filter(campaign=campaign, person__full_name__startswith="Đặng Thị Mai").count() == 3
    assert fits(page)
    shot(page, "register-village-after")
    context.close()

    context, page = phone_as(browser, live_server, "commune_officer_a")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/units/{small_map['commune_a'].pk}/register/")
    page.get_by_label("Hiện").select_option("todo")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_selector("text=Tìm thấy 57 đối tượng")
    assert fits(page)
    shot(page, "register-commune")
    context.close()


def test_a_password_reset_with_the_keyboard_alone(browser, live_server, small_map, users):
    forgetful = make_user("thon_tay", Role.VILLAGE_OFFICER, small_map["village_a"])
    context, officer = phone_as(browser, live_server, "commune_officer_a")
    officer.goto(f"{live_server.url}/accounts/{forgetful.pk}/")
    from_top(officer)
    tab_until(officer, r"Cấp mã đặt lại mật khẩu")
    officer.keyboard.press("Enter")
    code = officer.locator(".one-time-code").inner_text()
    assert fits(officer)
    context.close()

    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    tab_until(page, r"Quên mật khẩu")
    page.keyboard.press("Enter")
    page.wait_for_url("**/password/reset/")
    tab_until(page, r"Tôi đã có mã đặt lại")
    page.keyboard.press("Enter")
    page.wait_for_url("**/password/reset/code/")
    assert fits(page)
    for value in ("thon_tay", code, "song-que-lua-2027", "song-que-lua-2027"):
        tab_until(page, r"^$")  # the next empty field
        page.keyboard.type(value)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/login/")
    assert "Đã đặt mật khẩu mới" in page.locator(".messages").inner_text()
    login(page, live_server, "thon_tay", "song-que-lua-2027")  # the new password opens the to-do home
    assert page.locator("h1").inner_text() == "Việc cần làm"
    context.close()

"""The self-assessment and the village review board work without a connection: the browser set
offline keeps answers and a photo in the visible "chưa gửi" queue; back online they arrive once,
through the same endpoints and version check; a record changed meanwhile is shown as a conflict."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment, Evidence
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from tests.assessments.conftest import campaigns, people, private_media, published, users  # noqa: F401
from tests.browser.conftest import PHONE, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


def _photo(tmp_path):
    path = tmp_path / "so-sach.jpg"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 60)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def _phone(browser, live_server, username):
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True, service_workers="allow"
    )
    page = context.new_page()
    login(page, live_server, username, PASSWORD)
    return context, page


def _ready(page):
    """The service worker is active (the page registered it and stored itself). A registration that
    failed (offline.js lets a phone go on without the worker) never makes `ready` settle, so each wait
    is bounded, and the page is loaded again to register anew, as a phone's next page would."""
    for _attempt in range(3):
        if page.evaluate(READY_WITHIN, 15_000):
            return
        page.reload()
    raise AssertionError("the service worker did not become active after three loads of the page")


READY_WITHIN = """async (ms) => Promise.race([
  navigator.serviceWorker.ready.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), ms)),
])"""


def test_a_self_assessment_filled_offline_with_a_photo_arrives_once(
    browser, live_server, people, users, campaigns, tmp_path
):
    assessment = workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], 2025)
    context, page = _phone(browser, live_server, "village_officer_a")
    url = f"{live_server.url}/assessments/{assessment.pk}/self-assessment/"
    page.goto(url)
    _ready(page)
    page.reload()  # now under the service worker, which keeps the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    context.set_offline(True)
    page.reload()  # the page opens from the device without a connection
    assert page.locator("#offline-queue").is_visible()
    assert "mất kết nối" in page.locator("#offline-queue .offline-state").inner_text()
    numbers = page.locator("input[type=number]").all()
    numbers[0].fill("8")
    numbers[1].fill("7")
    page.get_by_role("button", name="Lưu nháp").click()
    page.locator("#ev-file").set_input_files(str(_photo(tmp_path)))
    page.locator("#ev-date").fill("2025-06-01")
    page.locator("#ev-desc").fill("Sổ ghi chép học tập")
    page.get_by_role("button", name="Tải lên").click()
    queue = page.locator("#offline-queue li")
    queue.nth(1).wait_for()
    assert queue.count() == 2
    assert "chưa gửi" in queue.nth(0).inner_text() and "so-sach.jpg" in queue.nth(1).inner_text()
    assert page.locator("#offline-queue").screenshot()  # visible on the phone
    assessment.refresh_from_db()
    assert assessment.self_answers == {} and not Evidence.objects.exists()

    page.reload()  # still offline: the queue outlives the page (listed once IndexedDB is read)
    expect(page.locator("#offline-queue li")).to_have_count(2)

    context.set_offline(False)
    expect(page.locator("#offline-queue li")).to_have_count(0)
    assessment.refresh_from_db()
    codes = [i.code for i in assessment.criteria_set.definition.indicators]
    assert assessment.state == State.SELF_ASSESSING
    assert assessment.self_answers == {codes[0]: "8", codes[1]: "7"}
    assert [(e.original_name, e.description) for e in assessment.evidence.all()] == [
        ("so-sach.jpg", "Sổ ghi chép học tập")
    ]
    page.reload()  # nothing is sent twice
    page.wait_for_timeout(300)
    assert Evidence.objects.count() == 1
    context.close()


def test_a_change_made_meanwhile_on_the_web_is_shown_as_a_conflict(browser, live_server, people, users, campaigns):
    assessment = workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], 2025)
    context, page = _phone(browser, live_server, "village_officer_a")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-assessment/")
    _ready(page)
    context.set_offline(True)
    page.locator("input[type=number]").first.fill("9")
    page.get_by_role("button", name="Lưu nháp").click()
    page.locator("#offline-queue li").first.wait_for()
    code = assessment.criteria_set.definition.indicators[0].code
    workflow.save_answers(Scope(users["commune_officer"]), assessment, {code: "3"})  # someone else, online

    context.set_offline(False)
    conflict = page.locator("#offline-queue li.conflict")
    conflict.wait_for()
    assert "đã được người khác cập nhật" in conflict.inner_text()
    assert Assessment.objects.get(pk=assessment.pk).self_answers == {code: "3"}  # not overwritten
    conflict.get_by_role("button", name="Bỏ bản này").click()
    expect(page.locator("#offline-queue li")).to_have_count(0)
    context.close()


def test_the_review_board_accepts_a_row_offline_and_sends_it_when_back(
    browser, live_server, people, users, campaigns, small_map
):
    village = Scope(users["village_officer"])
    assessment = workflow.register(village, Title.CITIZEN, people["head"], 2025)
    answers = {i.code: "8" for i in assessment.criteria_set.definition.indicators}
    workflow.transition(village, assessment, "start")
    workflow.transition(village, Assessment.objects.get(pk=assessment.pk), "submit", answers=answers)
    context, page = _phone(browser, live_server, "commune_officer_a")
    page.goto(f"{live_server.url}/campaigns/{assessment.campaign_id}/units/{small_map['village_a'].pk}/review/")
    _ready(page)
    context.set_offline(True)
    row = page.get_by_role("row", name=re.compile("Nguyễn Văn An"))
    row.get_by_role("button", name="Chấp nhận").click()
    page.locator("#offline-queue li").first.wait_for()
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED

    context.set_offline(False)
    expect(page.locator("#offline-queue li")).to_have_count(0)
    assert Assessment.objects.get(pk=assessment.pk).state == State.PROPOSED
    page.wait_for_selector("tr:has-text('Nguyễn Văn An') >> text=Đề nghị công nhận")
    context.close()


def test_two_open_tabs_send_a_queued_photo_once(browser, live_server, people, users, campaigns, tmp_path):
    assessment = workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], 2025)
    context, page = _phone(browser, live_server, "village_officer_a")
    url = f"{live_server.url}/assessments/{assessment.pk}/self-assessment/"
    page.goto(url)
    _ready(page)
    other = context.new_page()
    other.goto(url)
    context.set_offline(True)
    page.locator("#ev-file").set_input_files(str(_photo(tmp_path)))
    page.locator("#ev-date").fill("2025-06-01")
    page.get_by_role("button", name="Tải lên").click()
    page.locator("#offline-queue li").first.wait_for()
    context.set_offline(False)  # both tabs hear "online" and try to send
    expect(page.locator("#offline-queue li")).to_have_count(0)
    other.reload()
    expect(other.locator("#offline-queue li")).to_have_count(0)
    assert Evidence.objects.filter(assessment=assessment).count() == 1
    context.close()

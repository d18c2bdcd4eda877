"""The self-assessment on a 360 × 740 phone: from sign-up to a submitted self-assessment with a
photo in at most 20 taps; an upload never costs typed scores (with or without JavaScript); a big
photo leaves the phone shrunk below 500 KB; HEIC, Word, Excel and PDF evidence is accepted, a
macro-enabled or fake office file refused in Vietnamese; every score is checked as it is typed
against the criteria set's own limits, with a running total and the pass mark; after a refused
submit the summary at the top links to each field.

Taps are counted as a person would make them: a tap on a field, a button or a link is one; a
drop-down is two (open it, pick); choosing a photo is two (open the picker, pick the photo).
Typing on the phone's keyboard, including its "next" key that moves to the following field, is
typing, not a tap."""

import datetime
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import create_campaign
from hoctap.assessments.models import Assessment, Evidence
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from tests import evidence_files
from tests.assessments.conftest import campaigns, people, private_media, published, users  # noqa: F401
from tests.browser.conftest import PHONE, login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
KB = 1024


def big_photo(path):
    """A 4000 × 3000 phone photo of about 6 MB (grain and gradients, as a camera writes them)."""
    width, height = 4000, 3000
    light = Image.linear_gradient("L").resize((width, height))
    grain = Image.effect_noise((width, height), 60)
    photo = Image.merge(
        "RGB",
        (
            Image.blend(light, grain, 0.5),
            Image.effect_noise((width, height), 40),
            light.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
        ),
    )
    photo.save(path, "JPEG", quality=95)
    assert path.stat().st_size > 5 * 1024 * KB
    return path


def small_photo(path):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 60)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


class Taps:
    """Counts what a thumb does on the screen (see the module's docstring)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.tap()

    def pick(self, locator, value):
        self.count += 2
        locator.select_option(value)

    def photo(self, locator, path):
        self.count += 2
        locator.set_input_files(str(path))

    def type_then_next(self, text):
        """Type into the focused field, then the keyboard's "next" key (no tap)."""
        # insert_text: what a phone's keyboard sends (Chromium's emulated key presses into a field
        # far down this long page sometimes produced no input event at all).
        self.page.keyboard.insert_text(text)
        self.page.keyboard.press("Tab")


def test_sign_up_to_a_submitted_self_assessment_with_a_photo_in_at_most_20_taps(
    phone, live_server, published, small_map, tmp_path
):
    create_campaign(Title.CITIZEN, datetime.date.today().year)
    page, taps = phone, Taps(phone)
    sent = []
    page.on("request", lambda request: sent.append(request) if "/evidence/" in request.url else None)
    page.goto(f"{live_server.url}/signup/")
    taps.tap(page.get_by_label("Họ và tên"))
    taps.type_then_next("Nguyễn Thị Lan")
    page.keyboard.type("1990")
    taps.pick(page.get_by_label("Giới tính"), "female")
    taps.pick(page.get_by_label("Tỉnh, thành phố"), str(small_map["province"].pk))
    page.wait_for_selector("#id_commune option:has-text('Xã An Lạc')", state="attached")
    taps.pick(page.get_by_label("Xã, phường"), str(small_map["commune_a"].pk))
    taps.pick(page.get_by_label("Nhóm đối tượng"), "farmer")
    taps.tap(page.get_by_label("Tên đăng nhập"))
    taps.type_then_next("lan")
    page.keyboard.type("mat-khau-rat-dai-2025")
    taps.tap(page.locator("#id_consent"))  # the privacy notice, agreed to (sign-up is refused without)
    taps.tap(page.get_by_role("button", name="Đăng ký", exact=True))
    page.wait_for_url(f"{live_server.url}/my/")
    taps.tap(page.get_by_role("button", name=re.compile("Đăng ký Công dân học tập")))
    page.wait_for_selector("h1:has-text('Tự đánh giá')")

    scores = page.locator("fieldset input[type=number]")
    assert scores.count() == 10
    taps.tap(scores.first)
    for _ in range(10):
        page.keyboard.type("9")
        page.keyboard.press("Tab")  # the score's note
        page.keyboard.press("Tab")  # the next score
    expect(page.locator("#running-total")).to_contain_text("Tổng điểm: 90")
    expect(page.locator("#running-total")).to_contain_text("đạt ngưỡng 80")

    taps.photo(page.locator("#ev-file"), big_photo(tmp_path / "IMG_2041.jpg"))
    taps.tap(page.get_by_role("button", name="Tải lên"))
    expect(page.locator("#ev-status")).to_contain_text("Đã thêm minh chứng «IMG_2041.jpg»")
    expect(page.locator("#ev-list li")).to_have_count(1)
    # The typed scores are all still there: the photo went on its own.
    assert [scores.nth(i).input_value() for i in range(10)] == ["9"] * 10
    # It left the phone shrunk: one request, well under 500 KB, a JPEG at most 1600 px wide.
    uploads = [r for r in sent if r.method == "POST"]
    assert len(uploads) == 1
    body = int(uploads[0].all_headers()["content-length"])  # the bytes that went over the link
    assert 0 < body < 500 * KB, body
    stored = Evidence.objects.get()
    assert stored.file.size < 500 * KB and stored.file.content_type == "image/jpeg"
    assert max(stored.file.width, stored.file.height) == 1600

    taps.tap(page.get_by_role("button", name="Nộp hồ sơ"))
    page.wait_for_selector("text=Đã nộp hồ sơ tự đánh giá")
    assert taps.count <= 20, taps.count
    print(f"taps from sign-up to submitted with a photo: {taps.count}; photo sent: {body // KB} KB")
    assessment = Assessment.objects.get()
    assert assessment.state == State.SUBMITTED and assessment.evidence.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def sheet(people, users, campaigns):
    return workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], 2025)


def _officer_phone(browser, live_server, **options):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True, **options)
    page = context.new_page()
    login(page, live_server, "village_officer_a", PASSWORD)
    return context, page


def test_without_javascript_an_upload_keeps_the_typed_scores(browser, live_server, sheet, tmp_path):
    context, page = _officer_phone(browser, live_server, java_script_enabled=False)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    scores = page.locator("fieldset input[type=number]")
    scores.nth(0).fill("8")
    scores.nth(1).fill("7.5")
    page.locator("#ev-file").set_input_files(str(small_photo(tmp_path / "so-sach.jpg")))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_selector("text=Đã thêm minh chứng «so-sach.jpg»")
    assert scores.nth(0).input_value() == "8" and scores.nth(1).input_value() == "7.5"
    codes = [i.code for i in sheet.criteria_set.definition.indicators]
    assert Assessment.objects.get(pk=sheet.pk).self_answers == {codes[0]: "8", codes[1]: "7.5"}
    assert Evidence.objects.filter(assessment=sheet).count() == 1

    # A score above the maximum and a refused file: the page comes back with both typed values.
    scores.nth(0).fill("12")
    scores.nth(2).fill("6")
    (tmp_path / "bao-cao.docx").write_bytes(evidence_files.docm_bytes())
    page.locator("#ev-file").set_input_files(str(tmp_path / "bao-cao.docx"))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_selector("#error-summary li")
    assert scores.nth(0).input_value() == "12" and scores.nth(2).input_value() == "6"
    assert "có chứa macro" in page.locator(".messages").inner_text()
    context.close()


@pytest.mark.parametrize(
    "name, maker, stored_type",
    [
        ("IMG_0042.HEIC", lambda: evidence_files.heic_bytes((2000, 1500)), "image/jpeg"),
        ("bien-ban.docx", evidence_files.docx_bytes, "wordprocessingml"),
        ("danh-sach.xlsx", evidence_files.xlsx_bytes, "spreadsheetml"),
        ("quyet-dinh.pdf", lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
    ],
)
def test_heic_word_excel_and_pdf_evidence_is_accepted(browser, live_server, sheet, tmp_path, name, maker, stored_type):
    context, page = _officer_phone(browser, live_server)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    page.locator("fieldset input[type=number]").first.fill("9")
    (tmp_path / name).write_bytes(maker())
    page.locator("#ev-file").set_input_files(str(tmp_path / name))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#ev-status")).to_contain_text("Đã thêm minh chứng")
    expect(page.locator("#ev-list li")).to_have_count(1)
    assert page.locator("fieldset input[type=number]").first.input_value() == "9"
    assert stored_type in Evidence.objects.get(assessment=sheet).file.content_type
    context.close()


@pytest.mark.parametrize(
    "maker, says",
    [
        (evidence_files.docm_bytes, "có chứa macro"),
        (evidence_files.fake_docx_bytes, "không phải tệp Word (.docx) hay Excel (.xlsx) thật"),
    ],
)
def test_a_macro_enabled_or_fake_office_file_is_refused_in_vietnamese(
    browser, live_server, sheet, tmp_path, maker, says
):
    context, page = _officer_phone(browser, live_server)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    page.locator("fieldset input[type=number]").first.fill("9")
    (tmp_path / "bao-cao.docx").write_bytes(maker())
    page.locator("#ev-file").set_input_files(str(tmp_path / "bao-cao.docx"))
    page.get_by_role("button", name="Tải lên").click()
    status = page.locator("#ev-status.ev-error")
    expect(status).to_contain_text(says)
    expect(status).to_contain_text("tải lên lại")  # what to do next
    assert page.locator("fieldset input[type=number]").first.input_value() == "9"
    assert not Evidence.objects.exists()
    context.close()


def test_each_score_is_checked_as_it_is_typed_and_the_summary_links_to_the_fields(browser, live_server, sheet):
    context, page = _officer_phone(browser, live_server)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    form = page.locator("#sheet")
    # The limits on the page are the criteria set's and the engine's, not the script's.
    definition = sheet.criteria_set.definition
    first, second = definition.indicators[0], definition.indicators[1]
    assert form.get_attribute("data-pass-mark") == "80" and form.get_attribute("data-max-total") == "100"
    assert page.locator(f"#id_a_{first.code}").get_attribute("data-max") == format(first.max_points, "f")
    assert page.locator(f"#id_a_{first.code}").get_attribute("data-floor") == format(first.floor, "f")
    expect(page.locator(".pass-mark")).to_contain_text("Ngưỡng đạt: 80 điểm")

    page.locator(f"#id_a_{first.code}").fill("12")
    expect(page.locator(f"#check-{first.code}")).to_have_text("Cao hơn điểm tối đa: nhập từ 0 đến 10.")
    page.locator(f"#id_a_{second.code}").fill("3")
    expect(page.locator(f"#check-{second.code}")).to_contain_text("Dưới mức sàn 5 điểm")
    expect(page.locator("#running-total")).to_contain_text("Tổng điểm: 15")
    expect(page.locator("#running-total")).to_contain_text("cần thêm 65 để đạt ngưỡng 80")
    shoot(page, "self-assessment-officer-checks", full_page=False)

    # Submitting: refused on the phone before anything is sent; the summary links to the field.
    page.get_by_role("button", name="Nộp hồ sơ").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile(first.code))
    link.click()
    expect(page.locator(f"#id_a_{first.code}")).to_be_focused()
    assert Assessment.objects.get(pk=sheet.pk).state == State.REGISTERED

    # The server refuses too (no JavaScript): missing scores and the one above the maximum are
    # listed at the top, each a link to its field, and the typed values are still there.
    context.close()
    context, page = _officer_phone(browser, live_server, java_script_enabled=False)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    page.locator(f"#id_a_{first.code}").fill("12")
    page.locator(f"#id_a_{second.code}").fill("3")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    links = page.locator("#error-summary a")
    links.first.wait_for()
    assert links.first.get_attribute("href") == f"#id_a_{first.code}"
    assert "Cao hơn điểm tối đa" in links.first.inner_text()
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert page.locator(target.replace(".", "\\.")).count() == 1, target
    assert page.locator(f"#id_a_{second.code}").input_value() == "3"
    shoot(page, "self-assessment-officer-refused", full_page=False)
    context.close()

    # With every score in, a score below the floor is submitted but never silently.
    context, page = _officer_phone(browser, live_server)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    scores = page.locator("fieldset input[type=number]")
    for index in range(scores.count()):
        scores.nth(index).fill("3" if index == 1 else "9")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_selector("text=Đã nộp hồ sơ tự đánh giá")
    assert "dưới mức sàn" in page.locator(".messages").inner_text()
    context.close()


def test_screenshots_as_citizen_and_village_officer(browser, live_server, people, users, campaigns, tmp_path):
    from hoctap.accounts.roles import Role
    from tests.conftest import make_user

    # the village officer fills in a citizen's sheet
    sheet = workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], 2025)
    context, page = _officer_phone(browser, live_server)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    page.locator("fieldset input[type=number]").first.fill("9")
    shoot(page, "self-assessment-officer", full_page=False)
    page.locator("#ev-file").scroll_into_view_if_needed()
    shoot(page, "self-assessment-officer-evidence", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

    # the citizen fills in their own
    citizen = make_user("lan_citizen", Role.CITIZEN, people["head"].unit)
    people["head"].account = citizen
    people["head"].save()
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, live_server, "lan_citizen", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{sheet.pk}/self-assessment/")
    scores = page.locator("fieldset input[type=number]")
    scores.nth(0).fill("9")
    scores.nth(1).fill("4")
    shoot(page, "self-assessment-citizen", full_page=False)
    page.locator("#ev-file").set_input_files(str(small_photo(tmp_path / "giay-khen.jpg")))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator("#ev-status")).to_contain_text("Đã thêm minh chứng")
    page.locator("#ev-status").scroll_into_view_if_needed()
    shoot(page, "self-assessment-citizen-uploaded", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

"""The yearly cycle in a real browser: a household from registration to its certificate and the
public verification page; a citizen signing up and self-assessing on a 360×740 phone."""

import datetime
import re

import pytest

from hoctap.assessments.campaigns import create_campaign
from hoctap.criteria.titles import Title
from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    campaigns,
    head_is_citizen,
    people,
    private_media,
    published,
    users,
)
from tests.browser.conftest import login
from tests.reports.test_exports import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


def as_user(browser, live_server, username, **context):
    page = browser.new_context(locale="vi-VN", **context).new_page()
    login(page, live_server, username, PASSWORD)
    return page


def test_a_household_from_registration_to_certificate(browser, live_server, head_is_citizen, users, people, small_map):
    campaign = head_is_citizen.campaign.__class__.objects.get(title=Title.FAMILY, year=2025)
    village = small_map["village_a"]

    # The village officer registers the household and fills in its self-assessment.
    page = as_user(browser, live_server, "village_officer_a")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.get_by_role("row", name=re.compile("Thôn Đông")).get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Hộ ông Nguyễn Văn An").check()
    page.get_by_role("button", name="Đăng ký những đối tượng đã chọn").click()
    page.wait_for_selector("text=Đã đăng ký 1 đối tượng")
    page.goto(f"{live_server.url}/assessments/")
    page.get_by_role("link", name="Hộ ông Nguyễn Văn An").click()
    page.get_by_role("link", name="Tự đánh giá").click()
    page.wait_for_url("**/self-assessment/")  # .all() does not wait: it would read the previous page
    page.wait_for_selector("input[type=number]")
    for field in page.locator("input[type=number]").all():
        maximum = float(field.get_attribute("max"))
        field.fill(str(int(maximum * 0.9)))
    for group in page.locator("fieldset:has(input[type=radio])").all():
        group.locator("input[value=true]").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_selector("text=Đã nộp hồ sơ tự đánh giá")
    page.context.close()

    # The commune officer accepts the self-score on the village's review screen (htmx row update).
    page = as_user(browser, live_server, "commune_officer_a")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/units/{village.pk}/review/")
    row = page.get_by_role("row", name=re.compile("Hộ ông Nguyễn Văn An"))
    row.get_by_role("button", name="Chấp nhận").click()
    page.wait_for_selector("tr:has-text('Hộ ông Nguyễn Văn An') >> text=Đề nghị công nhận")
    page.context.close()

    # The commune chairman issues the decision and the certificate.
    page = as_user(browser, live_server, "commune_approver_a")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/decisions/new/")
    page.get_by_label("Họ tên người ký").fill("Phạm Văn Đức")
    page.get_by_role("button", name="Ban hành quyết định").click()
    page.wait_for_selector("h1:has-text('Quyết định số')")
    page.get_by_role("button", name="Cấp giấy công nhận").click()
    page.wait_for_selector("text=Đã cấp 1 giấy công nhận")
    run_worker()  # the background worker makes the PDFs (the page showed "đang tạo")
    page.wait_for_selector(".document-state", state="detached", timeout=10_000)
    with page.expect_response(re.compile(r"certificates\.pdf$")) as pdf:
        page.evaluate(
            "url => fetch(url)", page.get_by_role("link", name="In tất cả giấy công nhận (PDF)").get_attribute("href")
        )
    assert pdf.value.headers["content-type"] == "application/pdf"
    code = page.locator("a[href^='/verify/']").first.inner_text()
    page.context.close()

    # Anyone opens the verification page the QR code points to.
    public = browser.new_context(locale="vi-VN").new_page()
    public.goto(f"{live_server.url}/verify/{code}")
    assert "Còn hiệu lực" in public.locator(".verify-result").inner_text()
    assert public.get_by_text("Hộ ông Nguyễn Văn An").count() == 1
    tampered = code[:-2] + ("BB" if code.endswith("AA") else "AA")  # (a code may end in AA itself)
    public.goto(f"{live_server.url}/verify/{tampered}")
    assert "Không xác thực được" in public.locator(".verify-result").inner_text()
    public.context.close()


def test_a_citizen_signs_up_and_self_assesses_on_a_phone(phone, live_server, published, small_map):
    create_campaign(Title.CITIZEN, datetime.date.today().year)
    phone.goto(f"{live_server.url}/signup/")
    phone.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    phone.get_by_label("Năm sinh").fill("1990")
    phone.get_by_label("Giới tính").select_option("female")
    phone.get_by_label("Tỉnh, thành phố").select_option(str(small_map["province"].pk))
    phone.wait_for_selector("#id_commune option:has-text('Xã An Lạc')", state="attached")
    phone.get_by_label("Xã, phường").select_option(str(small_map["commune_a"].pk))
    phone.get_by_label("Nhóm đối tượng").select_option("farmer")
    phone.get_by_label("Tên đăng nhập").fill("lan")
    phone.get_by_label("Mật khẩu").fill("mat-khau-rat-dai-2025")
    phone.locator("#id_consent").check()  # the privacy notice, agreed to (sign-up is refused without)
    phone.get_by_role("button", name="Đăng ký", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/my/")
    phone.get_by_role("button", name=re.compile("Đăng ký Công dân học tập")).click()
    phone.wait_for_selector("h1:has-text('Tự đánh giá')")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    fields = phone.locator("fieldset input[type=number]")
    assert fields.count() == 10
    box = fields.first.bounding_box()
    assert box["height"] >= 40  # big enough for a thumb
    for index in range(fields.count()):
        fields.nth(index).fill("9")
    phone.get_by_role("button", name="Nộp hồ sơ").click()
    phone.wait_for_selector("text=Đã nộp hồ sơ tự đánh giá")
    assert phone.locator(".state").first.inner_text() == "Đã nộp"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.goto(f"{live_server.url}/my/")
    assert "Đã nộp" in phone.locator("main").inner_text()

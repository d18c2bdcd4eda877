"""The unit's learners page (its officer) and the review page of its TT 24 file (the province
officer) on a 360 px phone: no sideways scrolling, the figures as people read them, no internal code."""

import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hoctap.accounts.scoping import Scope
from hoctap.assessments import learners, workflow
from hoctap.assessments.decisions import issue_decision
from hoctap.criteria.titles import Title
from hoctap.registry.models import ManagingLevel, Organisation, Person, Sex
from tests.assessments.conftest import YEAR, campaigns, full_answers, people, published, users  # noqa: F401
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")


def test_learners_page_and_review_page_on_a_phone(phone, live_server, campaigns, users, small_map):  # noqa: F811
    commune = small_map["commune_a"]
    school = Organisation.objects.create(
        name="Trường THPT An Lạc", kind="school", unit=commune, managing_level=ManagingLevel.PROVINCE
    )
    teacher = Person.objects.create(full_name="Vi Văn Tú", sex=Sex.MALE, birth_year=1980, employer=school)
    keeper, province = Scope(users["commune_officer"]), Scope(users["province_officer"])

    def walk(assessment):
        assessment = workflow.transition(keeper, assessment, "start")
        assessment = workflow.transition(keeper, assessment, "submit", answers=full_answers(assessment.criteria_set))
        return workflow.transition(province, assessment, "start_review")

    citizen = workflow.transition(province, walk(workflow.register(keeper, Title.CITIZEN, teacher, YEAR)), "propose")
    issue_decision(
        Scope(users["commune_approver"]),
        citizen.campaign,
        [citizen],
        issuer=commune,
        issued_on=datetime.date(YEAR, 6, 1),
        signer_name="Phạm Văn Đức",
    )
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    learners.record(
        keeper,
        school,
        YEAR,
        learners=412,
        citizens=396,
        uploaded=SimpleUploadedFile("danh-sach-nguoi-hoc.png", out.getvalue()),
    )
    under_review = walk(workflow.register(keeper, Title.UNIT, school, YEAR))

    login(phone, live_server, "commune_officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/organisations/{school.pk}/learners/")
    text = phone.inner_text("main")
    assert "412" in text and "396" in text and "96,11 %" in text and "Lưu số liệu" in text
    assert "_share" not in text and "continuing_education" not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # the table fits: nothing scrolls sideways inside it either
    assert phone.evaluate("[...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)")
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/learners-unit-officer.png", full_page=True)

    # the unit's officer follows its file: the figures are on it too, with no review buttons
    phone.goto(f"{live_server.url}/assessments/{under_review.pk}/")
    text = phone.inner_text("main")
    assert f"Người học năm {YEAR}" in text and "Đề nghị công nhận" not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/review-unit-officer.png", full_page=True)

    phone.context.clear_cookies()
    login(phone, live_server, "province_officer_x", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/organisations/{school.pk}/learners/")
    assert "96,11 %" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/learners-province-officer.png", full_page=True)
    phone.goto(f"{live_server.url}/campaigns/{under_review.campaign_id}/")
    text = phone.inner_text("main")
    assert "Đơn vị cấp tỉnh quản lý" in text and "nâng mức sau 12 tháng" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/campaign-province-officer.png", full_page=True)
    phone.goto(f"{live_server.url}/assessments/{under_review.pk}/")
    text = phone.inner_text("main")
    assert (
        f"Người học năm {YEAR}" in text
        and "412 người học, trong đó 396 (96,11 %)" in text
        and "Cần ít nhất 95 %" in text
    )
    assert "_share" not in text
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/review-province-officer.png", full_page=True)
    wide = phone.evaluate("""[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 362)
        .map(e => e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 40))""")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, wide[:8]

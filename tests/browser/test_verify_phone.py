"""The public verification page on a 360 × 740 phone: a valid, a revoked and an unknown code. Every
value has the screen's width (a label above it, not a narrow column beside it), nothing scrolls
sideways, dates read dd/mm/yyyy, a revocation shows its decision and reason, and a code typed
in lower case with spaces finds its certificate from the keyboard alone."""

import os
import re

import pytest

from hoctap.assessments import workflow
from hoctap.assessments.decisions import issue_certificates
from hoctap.criteria.titles import Title
from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    campaigns,
    family_assessment,
    head_is_citizen,
    people,
    private_media,
    published,
    recognise,
    scope_of,
    users,
    walk_to_proposed,
)

SHOTS = os.environ.get("HOCTAP_SCREENSHOTS")  # a directory: save what the phone showed
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture
def certificate(family_assessment, users):  # noqa: F811
    decision = recognise(walk_to_proposed(family_assessment, users), users)
    [issued] = issue_certificates(scope_of(users["commune_approver"]), decision)
    return issued


def _shot(phone, name):
    if SHOTS:
        phone.screenshot(path=f"{SHOTS}/verify-{name}.png", full_page=True)


def _check_phone_layout(phone):
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    main_width = phone.evaluate("document.querySelector('main').getBoundingClientRect().width")
    for fact in phone.locator("dl.verify-facts > div").all():
        label, value = fact.locator("dt").bounding_box(), fact.locator("dd").bounding_box()
        assert value["y"] >= label["y"] + label["height"] - 1  # the value sits under its label
        assert value["width"] >= 0.8 * main_width  # and has the width of the page
    assert not ISO_DATE.search(phone.locator("main").inner_text())


def test_a_valid_certificate_on_a_phone(phone, live_server, certificate):
    phone.goto(f"{live_server.url}/verify/{certificate.code}")
    assert phone.locator(".verify-result").inner_text() == "Còn hiệu lực"
    text = phone.locator("main").inner_text()
    for fact in (
        "Hộ ông Nguyễn Văn An",
        "Thôn Đông, xã An Lạc, tỉnh Hưng Yên",
        "Số 02/QĐ-UBND ngày 20/12/2025",
        "31/12/2026",
        certificate.code,
        "Tiêu chí tạm thời Gia đình học tập",
    ):
        assert fact in text, fact
    _check_phone_layout(phone)
    _shot(phone, "valid")


def test_a_revoked_certificate_on_a_phone(phone, live_server, certificate, users):  # noqa: F811
    workflow.transition(
        scope_of(users["commune_approver"]),
        certificate.assessment,
        "revoke",
        reason="Kê khai sai số người lớn trong hộ; hộ đã được đánh giá lại",
        revocation_reference="15/QĐ-UBND",
    )
    phone.goto(f"{live_server.url}/verify/{certificate.code}")
    assert phone.locator(".verify-result").inner_text() == "Đã bị thu hồi"
    revocation = phone.locator(".verify-revocation").inner_text()
    assert "15/QĐ-UBND" in revocation and "Kê khai sai số người lớn trong hộ" in revocation
    assert re.search(r"\d{2}/\d{2}/\d{4}", revocation)
    _check_phone_layout(phone)
    _shot(phone, "revoked")


def test_an_unknown_code_on_a_phone_then_the_right_one_from_the_keyboard(phone, live_server, certificate):
    phone.goto(f"{live_server.url}/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    assert "Không xác thực được" in phone.locator(".verify-result").inner_text()
    _check_phone_layout(phone)
    _shot(phone, "unknown")
    # the form under the result: typed as read aloud, lower case with spaces
    phone.locator("#code").focus()
    phone.keyboard.type(certificate.code.lower().replace("-", " "))
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{live_server.url}/verify/{certificate.code}")
    assert phone.locator(".verify-result").inner_text() == "Còn hiệu lực"
    assert str(Title.FAMILY.label) in phone.locator("main").inner_text()

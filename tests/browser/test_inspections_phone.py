"""An inspection on a 360 × 740 phone, as the two roles that use it: the province's inspector reads
the sample as cards and records a disagreement, the inspected commune's chairman returns the record to
the commune with the keyboard alone and follows the link to the assessment done again. Nothing
scrolls sideways, and no internal code (a state, an action) shows."""

import re

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.inspections import services
from hoctap.inspections.models import Finding, FollowUp
from tests.browser.conftest import PHONE, login, shoot
from tests.inspections.conftest import inspection, recognised, third_commune  # noqa: F401  (fixtures)
from tests.reports import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"
INTERNAL = re.compile(r"\b(pending|disagree|agree|return|revoke|recognised|revoked)\b")


def fits(phone, name):
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not INTERNAL.search(phone.locator("main").inner_text()), "an internal code on the page"
    shoot(phone, f"inspections-{name}")


def test_the_inspector_reads_the_sample_as_cards_and_the_chairman_returns_a_record(
    phone,
    live_server,
    small_map,
    province_officer,
    inspection,  # noqa: F811
):
    finding = inspection.findings.filter(commune=small_map["commune_a"]).order_by("position").first()
    login(phone, live_server, province_officer.username, PASSWORD)
    phone.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    card = phone.locator("table.cards[aria-labelledby=sample] tbody tr").first
    # A card: the record's name first, then its facts, each with its label.
    assert card.locator("th[scope=row] a").is_visible()
    labels = card.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Số thứ tự trong mẫu"', '"Xã"', '"Kết luận"', '"Xử lý"']
    assert phone.get_by_text("Mã chọn mẫu").is_visible()
    fits(phone, "inspector-sample")

    phone.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    phone.get_by_label("Kết luận").select_option(label="Không đồng ý")
    phone.get_by_label("Lý do").fill("Thiếu minh chứng tham gia lớp học.")
    phone.get_by_label("Kiến nghị xử lý").select_option(label="Trả lại xã")
    phone.get_by_role("button", name="Ghi kết quả kiểm tra").click()
    phone.wait_for_selector("text=Đã ghi kết quả kiểm tra.")
    # The inspector does not revoke: the page says who does.
    assert phone.get_by_text("do cấp có thẩm quyền thực hiện").is_visible()
    fits(phone, "inspector-finding")

    chairman = builders.approver_for(small_map["commune_a"])
    phone.context.clear_cookies()
    login(phone, live_server, chairman.username, PASSWORD)
    phone.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    assert phone.get_by_text("“Trả lại xã” mở lại hồ sơ trong cùng đợt").is_visible()
    assert phone.locator("#fu-action").input_value() == FollowUp.RETURN  # the inspector's recommendation
    fits(phone, "chairman-finding")
    # The keyboard alone: focus the choice, then Tab through the reason and the decision number.
    phone.locator("#fu-action").focus()
    phone.keyboard.press("Tab")
    phone.keyboard.type("Xã đánh giá lại, bổ sung minh chứng.")
    phone.keyboard.press("Tab")
    phone.keyboard.type("7/QĐ-UBND")
    phone.keyboard.press("Enter")
    phone.wait_for_selector("text=Đã xử lý hồ sơ theo kết luận kiểm tra")
    assert Finding.objects.get(pk=finding.pk).follow_up == FollowUp.RETURN
    fits(phone, "chairman-returned")
    phone.get_by_role("link", name="hồ sơ đánh giá lại").click()
    again = finding.assessment.replaced_by.get()
    phone.wait_for_url(f"{live_server.url}/assessments/{again.pk}/")
    assert services.follow_up_actions(Scope(chairman), Finding.objects.get(pk=finding.pk)) == []
    fits(phone, "chairman-reassessment")

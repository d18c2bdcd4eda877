"""Issue 17 on a 360 × 740 phone: a village of 30 dossiers reviewed a page at a time (filter, next
page, bulk accept of a filter: keyboard alone), the village officer following the same board, and a
decision whose PDFs the background worker makes while its page says so."""

import re

import pytest

from hoctap.assessments.models import Assessment, DocumentJob, DocumentStatus
from hoctap.assessments.states import State
from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    campaigns,
    head_is_citizen,
    people,
    private_media,
    published,
    users,
    walk_to_proposed,
)
from tests.assessments.test_pages import submitted_citizens
from tests.browser.conftest import shoot
from tests.browser.test_review_phone import fits, from_top, phone_as, tab_until
from tests.reports.test_exports import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_village_of_thirty_reviewed_a_page_at_a_time(browser, live_server, campaigns, users, small_map):
    rows = submitted_citizens(30, small_map, users)
    for number, row in enumerate(rows[:4]):
        row.person.full_name = f"Đinh Thị Hoa {number}"
        row.person.save()
    url = f"{live_server.url}/campaigns/{rows[0].campaign_id}/units/{small_map['village_a'].pk}/review/"
    context, page = phone_as(browser, live_server, "commune_officer_a")
    page.goto(url)
    assert page.locator("tbody tr").count() == 25 and "Hồ sơ 1–25 trong 30 hồ sơ." in page.inner_text("main")
    assert fits(page)
    shoot(page, "board-paged-commune")

    # the next page, by keyboard
    from_top(page)
    tab_until(page, r"^Trang sau$", limit=400)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Hồ sơ 26–30 trong 30 hồ sơ.")
    assert page.locator("tbody tr").count() == 5 and fits(page)

    # search a name without its diacritics, then accept that filter's dossiers after the count
    from_top(page)
    tab_until(page, r"^$")  # the search box
    page.keyboard.type("dinh thi hoa")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Hồ sơ 1–4 trong 4 hồ sơ.")
    tab_until(page, r"Chấp nhận điểm tự chấm của mọi hồ sơ đạt khớp")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Chấp nhận 4 hồ sơ?')")
    assert fits(page)
    shoot(page, "board-paged-confirm-filter")
    tab_until(page, r"^Chấp nhận 4 hồ sơ$")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Đã chấp nhận điểm tự chấm của 4 hồ sơ")
    assert "dinh+thi+hoa" in page.url  # back on the filter
    states = dict(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "state"))
    assert {states[r.pk] for r in rows[:4]} == {State.PROPOSED}
    assert {states[r.pk] for r in rows[4:]} == {State.SUBMITTED}
    page.goto(url + "?show=waiting")
    assert "Hồ sơ 1–25 trong 26 hồ sơ." in page.inner_text("main")
    context.close()

    context, page = phone_as(browser, live_server, "village_officer_a")
    page.goto(url)
    page.get_by_role("link", name="Trang sau").click()
    page.wait_for_selector("text=Hồ sơ 26–30 trong 30 hồ sơ.")
    assert page.locator("tbody button").count() == 0 and fits(page)
    shoot(page, "board-paged-village")
    context.close()


def test_a_decision_page_while_its_pdf_is_being_made(browser, live_server, head_is_citizen, people, users):
    from hoctap.accounts.scoping import Scope
    from hoctap.assessments import workflow
    from hoctap.criteria.titles import Title

    family = workflow.register(Scope(users["village_officer"]), Title.FAMILY, people["household"], 2025)
    proposed = walk_to_proposed(family, users)
    context, page = phone_as(browser, live_server, "commune_approver_a")
    page.goto(f"{live_server.url}/campaigns/{proposed.campaign_id}/decisions/new/")
    page.get_by_label("Họ tên người ký").fill("Phạm Văn Đức")
    page.get_by_role("button", name="Ban hành quyết định").click()
    page.wait_for_selector("h1:has-text('Quyết định số')")
    assert "Tệp PDF của quyết định đang được tạo" in page.inner_text("main")
    page.get_by_role("button", name="Cấp giấy công nhận").click()
    page.wait_for_selector("text=Đã cấp 1 giấy công nhận")
    assert page.locator(".document-state").count() == 2 and fits(page)
    shoot(page, "decision-pdf-being-made")

    # the PDF asked for meanwhile: a page that says so, and reloads itself
    decision_url = page.url
    waiting = page.goto(decision_url + "decision.pdf")
    assert waiting.status == 202 and waiting.headers["refresh"] == "2"
    assert "Đang tạo tệp PDF…" in page.inner_text("main") and fits(page)
    shoot(page, "decision-pdf-waiting")

    page.goto(decision_url)
    run_worker()  # the background worker (db_worker) makes both
    assert set(DocumentJob.objects.values_list("status", flat=True)) == {DocumentStatus.DONE}
    page.wait_for_selector(".document-state", state="detached", timeout=10_000)  # the page's poll saw it
    shoot(page, "decision-pdf-made")
    # Each subject is a card: its certificate is on the screen, not in a column scrolled off it.
    certificate = page.locator("td[data-label='Giấy công nhận']").first.bounding_box()
    assert certificate["x"] + certificate["width"] <= 360
    page.goto(f"{live_server.url}/decisions/")
    numbers = page.locator("table.cards th[scope=row] a")
    assert numbers.count() >= 1 and numbers.first.inner_text().startswith("Quyết định số")
    assert all(
        box["x"] + box["width"] <= 360 for box in (cell.bounding_box() for cell in page.locator("table.cards td").all())
    )
    assert fits(page)
    shoot(page, "decision-list")
    page.goto(decision_url)
    for link in ("Quyết định (PDF)", "In tất cả giấy công nhận (PDF)"):
        with page.expect_response(re.compile(r"\.pdf$")) as pdf:
            page.evaluate("url => fetch(url)", page.get_by_role("link", name=link).get_attribute("href"))
        assert pdf.value.status == 200 and pdf.value.headers["content-type"] == "application/pdf"
    context.close()

import re
import pytest
from tests.assessments.conftest import campaigns, head_is_citizen, people, private_media, published, users, walk_to_proposed, recognise, scope_of  # noqa
from tests.browser.conftest import login
from hoctap.assessments.decisions import issue_certificates
from hoctap.assessments import documents
from hoctap.criteria.titles import Title

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shots(browser, live_server, head_is_citizen, users, people, small_map):
    from hoctap.assessments import workflow
    fam = workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["household"], 2025)
    fam = walk_to_proposed(fam, users)
    d = recognise(fam, users)
    [cert] = issue_certificates(scope_of(users["commune_approver"]), d)
    open("/tmp/mk/decision.pdf", "wb").write(documents.decision_pdf(d))
    open("/tmp/mk/cert.pdf", "wb").write(documents.certificates_pdf([cert], live_server.url + "/"))
    nb = workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["neighbour"], 2025)
    nb = workflow.transition(scope_of(users["village_officer"]), nb, "start")
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    login(page, live_server, "commune_officer_a", "correct-horse-battery-9")
    page.goto(f"{live_server.url}/campaigns/{fam.campaign_id}/units/{small_map['village_a'].pk}/review/")
    page.screenshot(path="/tmp/mk/review.png", full_page=True)
    page.goto(f"{live_server.url}/assessments/{fam.pk}/")
    page.screenshot(path="/tmp/mk/detail.png", full_page=True)
    page.goto(f"{live_server.url}/campaigns/{fam.campaign_id}/")
    page.screenshot(path="/tmp/mk/campaign.png", full_page=True)
    page.goto(f"{live_server.url}/verify/{cert.code}")
    page.screenshot(path="/tmp/mk/verify.png", full_page=True)
    ph = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    login(ph, live_server, "village_officer_a", "correct-horse-battery-9")
    ph.goto(f"{live_server.url}/assessments/{nb.pk}/self-assessment/")
    ph.screenshot(path="/tmp/mk/phone.png", full_page=False)

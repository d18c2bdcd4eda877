"""Pages: the review screen of a village (bulk accept, row actions over htmx), lists in a constant
number of queries, the self-assessment sheet, decisions and their PDFs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.registry.models import Person, Sex
from tests.assessments.conftest import YEAR, full_answers, scope_of

pytestmark = pytest.mark.django_db


def submitted_citizens(count, small_map, users):
    """`count` more citizens of village A, self-assessed (achieving) and submitted by the village officer.

    Citizens, because their set reads no dependency facts: a full sheet always achieves the title."""
    village = scope_of(users["village_officer"])
    made = []
    for _ in range(count):
        person = Person.objects.create(
            full_name=f"Người Thử {Person.objects.count()}",
            sex=Sex.MALE,
            birth_year=1970,
            unit=small_map["village_a"],
            occupation_group="farmer",
        )
        assessment = workflow.register(village, Title.CITIZEN, person, YEAR)
        assessment = workflow.transition(village, assessment, "start")
        made.append(workflow.transition(village, assessment, "submit", answers=full_answers(assessment.criteria_set)))
    return made


def test_review_board_lists_self_and_council_scores(client, campaigns, users, small_map):
    submitted = submitted_citizens(2, small_map, users)
    client.force_login(users["commune_officer"])
    page = client.get(f"/campaigns/{submitted[0].campaign_id}/units/{small_map['village_a'].pk}/review/")
    body = page.content.decode()
    assert page.status_code == 200 and submitted[1].person.full_name in body
    assert f"{submitted[0].self_result['total']} · " in body


def test_review_board_costs_the_same_number_of_queries_for_more_rows(client, campaigns, users, small_map):
    client.force_login(users["commune_officer"])
    url = f"/campaigns/{campaigns[Title.CITIZEN].pk}/units/{small_map['village_a'].pk}/review/"
    submitted_citizens(2, small_map, users)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    last = submitted_citizens(6, small_map, users)[-1]
    with CaptureQueriesContext(connection) as many:
        assert last.person.full_name in client.get(url).content.decode()
    assert len(many) == len(few)


def test_bulk_accept_proposes_every_achieving_row(client, campaigns, users, small_map):
    rows = submitted_citizens(3, small_map, users)
    client.force_login(users["commune_officer"])
    campaign = rows[0].campaign
    url = f"/campaigns/{campaign.pk}/units/{small_map['village_a'].pk}/review/"
    confirmation = client.post(url, {"bulk": "accept"})  # a first POST only asks
    assert confirmation.status_code == 200 and "Chấp nhận 3 hồ sơ?" in confirmation.content.decode()
    assert set(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)) == {
        State.SUBMITTED
    }
    response = client.post(url, {"bulk": "accept", "confirm": [f"{r.pk}:{r.version}" for r in rows]})
    assert response.status_code == 302
    states = set(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True))
    assert states == {State.PROPOSED}


def test_row_actions_over_htmx(client, campaigns, users, small_map):
    accept, change, back = submitted_citizens(3, small_map, users)
    client.force_login(users["commune_officer"])
    htmx = {"HTTP_HX_REQUEST": "true"}
    accepted = client.post(
        f"/assessments/{accept.pk}/review-row/", {"op": "accept", "expected_version": accept.version}, **htmx
    )
    assert accepted.status_code == 200 and accepted.content.decode().lstrip().startswith("<tr")
    assert Assessment.objects.get(pk=accept.pk).state == State.PROPOSED
    editor = client.get(f"/assessments/{change.pk}/review-row/?edit=1", **htmx).content.decode()
    assert 'name="a_CS1"' in editor
    answers = {f"a_{code}": value for code, value in full_answers(change.criteria_set, "8").items()}
    changed = client.post(
        f"/assessments/{change.pk}/review-row/", {"op": "change", "expected_version": change.version, **answers}, **htmx
    )
    assert changed.status_code == 200
    stored = Assessment.objects.get(pk=change.pk)
    assert stored.state == State.PROPOSED and stored.review_answers["CS1"] == "8"
    refused = client.post(
        f"/assessments/{back.pk}/review-row/", {"op": "return", "reason": "", "expected_version": back.version}, **htmx
    )
    assert "Cần ghi lý do" in refused.content.decode()
    returned = client.post(
        f"/assessments/{back.pk}/review-row/",
        {"op": "return", "reason": "Thiếu ảnh", "expected_version": back.version},
        **htmx,
    )
    assert returned.status_code == 200 and Assessment.objects.get(pk=back.pk).state == State.RETURNED
    stale = client.post(f"/assessments/{accept.pk}/review-row/", {"op": "accept", "expected_version": 1}, **htmx)
    assert "người khác cập nhật" in stale.content.decode()


def test_assessment_list_costs_the_same_number_of_queries_for_more_rows(client, family_assessment, users, small_map):
    client.force_login(users["commune_officer"])
    submitted_citizens(1, small_map, users)
    with CaptureQueriesContext(connection) as few:
        client.get("/assessments/")
    last = submitted_citizens(6, small_map, users)[-1]
    with CaptureQueriesContext(connection) as many:
        assert last.person.full_name in client.get("/assessments/").content.decode()
    assert len(many) == len(few)


def test_self_assessment_sheet_saves_a_draft_and_submits(client, family_assessment, users):
    client.force_login(users["village_officer"])
    url = f"/assessments/{family_assessment.pk}/self-assessment/"
    sheet = client.get(url).content.decode()
    assert sheet.count("<fieldset") == len(family_assessment.criteria_set.definition.indicators)
    assert "tạm thời" in sheet or "một phần" in sheet  # the set is not official, and the page says so
    answers = {f"a_{code}": value for code, value in full_answers(family_assessment.criteria_set, "9").items()}
    too_high = {**answers, "a_TC1.1": "999"}
    refused = client.post(url, {**too_high, "expected_version": family_assessment.version, "save": "1"})
    assert refused.status_code == 200 and "errorlist" in refused.content.decode()
    client.post(url, {**answers, "expected_version": family_assessment.version, "save": "1"})
    draft = Assessment.objects.get(pk=family_assessment.pk)
    assert draft.state == State.SELF_ASSESSING and draft.self_answers["TC1.1"] == "9"
    client.post(url, {**answers, "expected_version": draft.version, "submit": "1"})
    assert Assessment.objects.get(pk=family_assessment.pk).state == State.SUBMITTED


def test_detail_page_actions_and_transition_form(client, family_assessment, users):
    client.force_login(users["village_officer"])
    page = client.get(f"/assessments/{family_assessment.pk}/").content.decode()
    assert "Bắt đầu tự đánh giá" in page
    client.post(
        f"/assessments/{family_assessment.pk}/transition/",
        {"action": "start", "expected_version": family_assessment.version},
    )
    assert Assessment.objects.get(pk=family_assessment.pk).state == State.SELF_ASSESSING
    response = client.post(
        f"/assessments/{family_assessment.pk}/transition/",
        {"action": "start_review", "expected_version": family_assessment.version + 1},
        follow=True,
    )
    assert "Không thể" in response.content.decode()


def test_registration_page_registers_ticked_households(client, campaigns, users, small_map, people):
    client.force_login(users["village_officer"])
    campaign = campaigns[Title.FAMILY]
    url = f"/campaigns/{campaign.pk}/units/{small_map['village_a'].pk}/register/"
    assert "Hộ ông Lê Văn Cường" in client.get(url).content.decode()
    client.post(url, {"subject": [people["household"].pk, people["neighbour"].pk, people["household_b"].pk]})
    registered = set(Assessment.objects.filter(campaign=campaign).values_list("household_id", flat=True))
    assert registered == {people["household"].pk, people["neighbour"].pk}


def run_document_jobs():
    """What the worker does with the queued PDFs (the task's own body, in this process)."""
    from hoctap.assessments.models import DocumentJob
    from hoctap.assessments.tasks import render_document

    for job in DocumentJob.objects.filter(status="queued").order_by("pk"):
        render_document.call(job.pk)


def test_decision_and_certificates_from_the_pages(client, family_assessment, users):
    from tests.assessments.conftest import walk_to_proposed

    proposed = walk_to_proposed(family_assessment, users)
    client.force_login(users["commune_approver"])
    form = client.get(f"/campaigns/{proposed.campaign_id}/decisions/new/").content.decode()
    assert "Hộ ông Nguyễn Văn An" in form and "Căn cứ" in form
    response = client.post(
        f"/campaigns/{proposed.campaign_id}/decisions/new/",
        {
            "assessment": [proposed.pk],
            "issuer": proposed.unit.parent_id,
            "issued_on": "2025-12-20",
            "signer_name": "Phạm Văn Đức",
            "signer_title": "Chủ tịch",
            "legal_bases": "Căn cứ A;",
            "recipients": "Như Điều 3;",
        },
    )
    assert response.status_code == 302
    decision_url = response["Location"]
    client.post(decision_url)
    stored = Assessment.objects.get(pk=proposed.pk)
    assert stored.state == State.CERTIFIED
    # The PDFs are made by the worker: the first ask says so, and the file is there once it ran.
    waiting = client.get(decision_url + "decision.pdf")
    assert waiting.status_code == 202 and "Đang tạo tệp PDF" in waiting.content.decode()
    assert client.get(f"/certificates/{stored.certificate.pk}/certificate.pdf").status_code == 202
    run_document_jobs()
    pdf = client.get(decision_url + "decision.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    batch = client.get(decision_url + "certificates.pdf")
    assert batch.status_code == 200 and batch.content.startswith(b"%PDF")
    assert client.get(f"/certificates/{stored.certificate.pk}/certificate.pdf").content.startswith(b"%PDF")
    assert stored.certificate.code in client.get(decision_url).content.decode()

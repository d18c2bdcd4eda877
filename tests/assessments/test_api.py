"""/api/v1/: campaigns, assessments with transitions, decisions; refusals as 403/409/422 with the
field at fault; the same scope as the pages."""

import pytest

from hoctap.accounts.models import ApiToken
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def as_user(user):
        _, token = ApiToken.issue(user, "test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        class Caller:
            def get(self, url):
                return client.get(f"/api/v1{url}", **headers)

            def post(self, url, body):
                return client.post(f"/api/v1{url}", data=body, content_type="application/json", **headers)

        return Caller()

    return as_user


def test_register_and_walk_through_the_api(api, head_is_citizen, users, people):
    village, commune, approver = (
        api(users["village_officer"]),
        api(users["commune_officer"]),
        api(users["commune_approver"]),
    )
    created = village.post("/assessments/", {"title": "family", "subject_id": people["household"].pk, "year": YEAR})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "registered" and body["subject_name"] == "Hộ ông Nguyễn Văn An"
    assert body["allowed_actions"] == ["start"]
    assert body["criteria_set_status"] == "provisional"  # the answer says the set lacks official text
    url = f"/assessments/{body['id']}/transitions"
    started = village.post(url, {"action": "start", "expected_version": body["version"]}).json()
    answers = full_answers(head_is_citizen.criteria_set.__class__.objects.get(pk=body["criteria_set_id"]))
    submitted = village.post(url, {"action": "submit", "answers": answers, "expected_version": started["version"]})
    assert submitted.status_code == 200 and submitted.json()["self_result"]["achieved"]
    commune.post(url, {"action": "start_review"})
    proposed = commune.post(url, {"action": "propose"}).json()
    assert proposed["state"] == "proposed"
    decision = approver.post(
        "/decisions/",
        {
            "campaign_id": proposed["campaign_id"],
            "issuer_id": people["household"].village.parent_id,
            "issued_on": "2025-12-20",
            "signer_name": "Phạm Văn Đức",
            "assessment_ids": [proposed["id"]],
        },
    )
    assert decision.status_code == 201 and decision.json()["number"] == "02/QĐ-UBND"
    issued = approver.post(f"/decisions/{decision.json()['id']}/certificates", {})
    [code] = issued.json()["certificate_codes"]
    assert api(users["viewer"]).get(f"/verify/{code}").json()["status"] == "valid"
    steps = village.get(url).json()
    assert [s["action"] for s in steps] == [
        "register",
        "start",
        "submit",
        "start_review",
        "propose",
        "recognise",
        "issue_certificate",
    ]


def test_refusals_carry_status_code_and_field(api, family_assessment, users):
    village, commune = api(users["village_officer"]), api(users["commune_officer"])
    url = f"/assessments/{family_assessment.pk}/transitions"
    wrong_state = commune.post(url, {"action": "propose"})
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "wrong_state"
    not_allowed = village.post(url, {"action": "start"}).json()
    submitted = village.post(url, {"action": "submit", "answers": {"TC1.1": "999"}})
    assert submitted.status_code == 422
    fields = {e["field"] for e in submitted.json()["errors"]}
    assert "answers.TC1.1" in fields and "answers" in fields
    stale = village.post(url, {"action": "submit", "expected_version": not_allowed["version"] - 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    bad_action = village.post(url, {"action": "fly"})
    assert bad_action.status_code == 422 and bad_action.json()["errors"][0]["field"].endswith("action")
    no_capability = api(users["viewer"]).post(url, {"action": "submit"})
    assert no_capability.status_code == 403


def test_registration_input_errors_name_their_fields(api, campaigns, users, people):
    village = api(users["village_officer"])
    missing = village.post("/assessments/", {"title": "family"})
    assert missing.status_code == 422
    assert {"payload.subject_id", "payload.year"} <= {e["field"] for e in missing.json()["errors"]}
    assert (
        village.post(
            "/assessments/", {"title": "family", "subject_id": people["household_b"].pk, "year": YEAR}
        ).status_code
        == 404
    )
    assert village.post("/assessments/", {"title": "nobility", "subject_id": 1, "year": YEAR}).status_code == 422


def test_lists_are_scoped(api, family_assessment, users, officer_b):
    assert [a["id"] for a in api(users["commune_officer"]).get("/assessments/").json()["items"]] == [
        a.pk for a in family_assessment.__class__.objects.order_by("-campaign__year", "pk")
    ]
    assert api(officer_b).get("/assessments/").json()["count"] == 0
    assert api(officer_b).get(f"/assessments/{family_assessment.pk}").status_code == 404
    campaigns = api(officer_b).get("/campaigns/?year=2025").json()
    assert campaigns["count"] == len(Title.values)  # national defaults are shared

"""TT 25/2023: the commune learning community is the commune's own file. Its officers keep and
submit it; none of them (officer, chairman, village officer) reviews or recognises it, on any path;
the level above (province) does, and a campaign cannot hand recognition to the commune."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import create_campaign
from hoctap.assessments.decisions import issue_decision
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, full_answers, scope_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(campaigns, small_map, users):
    """Commune A's file, kept and submitted by its office."""
    keeper = scope_of(users["commune_officer"])
    assessment = workflow.register(keeper, Title.COMMUNE_COMMUNITY, small_map["commune_a"], YEAR)
    assessment = workflow.transition(keeper, assessment, "start")
    return workflow.transition(keeper, assessment, "submit", answers=full_answers(assessment.criteria_set))


def test_no_one_of_the_commune_reviews_or_recognises_it(submitted, users, small_map):
    second_officer = make_user("commune_officer_a2", Role.COMMUNE_OFFICER, small_map["commune_a"])
    for user in (second_officer, users["commune_approver"]):
        scope = scope_of(user)
        assert workflow.allowed_actions(scope, submitted) == []
        with pytest.raises(workflow.TransitionRefused) as refused:
            workflow.transition(scope, submitted, "start_review")
        assert refused.value.code == "own_assessment" and "cấp trên (tỉnh)" in refused.value.text
    province = scope_of(users["province_officer"])
    under_review = workflow.transition(province, submitted, "start_review")
    # not through the draft scores either
    with pytest.raises(workflow.TransitionRefused):
        workflow.save_answers(scope_of(second_officer), under_review, {"TC1.1": False})
    proposed = workflow.transition(province, under_review, "propose")
    with pytest.raises(workflow.TransitionRefused):
        issue_decision(
            scope_of(users["commune_approver"]),
            proposed.campaign,
            [proposed],
            issuer=small_map["commune_a"],
            issued_on=datetime.date(YEAR, 12, 1),
            signer_name="Chủ tịch xã",
        )
    decision = issue_decision(
        scope_of(users["province_approver"]),
        proposed.campaign,
        [proposed],
        issuer=small_map["province"],
        issued_on=datetime.date(YEAR, 12, 1),
        signer_name="Chủ tịch tỉnh",
    )
    assert decision.assessments.get().state == "recognised"


def test_the_other_communes_officers_are_not_concerned(submitted, users, small_map):
    """Separation is about the commune's own people: commune B's officer simply does not see A."""
    other = scope_of(make_user("commune_officer_b", Role.COMMUNE_OFFICER, small_map["commune_b"]))
    assert not other.contains(submitted)


def test_the_same_refusal_through_the_api(client, submitted, users):
    _, token = ApiToken.issue(users["commune_approver"], "test")
    response = client.post(
        f"/api/v1/assessments/{submitted.pk}/transitions",
        {"action": "start_review"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403 and response.json()["code"] == "own_assessment"


def test_a_campaign_cannot_give_recognition_to_the_commune(published, small_map):
    with pytest.raises(ValidationError) as refused:
        create_campaign(Title.COMMUNE_COMMUNITY, YEAR, recognising_role=Role.COMMUNE_APPROVER)
    assert "recognising_role" in refused.value.message_dict
    assert create_campaign(Title.COMMUNE_COMMUNITY, YEAR).recognising_role == Role.PROVINCE_APPROVER


def test_the_home_queue_does_not_offer_the_commune_its_own_file(submitted, users):
    """The queue offers the file to the province, not to the commune that sent it; once proposed,
    the province approver (not the commune chairman) has it to sign."""
    from hoctap.web.todo import todo_for

    def items(user):
        return {item.key: item for item in todo_for(scope_of(user))}

    assert "review" not in items(users["commune_officer"])
    assert items(users["province_officer"])["review"].count == 1
    province = scope_of(users["province_officer"])
    proposed = workflow.transition(province, workflow.transition(province, submitted, "start_review"), "propose")
    assert proposed.state == "proposed"
    assert "recognise" not in items(users["commune_approver"])
    assert items(users["province_approver"])["recognise"].count == 1

"""The one state machine: a household from registration to certificate, refusals with reasons,
the own-assessment rule, scoring through the engine with adapter facts, signal and audit."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from hoctap.assessments import workflow
from hoctap.assessments.decisions import issue_certificates
from hoctap.assessments.models import Assessment, ImmutableAssessment, StaleAssessment, StateChange
from hoctap.assessments.signals import assessment_transitioned
from hoctap.assessments.states import Action, State
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, full_answers, recognise, scope_of, walk_to_proposed

pytestmark = pytest.mark.django_db


def test_household_goes_from_registration_to_certificate(family_assessment, users):
    heard = []
    receiver = lambda sender, **kwargs: heard.append((kwargs["from_state"], kwargs["to_state"], kwargs["action"]))  # noqa: E731
    assessment_transitioned.connect(receiver)
    try:
        proposed = walk_to_proposed(family_assessment, users)
        assert proposed.state == State.PROPOSED
        assert proposed.self_result["achieved"] and proposed.review_result["achieved"]
        decision = recognise(proposed, users)
        assert decision.number == "02/QĐ-UBND"  # the head's citizen title was decision 1
        [certificate] = issue_certificates(scope_of(users["commune_approver"]), decision)
    finally:
        assessment_transitioned.disconnect(receiver)
    proposed.refresh_from_db()
    assert proposed.state == State.CERTIFIED and certificate.code
    assert [step[2] for step in heard] == [
        "start",
        "submit",
        "start_review",
        "propose",
        "recognise",
        "issue_certificate",
    ]
    assert [c.action for c in StateChange.objects.filter(assessment=proposed)] == [
        "register",
        "start",
        "submit",
        "start_review",
        "propose",
        "recognise",
        "issue_certificate",
    ]
    entries = LogEntry.objects.get_for_object(proposed)
    assert entries.count() == 7
    assert {e.additional_data["action"] for e in entries} >= {"register", "recognise", "issue_certificate"}
    assert entries.filter(actor=users["commune_approver"]).exists()


def test_registration_is_announced_with_no_from_state(campaigns, people, users):
    heard = []
    receiver = lambda sender, **kwargs: heard.append(kwargs)  # noqa: E731
    assessment_transitioned.connect(receiver)
    try:
        created = workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["neighbour"], YEAR)
    finally:
        assessment_transitioned.disconnect(receiver)
    assert heard[0]["from_state"] is None and heard[0]["to_state"] == State.REGISTERED
    assert heard[0]["assessment"] == created and heard[0]["actor"] == users["village_officer"]


def test_wrong_state_is_refused_in_vietnamese(family_assessment, users):
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(scope_of(users["commune_officer"]), family_assessment, Action.PROPOSE)
    assert refused.value.code == "wrong_state"
    assert "Đã đăng ký" in refused.value.text


def test_return_needs_a_reason(family_assessment, users):
    village, commune = scope_of(users["village_officer"]), scope_of(users["commune_officer"])
    assessment = workflow.transition(village, family_assessment, Action.START_SELF_ASSESSMENT)
    assessment = workflow.transition(village, assessment, Action.SUBMIT, answers=full_answers(assessment.criteria_set))
    assessment = workflow.transition(commune, assessment, Action.START_REVIEW)
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(commune, assessment, Action.RETURN)
    assert refused.value.code == "missing_reason" and refused.value.field == "reason"
    returned = workflow.transition(commune, assessment, Action.RETURN, reason="Thiếu ảnh minh chứng")
    assert returned.state == State.RETURNED and returned.return_reason == "Thiếu ảnh minh chứng"


def test_a_village_officer_cannot_review(family_assessment, users):
    village = scope_of(users["village_officer"])
    assessment = workflow.transition(village, family_assessment, Action.START_SELF_ASSESSMENT)
    assessment = workflow.transition(village, assessment, Action.SUBMIT, answers=full_answers(assessment.criteria_set))
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(village, assessment, Action.START_REVIEW)
    assert refused.value.code == "no_capability" and "thẩm định" in refused.value.text


def test_nobody_reviews_what_they_submitted(family_assessment, users):
    commune = scope_of(users["commune_officer"])
    assessment = workflow.transition(commune, family_assessment, Action.START_SELF_ASSESSMENT)
    assessment = workflow.transition(commune, assessment, Action.SUBMIT, answers=full_answers(assessment.criteria_set))
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(commune, assessment, Action.START_REVIEW)
    assert refused.value.code == "own_assessment"


def test_a_member_of_the_household_cannot_review_it(family_assessment, users, people):
    people["spouse"].account = users["commune_officer"]
    people["spouse"].save()
    village = scope_of(users["village_officer"])
    assessment = workflow.transition(village, family_assessment, Action.START_SELF_ASSESSMENT)
    assessment = workflow.transition(village, assessment, Action.SUBMIT, answers=full_answers(assessment.criteria_set))
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(scope_of(users["commune_officer"]), assessment, Action.START_REVIEW)
    assert refused.value.code == "own_assessment"


def test_submit_scores_through_the_engine_and_names_bad_answers(family_assessment, users):
    village = scope_of(users["village_officer"])
    assessment = workflow.transition(village, family_assessment, Action.START_SELF_ASSESSMENT)
    answers = full_answers(assessment.criteria_set)
    first = next(iter(answers))
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(village, assessment, Action.SUBMIT, answers={**answers, first: "999"})
    assert refused.value.code == "invalid_answers" and first in refused.value.problems
    partial = dict(list(answers.items())[1:])
    with pytest.raises(workflow.TransitionRefused):
        workflow.transition(village, assessment, Action.SUBMIT, answers=partial)
    assessment.refresh_from_db()
    assert assessment.state == State.SELF_ASSESSING


def test_propose_refuses_a_council_result_below_the_pass_mark(family_assessment, users):
    village, commune = scope_of(users["village_officer"]), scope_of(users["commune_officer"])
    assessment = workflow.transition(village, family_assessment, Action.START_SELF_ASSESSMENT)
    assessment = workflow.transition(village, assessment, Action.SUBMIT, answers=full_answers(assessment.criteria_set))
    assessment = workflow.transition(commune, assessment, Action.START_REVIEW)
    low = full_answers(assessment.criteria_set, "1")
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(commune, assessment, Action.PROPOSE, answers=low)
    assert refused.value.code == "not_achieved" and "80" in refused.value.text
    rejected = workflow.transition(commune, assessment, Action.REJECT, answers=low, reason="Chưa đạt điểm")
    assert rejected.state == State.NOT_RECOGNISED


def test_stale_version_is_refused_with_a_clear_message(family_assessment, users):
    village = scope_of(users["village_officer"])
    loaded_version = family_assessment.version
    workflow.transition(village, family_assessment, Action.START_SELF_ASSESSMENT, expected_version=loaded_version)
    with pytest.raises(StaleAssessment) as stale:
        workflow.save_answers(village, family_assessment, {}, expected_version=loaded_version)
    assert "Hồ sơ đã được người khác cập nhật" in stale.value.messages[0]


def test_model_save_refuses_a_stale_copy(family_assessment):
    first = Assessment.objects.get(pk=family_assessment.pk)
    second = Assessment.objects.get(pk=family_assessment.pk)
    first.self_notes = {"TC1.1": "a"}
    first.save()
    second.self_notes = {"TC1.1": "b"}
    with pytest.raises(StaleAssessment):
        second.save()


def test_recognised_assessments_are_immutable_and_corrected_by_revocation(family_assessment, users):
    recognised = walk_to_proposed(family_assessment, users)
    recognise(recognised, users)
    recognised.refresh_from_db()
    recognised.classification = "tot"
    with pytest.raises(ImmutableAssessment):
        recognised.save()
    recognised.refresh_from_db()
    with pytest.raises(ImmutableAssessment):
        recognised.delete()
    approver = scope_of(users["commune_approver"])
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.correct(approver, recognised, reason="Kê khai sai", revocation_reference="")
    assert refused.value.field == "revocation_reference"
    replacement = workflow.correct(approver, recognised, reason="Kê khai sai", revocation_reference="5/QĐ-UBND")
    recognised.refresh_from_db()
    assert recognised.state == State.REVOKED and recognised.revocation_reference == "5/QĐ-UBND"
    assert replacement.state == State.REGISTERED and replacement.replaces == recognised
    assert LogEntry.objects.get_for_object(recognised).filter(additional_data__action="revoke").exists()
    assert LogEntry.objects.get_for_object(replacement).filter(action=LogEntry.Action.CREATE).exists()


def test_recognition_belongs_to_the_campaigns_recognising_role(family_assessment, users):
    from hoctap.assessments.decisions import issue_decision

    proposed = walk_to_proposed(family_assessment, users)
    with pytest.raises(workflow.TransitionRefused) as refused:
        issue_decision(
            scope_of(users["province_approver"]),
            proposed.campaign,
            [proposed],
            issuer=proposed.unit.parent,
            issued_on=datetime.date(2025, 12, 1),
            signer_name="X",
        )
    assert refused.value.code == "no_capability"


def test_facts_come_from_the_subject_adapter(campaigns, people, users, request):
    """A household's adults holding the citizen title that year feed adults_citizen_share; a title
    recognised in YEAR still holds in YEAR + 1 (`criteria.validity`), as its certificate says."""
    from hoctap.assessments.subjects import adapter_for_title

    adapter = adapter_for_title(Title.FAMILY)
    assert adapter.facts(people["household"], YEAR) == {"adults_citizen_share": Decimal("0")}
    request.getfixturevalue("head_is_citizen")
    assert adapter.facts(people["household"], YEAR) == {"adults_citizen_share": Decimal("0.5")}
    assert adapter.facts(people["household"], YEAR + 1) == {"adults_citizen_share": Decimal("0.5")}
    assert adapter.facts(people["household"], YEAR + 2) == {"adults_citizen_share": Decimal("0")}


def test_citizen_group_comes_from_the_registry(campaigns, people, users):
    citizen = workflow.register(scope_of(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    assert citizen.subject_group == "farmers"


def test_registering_twice_is_refused(family_assessment, users, people):
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["household"], YEAR)
    assert refused.value.code == "already_registered"


def test_registration_outside_the_territory_is_404(campaigns, people, users):
    from django.http import Http404

    with pytest.raises(Http404):
        workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["household_b"], YEAR)


def test_a_three_year_title_is_not_reassessed_while_held_except_to_move_up(campaigns, users, small_map, settings):
    """TT 25/2023: a commune recognised at level 1 may apply for level 2 only 12 months after the
    decision; at level 2 it holds the title until the validity runs out."""
    from django.utils import timezone

    from hoctap.assessments.campaigns import create_campaign
    from hoctap.assessments.decisions import issue_decision

    commune = small_map["commune_a"]
    create_campaign(Title.COMMUNE_COMMUNITY, YEAR + 1)
    officer, reviewer = scope_of(users["commune_officer"]), scope_of(users["province_officer"])
    approver = scope_of(users["province_approver"])

    def recognise_commune(year, answers, issued_on):
        assessment = workflow.register(officer, Title.COMMUNE_COMMUNITY, commune, year)
        assessment = workflow.transition(officer, assessment, Action.START_SELF_ASSESSMENT)
        assessment = workflow.transition(officer, assessment, Action.SUBMIT, answers=answers(assessment))
        assessment = workflow.transition(reviewer, assessment, Action.START_REVIEW)
        assessment = workflow.transition(reviewer, assessment, Action.PROPOSE)
        issue_decision(
            approver,
            assessment.campaign,
            [assessment],
            issuer=small_map["province"],
            issued_on=issued_on,
            signer_name="Hoàng Văn Nam",
        )
        return Assessment.objects.get(pk=assessment.pk)

    def level_one(assessment):
        answers = full_answers(assessment.criteria_set)
        return {code: code not in ("TC4.4", "TC5.4") for code in answers}  # the level-2-only placeholders

    today = timezone.localdate()
    held = recognise_commune(YEAR, level_one, today - datetime.timedelta(days=100))
    assert held.classification == "level_1"
    with pytest.raises(workflow.TransitionRefused) as too_soon:
        workflow.register(officer, Title.COMMUNE_COMMUNITY, commune, YEAR + 1)
    assert too_soon.value.code == "still_held" and "12 tháng" in too_soon.value.text
    held.decision.__class__.objects.filter(pk=held.decision_id).update(issued_on=today - datetime.timedelta(days=400))
    upgraded = workflow.register(officer, Title.COMMUNE_COMMUNITY, commune, YEAR + 1)
    assert upgraded.state == State.REGISTERED
    upgraded.delete()
    create_campaign(Title.COMMUNE_COMMUNITY, YEAR + 2)
    top = recognise_commune(YEAR + 1, lambda a: full_answers(a.criteria_set), today)
    assert top.classification == "level_2"
    with pytest.raises(workflow.TransitionRefused) as held_at_the_top:
        workflow.register(officer, Title.COMMUNE_COMMUNITY, commune, YEAR + 2)
    assert "mức cao nhất" in held_at_the_top.value.text

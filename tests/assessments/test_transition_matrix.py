"""Every state × action × role: allowed exactly when states.TRANSITIONS has the move and the role
is its actor, refused (with the reason's code) otherwise.

The expectation is computed here from TRANSITIONS and the role capabilities, independently of the
workflow's own checks; each cell runs on a fresh assessment created in the cell's state.
"""

import datetime
import itertools

import pytest
from django.http import Http404

from hoctap.accounts.roles import CAPABILITIES, RECIPIENT_ROLES, REPORTER_ROLES, Capability, Role
from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment, Decision
from hoctap.assessments.states import SUBJECT, TRANSITIONS, Action, State
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, full_answers, scope_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(campaigns, people, users, small_map):
    """One user per role, all covering the citizen's village; the citizen owns the subject."""
    citizen = make_user("citizen_a", Role.CITIZEN, small_map["commune_a"])
    people["head"].account = citizen
    people["head"].save()
    by_role = {
        Role.CITIZEN: citizen,
        Role.VILLAGE_OFFICER: users["village_officer"],
        Role.COMMUNE_OFFICER: users["commune_officer"],
        Role.COMMUNE_APPROVER: users["commune_approver"],
        Role.PROVINCE_OFFICER: users["province_officer"],
        Role.PROVINCE_APPROVER: users["province_approver"],
        Role.CENTRAL_ADMIN: users["central_admin"],
        Role.VIEWER: users["viewer"],
        # The commune's bodies that receive reports: they read what is sent to them and act on nothing.
        **{role: make_user(f"recipient_{role}", role, small_map["commune_a"]) for role in RECIPIENT_ROLES},
        # A body that sends its own report (the province's Department of Education): it reads, and
        # moves no dossier.
        **{role: make_user(f"reporter_{role}", role, small_map["province"]) for role in REPORTER_ROLES},
    }
    assert set(by_role) == set(Role.values)
    campaign = campaigns[Title.CITIZEN]
    decision = Decision.objects.create(
        campaign=campaign,
        issuer=small_map["commune_a"],
        year=YEAR,
        sequence=1,
        issued_on=datetime.date(YEAR, 12, 1),
        signer_name="Phạm Văn Đức",
        legal_bases="-",
        recipients="-",
    )
    return {"users": by_role, "campaign": campaign, "person": people["head"], "decision": decision}


def expected_allowed(state: str, action: str, role: str, recognising_role: str) -> bool:
    rule = TRANSITIONS.get((state, action))
    if rule is None:
        return False
    capabilities = CAPABILITIES[role]
    if rule.actor == SUBJECT:
        return role == Role.CITIZEN or Capability.EDIT_REGISTRY in capabilities
    if rule.actor == Capability.RECOGNISE:
        return Capability.RECOGNISE in capabilities and role == recognising_role
    return rule.actor in capabilities


def assessment_in(state: str, cast) -> Assessment:
    criteria_set = cast["campaign"].criteria_sets.get()
    answers = {
        code: str(value) if not isinstance(value, bool) else value
        for code, value in full_answers(criteria_set, "9").items()
    }
    person = cast["person"]
    return Assessment.objects.create(
        campaign=cast["campaign"],
        title=Title.CITIZEN,
        subject_kind="person",
        person=person,
        unit=person.unit,
        criteria_set=criteria_set,
        subject_group="farmers",
        state=state,
        self_answers=answers,
        review_answers=answers,
        self_result={"achieved": True},
        review_result={"achieved": True},
        decision=cast["decision"] if state in (State.RECOGNISED, State.CERTIFIED) else None,
    )


@pytest.mark.parametrize(("state", "action"), list(itertools.product(State.values, Action.values)))
def test_cell(state, action, cast):
    for role, user in cast["users"].items():
        assessment = assessment_in(state, cast)
        allowed = expected_allowed(state, action, role, cast["campaign"].recognising_role)
        if Capability.VIEW not in CAPABILITIES[role]:
            # A role that cannot see the file (a report recipient) meets "not found", never a refusal
            # that would tell it the file exists.
            assert not allowed
            with pytest.raises(Http404):
                workflow.transition(
                    scope_of(user),
                    assessment,
                    action,
                    reason="Lý do kiểm thử",
                    revocation_reference="9/QĐ-UBND",
                    decision=cast["decision"],
                )
            Assessment.objects.filter(pk=assessment.pk).update(state=State.REVOKED)
            continue
        try:
            moved = workflow.transition(
                scope_of(user),
                assessment,
                action,
                reason="Lý do kiểm thử",
                revocation_reference="9/QĐ-UBND",
                decision=cast["decision"],
            )
        except workflow.TransitionRefused as refusal:
            assert not allowed, f"{state} × {action} × {role} refused: {refusal.text}"
            expected_code = "wrong_state" if (state, action) not in TRANSITIONS else "no_capability"
            assert refusal.code == expected_code, f"{state} × {action} × {role}: {refusal.code}"
        else:
            assert allowed, f"{state} × {action} × {role} was allowed"
            assert moved.state == TRANSITIONS[(state, action)].to
        Assessment.objects.filter(pk=assessment.pk).update(state=State.REVOKED)  # out of the way of the next cell


def test_the_matrix_covers_every_rule():
    """Every rule names a known actor, and every non-frozen state can be left."""
    from hoctap.assessments.states import FROZEN_STATES

    assert {rule.actor for rule in TRANSITIONS.values()} <= {SUBJECT, Capability.REVIEW, Capability.RECOGNISE}
    leavable = {state for state, _action in TRANSITIONS}
    assert set(State.values) - leavable == {State.REVOKED, State.NOT_RECOGNISED}
    assert FROZEN_STATES >= {State.REVOKED, State.NOT_RECOGNISED}

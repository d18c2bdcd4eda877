"""Separation of duties (issue 16 §1): nobody reviews, proposes, recognises or certifies a dossier
they submitted or reviewed, directly or through an account they created or whose role they granted;
which roles an officer may grant, and where, is data; an approver is granted by the level above.

The outside probe's chain: a commune officer created an approver account, used it to review, propose
and decide, and got a publicly valid signed certificate for a subject they had submitted.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from hoctap.accounts.models import ApiToken, RoleAssignment, User
from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.decisions import issue_certificates, issue_decision
from hoctap.assessments.models import Assessment
from hoctap.assessments.states import Action, State
from tests.assessments.conftest import full_answers, scope_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dai-2026-x"


def account_made_by(maker, username, role, unit):
    """An account as the account page makes it: created by `maker`, its role granted by `maker`."""
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username, created_by=maker)
    RoleAssignment.objects.create(
        user=user, role=role, unit=unit, valid_from=datetime.date(2020, 1, 1), granted_by=maker
    )
    return user


def submitted_by(officer, assessment):
    scope = scope_of(officer)
    assessment = workflow.transition(scope, assessment, Action.START_SELF_ASSESSMENT)
    return workflow.transition(scope, assessment, Action.SUBMIT, answers=full_answers(assessment.criteria_set))


def api_post(client, user, url, body):
    _, token = ApiToken.issue(user, "probe")
    return client.post(
        f"/api/v1{url}", data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


# -- granting roles -------------------------------------------------------------------------------


def test_a_commune_officer_can_no_longer_make_the_communes_approver_on_the_web(client, users, small_map):
    client.force_login(users["commune_officer"])
    refused = client.post(
        "/accounts/new/",
        {
            "username": "chu_tich_gia",
            "full_name": "Chủ tịch giả",
            "password": PASSWORD,
            "role": Role.COMMUNE_APPROVER,
            "unit": small_map["commune_a"].pk,
        },
    )
    assert refused.status_code == 200 and "role" in refused.context["form"].errors
    assert not User.objects.filter(username="chu_tich_gia").exists()

    client.force_login(users["province_officer"])
    made = client.post(
        "/accounts/new/",
        {
            "username": "chu_tich_that",
            "full_name": "Chủ tịch xã",
            "password": PASSWORD,
            "role": Role.COMMUNE_APPROVER,
            "unit": small_map["commune_a"].pk,
        },
    )
    assert made.status_code == 302
    approver = User.objects.get(username="chu_tich_that")
    assert approver.created_by == users["province_officer"]
    assert approver.assignments.get().granted_by == users["province_officer"]


def test_the_account_page_records_who_made_the_account(client, users, small_map):
    client.force_login(users["commune_officer"])
    client.post(
        "/accounts/new/",
        {
            "username": "can_bo_xa_2",
            "full_name": "Cán bộ xã 2",
            "password": PASSWORD,
            "role": Role.COMMUNE_OFFICER,
            "unit": small_map["commune_a"].pk,
        },
    )
    made = User.objects.get(username="can_bo_xa_2")
    assert made.created_by == users["commune_officer"]
    assert Scope(made).accountable_ids() == {made.pk, users["commune_officer"].pk}


# Who may grant which role where, written out (not derived from roles.GRANTS): "same" = at the unit
# of the granter's own assignment, "below" = a unit under it.
MAY_GRANT = {
    Role.COMMUNE_OFFICER: {
        (Role.CITIZEN, "same"),
        (Role.CITIZEN, "below"),
        (Role.VILLAGE_OFFICER, "below"),
        (Role.COMMUNE_OFFICER, "same"),
        (Role.VIEWER, "same"),
        # The commune's own bodies that receive its reports.
        (Role.PEOPLES_COMMITTEE, "same"),
        (Role.STEERING_COMMITTEE, "same"),
        (Role.PARTY_COMMITTEE, "same"),
    },
    Role.PROVINCE_OFFICER: {
        (Role.CITIZEN, "below"),
        (Role.VILLAGE_OFFICER, "below"),
        (Role.COMMUNE_OFFICER, "below"),
        (Role.COMMUNE_APPROVER, "below"),
        (Role.PROVINCE_OFFICER, "same"),
        (Role.VIEWER, "same"),
        (Role.VIEWER, "below"),
        (Role.PEOPLES_COMMITTEE, "same"),
        (Role.STEERING_COMMITTEE, "same"),
        (Role.PARTY_COMMITTEE, "same"),
        (Role.PEOPLES_COMMITTEE, "below"),
        (Role.STEERING_COMMITTEE, "below"),
        (Role.PARTY_COMMITTEE, "below"),
        (Role.EDUCATION_DEPARTMENT, "same"),  # the province's own department, at the province
    },
    Role.CENTRAL_ADMIN: {(role, where) for role in Role.values for where in ("same", "below")},
}


def test_the_matrix_of_who_may_grant_what_where(small_map):
    homes = {
        Role.COMMUNE_OFFICER: small_map["commune_a"],
        Role.PROVINCE_OFFICER: small_map["province"],
        Role.CENTRAL_ADMIN: small_map["nation"],
    }
    below = {
        "commune_a": [small_map["village_a"]],
        "province": [small_map["commune_a"], small_map["village_a"]],
        "nation": [small_map["province"], small_map["commune_a"], small_map["village_a"]],
    }
    checked = 0
    for granter_role in Role.values:
        home = homes.get(
            granter_role, small_map["commune_a"] if granter_role != Role.PROVINCE_APPROVER else small_map["province"]
        )
        if granter_role in (Role.VILLAGE_OFFICER, Role.CITIZEN):
            home = small_map["village_a"]
        scope = Scope(make_user(f"granter_{granter_role}", granter_role, home))
        allowed = MAY_GRANT.get(granter_role, set())
        key = next((k for k, unit in small_map.items() if unit == home), "")
        for role in Role.values:
            assert scope.may_grant(role, home) == ((role, "same") in allowed), (granter_role, role, "same")
            for unit in below.get(key, []):
                assert scope.may_grant(role, unit) == ((role, "below") in allowed), (granter_role, role, unit)
            if home.level in ("commune", "village"):  # never outside the granter's territory
                assert not scope.may_grant(role, small_map["commune_b"]), (granter_role, role)
            checked += 1
    assert checked == len(Role.values) ** 2
    # An approver is granted only from a level above the unit it signs for.
    assert not any(where == "same" for role, where in MAY_GRANT[Role.COMMUNE_OFFICER] if "approver" in role)


# -- the probe's chain ----------------------------------------------------------------------------


@pytest.fixture
def probe(family_assessment, users, small_map):
    """The probe's accounts: the commune officer submits; "their" approver was created by them and
    given its role by them (possible before the fix, so kept as existing data); a second commune
    officer they made; and independent people made by the province."""
    officer = users["commune_officer"]
    own_approver = account_made_by(officer, "chu_tich_cua_toi", Role.COMMUNE_APPROVER, small_map["commune_a"])
    own_officer = account_made_by(officer, "can_bo_cua_toi", Role.COMMUNE_OFFICER, small_map["commune_a"])
    province = users["province_officer"]
    real_approver = account_made_by(province, "chu_tich_that", Role.COMMUNE_APPROVER, small_map["commune_a"])
    other_officer = account_made_by(province, "can_bo_khac", Role.COMMUNE_OFFICER, small_map["commune_a"])
    # An account made by the officer's own account: the tie is followed transitively.
    grandchild = account_made_by(own_officer, "can_bo_chau", Role.COMMUNE_OFFICER, small_map["commune_a"])
    assessment = submitted_by(officer, family_assessment)
    return {
        "assessment": assessment,
        "officer": officer,
        "own_approver": own_approver,
        "own_officer": own_officer,
        "grandchild": grandchild,
        "real_approver": real_approver,
        "other_officer": other_officer,
        "province_officer": province,
    }


def test_the_probes_approver_cannot_review_on_the_web_or_the_api(client, probe):
    assessment = probe["assessment"]
    client.force_login(probe["own_approver"])
    page = client.post(
        f"/assessments/{assessment.pk}/transition/",
        {"action": Action.START_REVIEW, "expected_version": assessment.version},
        follow=True,
    )
    assert "kể cả qua tài khoản do mình tạo hay phân quyền" in page.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED
    detail = client.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert detail["allowed_actions"] == []

    for account in ("own_approver", "own_officer", "grandchild", "officer"):
        refused = api_post(
            client, probe[account], f"/assessments/{assessment.pk}/transitions", {"action": Action.START_REVIEW}
        )
        assert refused.status_code == 403 and refused.json()["code"] == "own_assessment", account
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED


def test_the_probes_approver_cannot_decide_after_an_independent_review(client, probe):
    assessment = probe["assessment"]
    reviewer = scope_of(probe["other_officer"])
    assessment = workflow.transition(reviewer, assessment, Action.START_REVIEW)
    assessment = workflow.transition(reviewer, assessment, Action.PROPOSE)
    refused = api_post(
        client,
        probe["own_approver"],
        "/decisions/",
        {
            "campaign_id": assessment.campaign_id,
            "issuer_id": assessment.unit.parent_id,
            "issued_on": "2025-12-20",
            "signer_name": "Chủ tịch giả",
            "assessment_ids": [assessment.pk],
        },
    )
    assert refused.status_code == 403 and refused.json()["code"] == "own_assessment"
    assert Assessment.objects.get(pk=assessment.pk).state == State.PROPOSED
    # The independent approver can: the rule does not block the honest path.
    made = api_post(
        client,
        probe["real_approver"],
        "/decisions/",
        {
            "campaign_id": assessment.campaign_id,
            "issuer_id": assessment.unit.parent_id,
            "issued_on": "2025-12-20",
            "signer_name": "Chủ tịch xã",
            "assessment_ids": [assessment.pk],
        },
    )
    assert made.status_code == 201, made.content
    assert Assessment.objects.get(pk=assessment.pk).state == State.RECOGNISED


def test_a_reviewer_does_not_decide_what_they_reviewed(probe):
    """The real approver holds the review capability too; having reviewed, they may not recognise."""
    assessment = probe["assessment"]
    approver = scope_of(probe["real_approver"])
    assessment = workflow.transition(approver, assessment, Action.START_REVIEW)
    assessment = workflow.transition(approver, assessment, Action.PROPOSE)
    with pytest.raises(workflow.TransitionRefused) as refused:
        issue_decision(
            approver,
            assessment.campaign,
            [assessment],
            issuer=assessment.unit.parent,
            issued_on=datetime.date(2025, 12, 20),
            signer_name="Chủ tịch xã",
        )
    assert refused.value.code == "own_assessment"
    assert Action.RECOGNISE not in workflow.allowed_actions(approver, Assessment.objects.get(pk=assessment.pk))


ACTORS = ("officer", "own_approver", "own_officer", "grandchild", "real_approver", "other_officer", "province_officer")
BEHIND_THE_SUBMITTER = {"officer", "own_approver", "own_officer", "grandchild"}


def _attempt(step, actor, assessment_pk):
    """Try one step as `actor`; True if it went through (the caller's savepoint keeps it or not)."""
    scope = Scope(actor)
    assessment = Assessment.objects.get(pk=assessment_pk)
    try:
        if step == Action.RECOGNISE:
            issue_decision(
                scope,
                assessment.campaign,
                [assessment],
                issuer=assessment.unit.parent,
                issued_on=datetime.date(2025, 12, 20),
                signer_name=actor.full_name,
            )
        elif step == Action.ISSUE_CERTIFICATE:
            issue_certificates(scope, assessment.decision)
        else:
            workflow.transition(scope, assessment, step)
    except (ValidationError, Http404):
        return False
    return (
        Assessment.objects.get(pk=assessment_pk).state
        == {
            Action.START_REVIEW: State.UNDER_REVIEW,
            Action.PROPOSE: State.PROPOSED,
            Action.RECOGNISE: State.RECOGNISED,
            Action.ISSUE_CERTIFICATE: State.CERTIFIED,
        }[step]
    )


def test_no_path_leads_to_a_self_certified_dossier(probe):
    """Every sequence of actors over review, proposal, recognition and certificate, each tried in a
    savepoint: every certified path is independent of the submitter, and deciders never reviewed."""
    steps = (Action.START_REVIEW, Action.PROPOSE, Action.RECOGNISE, Action.ISSUE_CERTIFICATE)
    pk = probe["assessment"].pk
    certified_paths = []

    def walk(done):
        if len(done) == len(steps):
            certified_paths.append(done)
            return
        for name in ACTORS:
            with transaction.atomic():
                if _attempt(steps[len(done)], probe[name], pk):
                    walk(done + (name,))
                transaction.set_rollback(True)

    walk(())
    assert certified_paths, "the honest path must stay open"
    for reviewer, proposer, recogniser, certifier in certified_paths:
        assert not {reviewer, proposer, recogniser, certifier} & BEHIND_THE_SUBMITTER
        assert recogniser not in {reviewer, proposer} and certifier not in {reviewer, proposer}
    assert ("other_officer", "other_officer", "real_approver", "real_approver") in certified_paths
    assert Assessment.objects.get(pk=pk).state == State.SUBMITTED

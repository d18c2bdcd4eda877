"""Recognised assessments made through the real workflow (register, submit, review, propose,
recognise by decision), so the statistics app's counters move exactly as they do in use.

Learning citizens are used because their criteria set reads no dependency facts: full marks
always achieve the title.
"""

from __future__ import annotations

import datetime
import itertools

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import campaign_for, create_campaign
from hoctap.assessments.decisions import issue_decision
from hoctap.assessments.states import Action
from hoctap.criteria.shipped import publish_shipped_sets
from hoctap.criteria.titles import Title
from hoctap.registry.models import OccupationGroup, Person, Sex
from tests.conftest import make_user

_names = itertools.count(1)


def campaign(year: int = 2025):
    publish_shipped_sets(log=lambda *args: None)
    return campaign_for(Title.CITIZEN, year, None) or create_campaign(Title.CITIZEN, year)


def full_marks(definition) -> dict:
    return {i.code: True if i.kind == "pass_fail" else format(i.max_points, "f") for i in definition.indicators}


def approver_for(commune):
    username = f"approver_{commune.code}"
    from hoctap.accounts.models import User

    return User.objects.filter(username=username).first() or make_user(username, Role.COMMUNE_APPROVER, commune)


def reviewer_for(commune):
    """A commune officer who reviews: the approver who decides may not have reviewed (separation of
    duties), and the officer who submits may not review."""
    username = f"reviewer_{commune.code}"
    from hoctap.accounts.models import User

    return User.objects.filter(username=username).first() or make_user(username, Role.COMMUNE_OFFICER, commune)


def registered_citizen(officer, village, year: int = 2025, name: str | None = None):
    person = Person.objects.create(
        full_name=name or f"Nguyễn Văn Mẫu {next(_names)}",
        sex=Sex.MALE,
        birth_year=1980,
        unit=village,
        occupation_group=OccupationGroup.FARMER,
    )
    return workflow.register(Scope(officer), Title.CITIZEN, person, year)


def recognised_citizens(officer, village, count: int, year: int = 2025):
    """`count` learning citizens of `village`, recognised by the commune chairman under one decision."""
    campaign(year)
    commune = village.parent
    approver = approver_for(commune)
    officer_scope, approver_scope, reviewer_scope = Scope(officer), Scope(approver), Scope(reviewer_for(commune))
    proposed = []
    for _ in range(count):
        assessment = registered_citizen(officer, village, year)
        answers = full_marks(assessment.criteria_set.definition)
        assessment = workflow.transition(officer_scope, assessment, Action.START_SELF_ASSESSMENT)
        assessment = workflow.transition(officer_scope, assessment, Action.SUBMIT, answers=answers)
        assessment = workflow.transition(reviewer_scope, assessment, Action.START_REVIEW)
        proposed.append(workflow.transition(reviewer_scope, assessment, Action.PROPOSE, answers=answers))
    if proposed:
        issue_decision(
            approver_scope,
            proposed[0].campaign,
            proposed,
            issuer=commune,
            issued_on=datetime.date(year, 11, 10),
            signer_name="Phạm Văn Đức",
        )
    return [type(a).objects.get(pk=a.pk) for a in proposed]

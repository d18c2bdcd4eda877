"""The digital-skills indicator counts a learning citizen whom the registry or the assessment says has
digital skills (issue 14: the demo showed 0 of 8 recognised citizens with digital skills although
they scored 10/10 on that indicator). The live counters, the recount (`stats verify`) and the report
table agree."""

import datetime

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.decisions import issue_decision
from hoctap.assessments.states import Action
from hoctap.criteria.titles import Title
from hoctap.registry.models import DigitalSkill, Person
from hoctap.stats import digital, recompute
from hoctap.stats import figures as stats_figures
from hoctap.stats.indicators import Indicator
from hoctap.stats.models import CitizenTally
from tests.reports import builders

pytestmark = pytest.mark.django_db
YEAR = 2025


def recognise(officer, village, scores_and_skills):
    """Learning citizens of `village` recognised under one decision, each with full marks except
    the digital-skills indicator CS5, and with the registry's digital skill as given."""
    builders.campaign(YEAR)
    commune = village.parent
    officer_scope, reviewer_scope = Scope(officer), Scope(builders.reviewer_for(commune))
    proposed = []
    for cs5, skill in scores_and_skills:
        assessment = builders.registered_citizen(officer, village, YEAR)
        Person.objects.filter(pk=assessment.person_id).update(digital_skill=skill)
        answers = {**builders.full_marks(assessment.criteria_set.definition), "CS5": cs5}
        assessment = workflow.transition(officer_scope, assessment, Action.START_SELF_ASSESSMENT)
        assessment = workflow.transition(officer_scope, assessment, Action.SUBMIT, answers=answers)
        assessment = workflow.transition(reviewer_scope, assessment, Action.START_REVIEW)
        proposed.append(workflow.transition(reviewer_scope, assessment, Action.PROPOSE, answers=answers))
    issue_decision(
        Scope(builders.approver_for(commune)),
        proposed[0].campaign,
        proposed,
        issuer=commune,
        issued_on=datetime.date(YEAR, 11, 10),
        signer_name="Phạm Văn Đức",
    )
    return [type(a).objects.get(pk=a.pk) for a in proposed]


def counts(unit):
    row = CitizenTally.objects.get(unit=unit, year=YEAR)
    return row.citizens, row.citizens_digital, row.citizens_proficient


def assert_verified():
    report = recompute.verify()
    assert report.ok, "\n".join(map(str, report.differences))


def test_the_set_names_its_digital_skills_indicator_and_mark(small_map):
    version = builders.campaign(YEAR).criteria_sets.get(title=Title.CITIZEN)
    assert digital.rule_of_set(version.pk) == ("CS5", 8)
    assert "8/10" in " ".join(gap.text_vi for gap in version.definition.gaps)  # visibly provisional


def test_registry_or_assessment_counts(small_map, officer_a):
    village, commune = small_map["village_a"], small_map["commune_a"]
    scored = recognise(
        officer_a,
        village,
        [
            ("10", DigitalSkill.NONE),  # the demo's case: the assessment says so, the registry not
            ("8", DigitalSkill.NONE),  # at the mark
            ("7", DigitalSkill.NONE),  # under it
            ("6", DigitalSkill.BASIC),  # the registry says so
            ("10", DigitalSkill.PROFICIENT),  # both; proficient is the registry's word
        ],
    )
    assert [digital.assessment_shows(a) for a in scored] == [True, True, False, False, True]
    assert counts(village) == counts(commune) == (5, 4, 1)
    assert_verified()
    # The registry changes afterwards: the rule is applied again, incrementally.
    person = Person.objects.get(pk=scored[2].person_id)
    person.digital_skill = DigitalSkill.BASIC
    person.save()
    assert counts(village) == (5, 5, 1)
    person = Person.objects.get(pk=scored[0].person_id)
    person.digital_skill = DigitalSkill.BASIC
    person.save()
    assert counts(village) == (5, 5, 1)  # counted once whatever says so
    assert_verified()
    # The dashboard's indicator reads the same counters, up the hierarchy.
    value = stats_figures.figures(small_map["province"], [YEAR]).value(Indicator.CITIZENS_DIGITAL, YEAR)
    assert (value.numerator, value.denominator) == (5, 5)


def test_revoking_the_recognition_takes_the_citizen_out(small_map, officer_a):
    village = small_map["village_a"]
    scored = recognise(officer_a, village, [("10", DigitalSkill.NONE), ("10", DigitalSkill.NONE)])
    assert counts(village) == (2, 2, 0)
    approver = builders.approver_for(small_map["commune_a"])
    workflow.transition(
        Scope(approver), scored[0], Action.REVOKE, reason="Hồ sơ không trung thực.", revocation_reference="3/QĐ-UBND"
    )
    assert counts(village) == (1, 1, 0)
    assert_verified()

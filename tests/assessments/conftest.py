"""Fixtures for the yearly cycle: the shipped criteria sets published, national campaigns, a few
registry subjects in commune A, and one user per role."""

import datetime

import pytest

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import create_campaign
from hoctap.criteria.shipped import publish_shipped_sets
from hoctap.criteria.titles import Title
from hoctap.registry.models import ClanBranch, Household, OccupationGroup, Organisation, Person, Sex
from tests.conftest import make_user, use_private_files

YEAR = 2025


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, file_storage):
    """Each test stores evidence in its own directory (or its own part of the bucket)."""
    use_private_files(settings, tmp_path, file_storage)


@pytest.fixture
def published(db):
    return {version.title: version for version in publish_shipped_sets(log=lambda _message: None)}


@pytest.fixture
def campaigns(published):
    """The national default campaign of YEAR for every title."""
    return {title: create_campaign(title, YEAR) for title in Title.values}


@pytest.fixture
def people(small_map):
    village = small_map["village_a"]
    household = Household.objects.create(code="H001", village=village)
    head = Person.objects.create(
        full_name="Nguyễn Văn An",
        sex=Sex.MALE,
        birth_year=1980,
        household=household,
        occupation_group=OccupationGroup.FARMER,
    )
    spouse = Person.objects.create(
        full_name="Trần Thị Bình",
        sex=Sex.FEMALE,
        birth_year=1982,
        household=household,
        occupation_group=OccupationGroup.WORKER,
    )
    household.head = head
    household.save()
    neighbour = Household.objects.create(code="H002", village=village)
    neighbour_head = Person.objects.create(full_name="Lê Văn Cường", sex=Sex.MALE, birth_year=1975, household=neighbour)
    neighbour.head = neighbour_head
    neighbour.save()
    clan = ClanBranch.objects.create(name="Họ Nguyễn", branch="Chi 2", commune=small_map["commune_a"])
    organisation = Organisation.objects.create(
        name="Trường Tiểu học An Lạc", kind="school", unit=small_map["commune_a"]
    )
    household_b = Household.objects.create(code="HB01", village=small_map["village_b"])
    person_b = Person.objects.create(full_name="Phạm Văn Đông", sex=Sex.MALE, birth_year=1990, household=household_b)
    household_b.head = person_b
    household_b.save()
    return {
        "household": household,
        "head": head,
        "spouse": spouse,
        "neighbour": neighbour,
        "clan": clan,
        "organisation": organisation,
        "household_b": household_b,
        "person_b": person_b,
    }


@pytest.fixture
def users(small_map):
    commune, village = small_map["commune_a"], small_map["village_a"]
    return {
        "village_officer": make_user("village_officer_a", Role.VILLAGE_OFFICER, village),
        "commune_officer": make_user("commune_officer_a", Role.COMMUNE_OFFICER, commune),
        "commune_approver": make_user("commune_approver_a", Role.COMMUNE_APPROVER, commune),
        "province_officer": make_user("province_officer_x", Role.PROVINCE_OFFICER, small_map["province"]),
        "province_approver": make_user("province_approver_x", Role.PROVINCE_APPROVER, small_map["province"]),
        "central_admin": make_user("central_admin_x", Role.CENTRAL_ADMIN, small_map["nation"]),
        "viewer": make_user("viewer_x", Role.VIEWER, small_map["province"]),
    }


def full_answers(criteria_set, points="9"):
    """An answer for every indicator: `points` each, or pass for pass/fail indicators."""
    return {
        indicator.code: True if indicator.kind == "pass_fail" else min(points, str(indicator.max_points), key=float)
        for indicator in criteria_set.definition.indicators
    }


def scope_of(user):
    return Scope(user)


@pytest.fixture
def head_is_citizen(campaigns, people, users):
    """The household head holds the citizen title: half its adults, enough for the family set's
    dependency on adults_citizen_share."""
    citizen = workflow.register(scope_of(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    recognise(walk_to_proposed(citizen, users), users)
    citizen.refresh_from_db()
    return citizen


@pytest.fixture
def family_assessment(head_is_citizen, people, users):
    return workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["household"], YEAR)


def walk_to_proposed(assessment, users, answers=None):
    """Self-assess and submit as the village officer, then review and propose as the commune officer."""
    answers = answers or full_answers(assessment.criteria_set, "9")
    village, commune = scope_of(users["village_officer"]), scope_of(users["commune_officer"])
    assessment = workflow.transition(village, assessment, "start")
    assessment = workflow.transition(village, assessment, "submit", answers=answers)
    assessment = workflow.transition(commune, assessment, "start_review")
    return workflow.transition(commune, assessment, "propose")


def recognise(assessment, users, issued_on=datetime.date(2025, 12, 20)):
    from hoctap.assessments.decisions import issue_decision

    approver = scope_of(users["commune_approver"])
    decision = issue_decision(
        approver,
        assessment.campaign,
        [assessment],
        issuer=assessment.unit.parent if assessment.unit.level == "village" else assessment.unit,
        issued_on=issued_on,
        signer_name="Phạm Văn Đức",
    )
    assessment.refresh_from_db()
    return decision

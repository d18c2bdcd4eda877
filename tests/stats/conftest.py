"""Helpers for the statistics tests: registry subjects, campaigns, and state changes made either
through the real workflow or exactly as the signal contract says (row saved, then
`assessment_transitioned` sent inside the same transaction)."""

import datetime

import pytest
from django.db import transaction

from hoctap.assessments.models import Assessment, Campaign, SubjectKind
from hoctap.assessments.signals import assessment_transitioned
from hoctap.assessments.states import State
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.registry.models import ClanBranch, Household, Organisation, Person
from hoctap.territory.models import Era

SUBJECT_FIELD = {
    Title.FAMILY: ("household", SubjectKind.HOUSEHOLD),
    Title.CLAN: ("clan_branch", SubjectKind.CLAN_BRANCH),
    Title.COMMUNITY: ("community", SubjectKind.VILLAGE),
    Title.COMMUNE_COMMUNITY: ("community", SubjectKind.COMMUNE),
    Title.UNIT: ("organisation", SubjectKind.ORGANISATION),
    Title.CITIZEN: ("person", SubjectKind.PERSON),
}
MULTI_YEAR = {Title.UNIT, Title.COMMUNE_COMMUNITY}
# A path through the states, as the workflow walks it.
PATH = [State.REGISTERED, State.SELF_ASSESSING, State.SUBMITTED, State.UNDER_REVIEW, State.PROPOSED, State.RECOGNISED]


class Maker:
    def __init__(self):
        self.sets = {}
        self.campaigns = {}
        self.counter = 0

    def criteria_set(self, title):
        if title not in self.sets:
            self.sets[title] = CriteriaSetVersion.objects.create(
                code=f"test-{title}",
                version=1,
                title=title,
                status="official",
                name_vi=title,
                name_en=title,
                effective_from=datetime.date(2020, 1, 1),
                source_yaml="",
                fingerprint="-",
            )
        return self.sets[title]

    def campaign(self, title, year):
        key = (title, year)
        if key not in self.campaigns:
            self.campaigns[key] = Campaign.objects.create(
                year=year,
                title=title,
                registration_opens=datetime.date(year, 1, 1),
                registration_closes=datetime.date(year, 3, 31),
                self_assessment_deadline=datetime.date(year, 11, 30),
                review_deadline=datetime.date(year, 12, 15),
                recognition_deadline=datetime.date(year, 12, 31),
                # as TT 24/25: learning units and commune learning communities hold for 3 years
                validity_years=3 if title in MULTI_YEAR else 1,
            )
        return self.campaigns[key]

    # -- registry ---------------------------------------------------------------------------
    def household(self, village, clan=None):
        self.counter += 1
        return Household.objects.create(code=f"H{self.counter:05d}", village=village, clan_branch=clan)

    def person(self, household=None, *, unit=None, birth_year=1980, skill="none", employer=None, name="Nguyễn Văn An"):
        return Person.objects.create(
            full_name=name,
            sex="male",
            birth_year=birth_year,
            household=household,
            unit=unit,
            digital_skill=skill,
            employer=employer,
        )

    def clan(self, commune, name="Họ Nguyễn"):
        self.counter += 1
        return ClanBranch.objects.create(name=name, branch=f"Chi {self.counter}", commune=commune)

    def organisation(self, unit, name=None):
        self.counter += 1
        return Organisation.objects.create(name=name or f"Trường {self.counter}", kind="school", unit=unit)

    # -- assessments ------------------------------------------------------------------------
    def register(self, title, subject, year, *, unit=None, recorded_unit="auto", replaces=None):
        field, kind = SUBJECT_FIELD[title]
        if unit is None:
            unit = {
                Title.FAMILY: lambda s: s.village,
                Title.CLAN: lambda s: s.commune,
                Title.COMMUNITY: lambda s: s,
                Title.COMMUNE_COMMUNITY: lambda s: s,
                Title.UNIT: lambda s: s.unit,
                Title.CITIZEN: lambda s: s.unit,
            }[title](subject)
        if recorded_unit == "auto":
            recorded_unit = unit if year >= 2025 else None
        with transaction.atomic():
            campaign = self.campaign(title, year)
            assessment = Assessment.objects.create(
                campaign=campaign,
                validity_years=campaign.validity_years,
                title=title,
                subject_kind=kind,
                unit=unit,
                recorded_unit=recorded_unit,
                criteria_set=self.criteria_set(title),
                replaces=replaces,
                **{field: subject},
            )
            assessment_transitioned.send(
                sender=Assessment,
                assessment=assessment,
                from_state=None,
                to_state=assessment.state,
                action="register",
                actor=None,
            )
        return assessment

    def move(self, assessment, to_state, classification=None):
        with transaction.atomic():
            assessment = (
                Assessment.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=assessment.pk)
            )
            from_state = assessment.state
            assessment.state = to_state
            if classification is not None:
                assessment.classification = classification
            assessment.save()
            assessment_transitioned.send(
                sender=Assessment,
                assessment=assessment,
                from_state=from_state,
                to_state=to_state,
                action="test",
                actor=None,
            )
        return assessment

    def recognise(self, assessment, classification="good"):
        for state in PATH[PATH.index(assessment.state) + 1 :]:
            assessment = self.move(assessment, state, classification if state == State.PROPOSED else None)
        return assessment


@pytest.fixture
def make(db):
    return Maker()


def current_units(small_map):
    return {k: v for k, v in small_map.items() if v.era == Era.CURRENT}

"""Randomised: whatever sequence of registrations, decisions, revocations, replacements, subject
moves and registry edits happens, the live counters equal a recount from the raw records."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hoctap.assessments.models import Assessment
from hoctap.assessments.states import TRANSITIONS, State
from hoctap.criteria.titles import Title
from hoctap.stats import recompute
from hoctap.territory.models import Level
from tests.conftest import make_unit
from tests.stats.conftest import Maker

YEARS = [2024, 2025, 2026]
TITLES = [Title.FAMILY, Title.CLAN, Title.COMMUNITY, Title.COMMUNE_COMMUNITY, Title.UNIT, Title.CITIZEN]


def build_machine(small_map):
    class TallyMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.make = Maker()
            m = small_map
            self.extra_village = make_unit(Level.VILLAGE, "12001-002", "Thôn Bắc", m["commune_a"], division_type="Thôn")
            self.villages = [m["village_a"], m["village_b"], self.extra_village]
            self.communes = [m["commune_a"], m["commune_b"]]
            self.clans = [self.make.clan(m["commune_a"]), self.make.clan(m["commune_b"])]
            self.orgs = [self.make.organisation(m["commune_a"]), self.make.organisation(m["village_b"])]
            self.households = [
                self.make.household(m["village_a"], clan=self.clans[0]),
                self.make.household(self.extra_village),
                self.make.household(m["village_b"], clan=self.clans[1]),
            ]
            self.people = []
            for index, household in enumerate(self.households):
                for birth_year in (1950, 1985, 2012):
                    self.people.append(
                        self.make.person(
                            household,
                            birth_year=birth_year,
                            skill=["none", "basic", "proficient"][index],
                            employer=self.orgs[index % 2] if birth_year == 1985 else None,
                        )
                    )
            self.assessments = []

        def teardown(self):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

        def subject(self, title, index):
            return {
                Title.FAMILY: self.households,
                Title.CLAN: self.clans,
                Title.COMMUNITY: self.villages,
                Title.COMMUNE_COMMUNITY: self.communes,
                Title.UNIT: self.orgs,
                Title.CITIZEN: self.people,
            }[title][
                index
                % {
                    Title.FAMILY: 3,
                    Title.CLAN: 2,
                    Title.COMMUNITY: 3,
                    Title.COMMUNE_COMMUNITY: 2,
                    Title.UNIT: 2,
                    Title.CITIZEN: 9,
                }[title]
            ]

        @rule(title=st.sampled_from(TITLES), index=st.integers(0, 8), year=st.sampled_from(YEARS))
        def register(self, title, index, year):
            subject = self.subject(title, index)
            subject.refresh_from_db()
            field = {
                Title.FAMILY: "household",
                Title.CLAN: "clan_branch",
                Title.COMMUNITY: "community",
                Title.COMMUNE_COMMUNITY: "community",
                Title.UNIT: "organisation",
                Title.CITIZEN: "person",
            }[title]
            live = Assessment.objects.filter(**{field: subject}, campaign__year=year, title=title).exclude(
                state=State.REVOKED
            )
            if live.exists():
                return
            recorded = "auto"
            if year < 2025:
                recorded = small_map["old_commune_b"] if self.where(title, subject) == small_map["commune_b"] else None
            self.assessments.append(self.make.register(title, subject, year, recorded_unit=recorded))

        def where(self, title, subject):
            unit = {
                Title.FAMILY: lambda s: s.village,
                Title.CLAN: lambda s: s.commune,
                Title.COMMUNITY: lambda s: s,
                Title.COMMUNE_COMMUNITY: lambda s: s,
                Title.UNIT: lambda s: s.unit,
                Title.CITIZEN: lambda s: s.unit,
            }[title](subject)
            return unit if unit.level == Level.COMMUNE else unit.parent

        @precondition(lambda self: self.assessments)
        @rule(data=st.data())
        def act(self, data):
            assessment = data.draw(st.sampled_from(self.assessments))
            assessment.refresh_from_db()
            moves = sorted({rule.to for (state, _), rule in TRANSITIONS.items() if state == assessment.state})
            if not moves:
                return
            to = data.draw(st.sampled_from(moves))
            cls = data.draw(st.sampled_from(["good", "fair", "level_1"])) if to == State.PROPOSED else None
            self.make.move(assessment, to, cls)

        @precondition(lambda self: self.assessments)
        @rule(data=st.data())
        def recognise(self, data):
            """The usual path, all the way: self-assessment, review, proposal, recognition."""
            assessment = data.draw(st.sampled_from(self.assessments))
            assessment.refresh_from_db()
            if assessment.state in (
                State.REGISTERED,
                State.SELF_ASSESSING,
                State.SUBMITTED,
                State.UNDER_REVIEW,
                State.PROPOSED,
            ):
                self.make.recognise(assessment, data.draw(st.sampled_from(["good", "fair", "level_1"])))

        @precondition(lambda self: self.assessments)
        @rule(data=st.data())
        def revoke_and_replace(self, data):
            held = [
                a
                for a in self.assessments
                if Assessment.objects.get(pk=a.pk).state in (State.RECOGNISED, State.CERTIFIED)
            ]
            if not held:
                return
            assessment = data.draw(st.sampled_from(held))
            self.make.move(assessment, State.REVOKED)
            if data.draw(st.booleans()):
                a = Assessment.objects.get(pk=assessment.pk)
                with transaction.atomic():
                    self.assessments.append(
                        self.make.register(
                            a.title, a.subject, a.campaign.year, unit=a.unit, recorded_unit=a.recorded_unit, replaces=a
                        )
                    )

        @rule(h=st.integers(0, 2), v=st.integers(0, 2))
        def move_household(self, h, v):
            household = self.households[h]
            household.refresh_from_db()
            village = self.villages[v]
            if household.village_id == village.pk:
                return
            clash = type(household).objects.filter(commune_id=village.parent_id, code_folded=household.code_folded)
            if clash.exclude(pk=household.pk).exists():
                return
            with transaction.atomic():
                household.village = village
                if household.clan_branch_id and household.clan_branch.commune_id != village.parent_id:
                    household.clan_branch = None
                household.save()
                for person in household.members.all():
                    person.save()  # the registry re-derives the person's place from the household

        @rule(p=st.integers(0, 8), h=st.integers(0, 2))
        def move_person(self, p, h):
            person = self.people[p]
            person.refresh_from_db()
            person.household = self.households[h]
            person.save()

        @rule(
            p=st.integers(0, 8),
            skill=st.sampled_from(["none", "basic", "proficient"]),
            employer=st.sampled_from([None, 0, 1]),
        )
        def edit_person(self, p, skill, employer):
            person = self.people[p]
            person.refresh_from_db()
            person.digital_skill = skill
            person.employer = None if employer is None else self.orgs[employer]
            person.save()

        @rule(h=st.integers(0, 2), c=st.sampled_from([None, 0, 1]))
        def change_clan(self, h, c):
            household = self.households[h]
            household.refresh_from_db()
            clan = None if c is None else self.clans[c]
            if clan is not None and clan.commune_id != household.village.parent_id:
                return
            household.clan_branch = clan
            household.save()

        @rule(o=st.integers(0, 1), where=st.integers(0, 4))
        def move_organisation(self, o, where):
            org = self.orgs[o]
            org.refresh_from_db()
            unit = (self.villages + self.communes)[where]
            commune = unit if unit.level == Level.COMMUNE else unit.parent
            if type(org).objects.filter(commune=commune, name_folded=org.name_folded).exclude(pk=org.pk).exists():
                return
            org.unit = unit
            org.save()

        @rule(p=st.integers(0, 8))
        def add_person(self, p):
            self.people.append(self.make.person(self.households[p % 3], birth_year=1970 + p, skill="basic"))

        @invariant()
        def counters_equal_a_recount(self):
            report = recompute.verify()
            assert report.ok, "\n".join(map(str, report.differences[:20]))

    return TallyMachine


@pytest.mark.django_db
def test_counters_equal_a_recount_after_any_sequence(small_map):
    machine = build_machine(small_map)
    machine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine.TestCase().runTest()

"""The learning-citizen indicators of 387/677, kept incrementally.

A change touches a known, small set of people: a household's members when the household's
learning-family title changes, a clan branch's members, a village's residents, an organisation's
staff, one person. For those people the contributions to the indicators are computed twice,
in the world as it is now (read from the database) and in the world as it was just before the
change (the same data with the change undone in memory); the difference is added to the rows of
their village and commune.

Two changes that touch the same people (a household recognised while one of its members is
recognised as a learning citizen) must not both compute "before" without the other: each first
takes the lock row of every commune involved (CitizenTally with year 0, in id order) and only then
reads, so the second reads after the first has committed (READ COMMITTED reads anew per statement).
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict

from django.db.models import Q

from hoctap.assessments.models import Assessment
from hoctap.assessments.states import HOLDING_STATES
from hoctap.criteria import validity as validity_rule
from hoctap.criteria.titles import Title
from hoctap.registry.models import WORKING_AGE_MAX, WORKING_AGE_MIN, DigitalSkill, Person

from . import digital
from .models import CitizenTally
from .tallies import Batch, UnitInfo, _upsert

CITIZEN_TITLES = {Title.FAMILY, Title.CLAN, Title.COMMUNITY, Title.UNIT, Title.CITIZEN}
SUBJECT_FIELD = {
    Title.FAMILY: "household_id",
    Title.CLAN: "clan_branch_id",
    Title.COMMUNITY: "community_id",
    Title.UNIT: "organisation_id",
    Title.CITIZEN: "person_id",
}
N = len(CitizenTally.COUNTS)
LOCK_YEAR = 0
# In World.holding beside the titles: (DIGITAL, year, person id) counts the person's learning-citizen
# recognitions holding that year whose digital-skills indicator reached its mark (digital.py).
DIGITAL = "citizen_digital"


class World:
    """The facts the indicators read, for a set of people: their attributes and the titles held."""

    def __init__(self, persons: dict[int, dict], holding: Counter):
        self.persons = persons
        # (title, year, subject id) → how many recognitions make the subject hold the title that
        # year (a multi-year recognition holds in each year of its validity; two may overlap)
        self.holding = holding

    def copy(self) -> World:
        return World(copy.deepcopy(self.persons), Counter(self.holding))

    def years(self) -> set[int]:
        return {year for _, year, _ in self.holding}


PERSON_FIELDS = (
    "id",
    "unit_id",
    "birth_year",
    "digital_skill",
    "household_id",
    "household__clan_branch_id",
    "employer_id",
    "employer__unit_id",
)


def person_state(row: dict) -> dict:
    """What the citizen indicators need of a person, from a row of `PERSON_FIELDS` (the counters
    keep it before and after a change, the recount for everyone)."""
    return {
        "unit_id": row["unit_id"],
        "birth_year": row["birth_year"],
        "digital_skill": row["digital_skill"],
        "household_id": row["household_id"],
        "clan_branch_id": row["household__clan_branch_id"],
        "employer_id": row["employer_id"],
        "employer_unit_id": row["employer__unit_id"],
    }


def load_world(person_filter: Q) -> World:
    persons = {row["id"]: person_state(row) for row in Person.objects.filter(person_filter).values(*PERSON_FIELDS)}
    return World(persons, load_holding(persons.values(), persons.keys()))


def load_holding(persons, person_ids) -> Counter:
    persons = list(persons)
    wanted = {
        Title.FAMILY: {p["household_id"] for p in persons} - {None},
        Title.CLAN: {p["clan_branch_id"] for p in persons} - {None},
        Title.COMMUNITY: {p["unit_id"] for p in persons} - {None},
        Title.UNIT: {p["employer_id"] for p in persons} - {None},
        Title.CITIZEN: set(person_ids),
    }
    condition = Q(pk__in=[])
    for title, ids in wanted.items():
        if ids:
            condition |= Q(title=title, **{f"{SUBJECT_FIELD[title]}__in": ids})
    rows = Assessment.objects.filter(condition, state__in=HOLDING_STATES).values_list(
        "title",
        "campaign__year",
        "validity_years",
        "criteria_set_id",
        "review_answers",
        "self_answers",
        *SUBJECT_FIELD.values(),
    )
    holding = Counter()
    rows = list(rows)
    rules = digital.rules_of_sets(row[3] for row in rows if row[0] == Title.CITIZEN)
    for title, year, validity, set_id, review_answers, self_answers, *subjects in rows:
        subject = subjects[list(SUBJECT_FIELD).index(title)]
        shows_digital = title == Title.CITIZEN and digital.answers_show(rules.get(set_id), review_answers, self_answers)
        for held_year in validity_rule.held_years(year, validity):
            holding[(title, held_year, subject)] += 1
            if shows_digital:
                holding[(DIGITAL, held_year, subject)] += 1
    return holding


def contributions(world: World, units: UnitInfo, years) -> dict[tuple[int, int], list[int]]:
    """{(leaf unit id, year): counts} — leaf = the village (or commune) the count belongs to."""
    out: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * N)
    held = world.holding
    for person_id, p in world.persons.items():
        for year in years:
            citizen = (Title.CITIZEN, year, person_id) in held
            age = year - p["birth_year"]
            if p["unit_id"] is not None:
                row = None
                if WORKING_AGE_MIN <= age <= WORKING_AGE_MAX and (
                    (Title.FAMILY, year, p["household_id"]) in held
                    or (Title.CLAN, year, p["clan_branch_id"]) in held
                    or (Title.COMMUNITY, year, p["unit_id"]) in held
                ):
                    row = out[(p["unit_id"], year)]
                    row[0] += 1
                    row[1] += citizen
                if citizen:
                    row = row or out[(p["unit_id"], year)]
                    row[4] += 1
                    row[5] += digital.has_digital_skills(p["digital_skill"], (DIGITAL, year, person_id) in held)
                    row[6] += p["digital_skill"] == DigitalSkill.PROFICIENT
            if p["employer_id"] is not None and (Title.UNIT, year, p["employer_id"]) in held:
                row = out[(p["employer_unit_id"], year)]
                row[2] += 1
                row[3] += citizen
    return out


def lock_communes(commune_ids, units: UnitInfo) -> None:
    """Take the per-commune lock rows (created on first use), in id order."""
    rows = []
    units.load(commune_ids)
    for commune_id in sorted(set(commune_ids) - {None}):
        place = units.place(commune_id)
        if place is None:
            continue
        rows.append((commune_id, "commune", place.commune_parent_id, LOCK_YEAR, *([0] * N)))
    _upsert(CitizenTally, ("unit_id", "level", "parent_id", "year"), ("unit_id", "year"), CitizenTally.COUNTS, rows)


def apply_change(
    batch: Batch, person_filter: Q, undo, communes, *, units: UnitInfo | None = None, before_world: World | None = None
) -> None:
    """Add to `batch` the indicator delta of a change already written to the database.

    `person_filter` selects the people the change may affect; `undo(world)` turns a copy of the
    current world into the world just before the change (`before_world` is given whole for a
    deletion). `communes` are the communes whose rows the change can touch (before and after):
    their lock rows are taken before anything is read (see the module docstring).
    """
    units = units or UnitInfo()
    lock_communes(communes, units)
    after = load_world(person_filter)
    before = before_world if before_world is not None else undo(after.copy())
    years = after.years() | before.years()
    if not years:
        return
    now = contributions(after, units, years)
    then = contributions(before, units, years)
    for key in set(now) | set(then):
        a, b = now.get(key, [0] * N), then.get(key, [0] * N)
        delta = [x - y for x, y in zip(a, b, strict=True)]
        if any(delta):
            unit_id, year = key
            units.load([unit_id])
            batch.add_citizen(units.place(unit_id), year, delta)


# -- the undo functions for each kind of change ----------------------------------------------


def undo_holding(title: str, years, subject_id: int, was_holding: bool, shows_digital: bool = False):
    """Before the change: one recognition more (it was holding) or less, in each year it covers
    (and, for a learning citizen whose scores show digital skills, that too)."""

    def undo(world: World) -> World:
        for year in years:
            world.holding[(title, year, subject_id)] += 1 if was_holding else -1
            if shows_digital:
                world.holding[(DIGITAL, year, subject_id)] += 1 if was_holding else -1
        world.holding = +world.holding  # drop the years no recognition covers any more
        return world

    return undo


def undo_person_fields(person_id: int, old: dict | None):
    """old=None: the person did not exist before (a creation)."""

    def undo(world: World) -> World:
        if old is None:
            world.persons.pop(person_id, None)
        elif person_id in world.persons:
            world.persons[person_id].update(old)
        else:
            world.persons[person_id] = dict(old)
        world.holding |= load_holding([world.persons[person_id]], [person_id]) if old is not None else Counter()
        return world

    return undo


def undo_household_clan(household_id: int, old_clan_branch_id):
    def undo(world: World) -> World:
        for p in world.persons.values():
            if p["household_id"] == household_id:
                p["clan_branch_id"] = old_clan_branch_id
        if old_clan_branch_id is not None:
            world.holding |= load_holding(
                [{"household_id": None, "clan_branch_id": old_clan_branch_id, "unit_id": None, "employer_id": None}], []
            )
        return world

    return undo


def undo_organisation_unit(organisation_id: int, old_unit_id: int):
    def undo(world: World) -> World:
        for p in world.persons.values():
            if p["employer_id"] == organisation_id:
                p["employer_unit_id"] = old_unit_id
        return world

    return undo

"""Subject adapters: what the one workflow needs to know about each kind of subject.

Every title runs through the same state machine; only these small classes differ: where the
subject lives (the unit that anchors the scope), how it is named, which accounts belong to it
(they may not review it), and the facts its criteria set's dependency rules read, such as the
share of a household's working-age adults who hold the learning-citizen title that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from hoctap.core.text import in_reader_language
from hoctap.criteria import counting, validity
from hoctap.criteria.schema import PEOPLE_SHARE_FACTS, CriteriaSet
from hoctap.criteria.titles import Title
from hoctap.registry.models import (
    EDUCATIONAL_KINDS,
    ClanBranch,
    DeclaredTotals,
    Household,
    ManagingLevel,
    OccupationGroup,
    Organisation,
    Person,
    Sex,
    TotalKind,
)
from hoctap.territory.models import REFORM_DATE, Era, Level, Unit

from .models import SUBJECT_OF_TITLE, Assessment, LearnerFigures, SubjectKind
from .sets import definition_of
from .states import FROZEN_STATES, HOLDING_STATES, IN_PROGRESS_STATES

# Registry occupation groups and the subject-group codes of the learning-citizen criteria.
CITIZEN_GROUP_OF_OCCUPATION = {
    OccupationGroup.FARMER: "farmers",
    OccupationGroup.WORKER: "workers",
    OccupationGroup.OFFICIAL: "officials",
}
ADULTS = "adults_citizen_share"


def holders(title: str, year: int) -> QuerySet:
    """Assessments whose title is held during `year`: recognised in a campaign of that year, or of
    an earlier year whose recognition still holds (`criteria.validity`: Y .. Y + validity)."""
    return Assessment.objects.filter(
        title=title,
        state__in=HOLDING_STATES,
        campaign__year__lte=year,
        campaign__year__gte=year - F("validity_years") - validity.LAST_YEAR_SHIFT,
    )


def in_progress(title: str, year: int) -> QuerySet:
    """Assessments of `title` still on their way this year (registered … proposed): a dependency
    waits on their result."""
    return Assessment.objects.filter(title=title, campaign__year=year, state__in=IN_PROGRESS_STATES)


share = counting.share


@dataclass(frozen=True)
class Member:
    """One counted person, household or clan, as an explanation lists it."""

    pk: int
    label: str
    holds: bool
    pending: bool
    note: str = ""

    @property
    def status(self) -> str:
        if self.holds:
            return _("đã có danh hiệu")
        return _("đang chờ kết quả") if self.pending else _("chưa có danh hiệu")


@dataclass(frozen=True)
class Population:
    """Who one fact counts and which of them hold the title it reads (or wait for it)."""

    fact: str
    members: tuple[Member, ...]
    fallback: bool = False
    # The commune's declared total replaces the registry count while the registry is incomplete.
    declared_whole: int | None = None

    @property
    def count(self) -> counting.Count:
        whole = len(self.members) if self.declared_whole is None else self.declared_whole
        held = sum(m.holds for m in self.members)
        pending = sum(m.pending and not m.holds for m in self.members)
        return counting.Count(self.fact, whole, held, pending, self.fallback)

    @property
    def value(self) -> Decimal | None:
        count = self.count
        return share(count.held, count.whole)


def who_counts(definition: CriteriaSet | None, fact: str):
    """The set's rule of who a people share counts (`schema.WhoCounts`); None: the default."""
    for dependency in definition.dependencies if definition is not None else ():
        if dependency.fact == fact and dependency.counts is not None:
            return dependency.counts
    return None


def explanations_from(definition: CriteriaSet, result: dict) -> list[counting.Explanation]:
    """The explanations of a stored result (`workflow.score` keeps what was counted under
    "counted"): no query, so a refusal and a list can say them."""
    counted = (result or {}).get("counted") or {}
    statuses = {d["code"]: d["status"] for d in (result or {}).get("dependencies", [])}
    explanations = []
    for dependency in definition.dependencies:
        figures = counted.get(dependency.fact)
        if figures is None or statuses.get(dependency.code) == "not_applicable":
            continue
        explanations.append(
            counting.explain(
                dependency,
                counting.Count(
                    dependency.fact,
                    figures["whole"],
                    figures["held"],
                    figures.get("pending", 0),
                    figures.get("fallback", False),
                ),
            )
        )
    return explanations


@dataclass(frozen=True)
class Explained:
    """One dependency rule of an assessment, as its pages show it: the plain explanation, the
    counted members (live while the file is open), who counts, and what was counted at submission
    when that differs from now."""

    text_vi: str
    text_en: str
    explanation: counting.Explanation
    members: tuple[Member, ...] = ()
    who_vi: str = ""
    who_en: str = ""
    then: counting.Explanation | None = None  # at submission, when it differs from now
    live: bool = True

    def _pick(self, vi: str, en: str) -> str:
        return in_reader_language(vi, en)

    @property
    def text(self):
        return self._pick(self.text_vi, self.text_en)

    @property
    def summary(self):
        return self._pick(self.explanation.summary_vi, self.explanation.summary_en)

    @property
    def next_step(self):
        return self._pick(self.explanation.next_vi, self.explanation.next_en)

    @property
    def who(self):
        return self._pick(self.who_vi, self.who_en)

    @property
    def changed(self) -> str:
        if self.then is None:
            return ""
        return _("Khi nộp: %(then)s; nay: %(now)s.") % {
            "then": self._pick(self.then.short_vi, self.then.short_en),
            "now": self._pick(self.explanation.short_vi, self.explanation.short_en),
        }


def explain(assessment: Assessment) -> list[Explained]:
    """What each dependency rule of `assessment` counts, who holds the title it reads and who waits
    for it, and what would make it hold. While the file is open the members are counted now (the
    council's result will use these facts); once decided, the figures of the council's result."""
    definition = definition_of(assessment.criteria_set)
    if not definition.dependencies:
        return []
    if assessment.state in FROZEN_STATES:
        stored = assessment.review_result or assessment.self_result
        texts = {d.fact: d for d in definition.dependencies}
        return [
            Explained(texts[e.fact].text_vi, texts[e.fact].text_en, e, live=False)
            for e in explanations_from(definition, stored)
        ]
    adapter = adapter_for(assessment.subject_kind)
    populations = adapter.populations(subject_of(assessment), assessment.campaign.year, definition)
    if not populations:
        return []
    facts = adapter.facts_from(populations)
    submitted = (assessment.self_result or {}).get("counted", {})
    explained = []
    for dependency in definition.dependencies:
        population = populations.get(dependency.fact)
        if population is None:
            continue
        explanation = counting.explain(dependency, population.count, facts)
        then = submitted.get(dependency.fact)
        earlier = None
        if then is not None and (then["held"], then["whole"]) != (explanation.held, explanation.whole):
            earlier = counting.explain(
                dependency,
                counting.Count(
                    dependency.fact, then["whole"], then["held"], then.get("pending", 0), then.get("fallback", False)
                ),
            )
        who_vi = who_en = ""
        if dependency.fact in PEOPLE_SHARE_FACTS:
            who_vi, who_en = counting.describe(dependency.counts)
        explained.append(
            Explained(
                dependency.text_vi,
                dependency.text_en,
                explanation,
                population.members if explanation.applies else (),
                who_vi,
                who_en,
                earlier,
            )
        )
    return explained


def _population(fact: str, field: str, title: str, year: int, items, *, fallback: bool = False) -> Population:
    """`items` are (pk, label, note) of the counted; two queries find the holders and the waiting."""
    pks = [pk for pk, _label, _note in items]
    held = set(holders(title, year).filter(**{f"{field}__in": pks}).values_list(field, flat=True))
    waiting = set(in_progress(title, year).filter(**{f"{field}__in": pks}).values_list(field, flat=True))
    return Population(
        fact, tuple(Member(pk, label, pk in held, pk in waiting, note) for pk, label, note in items), fallback
    )


def _adults(people, year: int, definition: CriteriaSet | None) -> Population:
    """The people a household's rule counts, chosen household by household (`counting.counted`:
    the set's ages, or its fallback band for a household with nobody of those ages)."""
    people = list(people.order_by("household_id", "sort_key", "birth_year", "pk"))
    by_pk = {person.pk: person for person in people}
    groups: dict = {}
    for person in people:
        # People outside any household are counted as one group of their own.
        groups.setdefault(person.household_id, []).append((person.pk, year - person.birth_year))
    chosen, fell_back = counting.counted_in_groups(who_counts(definition, ADULTS), groups)
    items = [(pk, by_pk[pk].full_name, _("%(age)s tuổi") % {"age": year - by_pk[pk].birth_year}) for pk in chosen]
    return _population(ADULTS, "person", Title.CITIZEN, year, items, fallback=bool(fell_back))


def _households(households, year: int) -> Population:
    items = [
        (h.pk, HouseholdSubject().display_name(h), h.village.name) for h in households.select_related("head", "village")
    ]
    return _population("households_family_title_share", "household", Title.FAMILY, year, items)


def _holding_share(subjects: QuerySet, field: str, title: str, year: int, whole: int | None = None) -> Decimal | None:
    held = holders(title, year).filter(**{f"{field}__in": subjects.values("pk")}).values(field).distinct().count()
    return share(held, subjects.count() if whole is None else whole)


def _declared_or_counted(commune: Unit, year: int, kind: str, counted: int) -> int:
    """The commune's declared total while its registry is incomplete, else the registry count."""
    declared = DeclaredTotals.objects.filter(commune=commune, year=year).first()
    if declared is None or declared.is_complete(kind) or declared.declared(kind) is None:
        return counted
    return declared.declared(kind)


def _legacy_commune(commune: Unit | None) -> Unit | None:
    """The old-map commune a current commune was formed from, when there is exactly one."""
    if commune is None:
        return None
    sources = list(commune.predecessors()[:2])
    return sources[0] if len(sources) == 1 else None


class SubjectAdapter:
    kind: str
    field: str  # the Assessment foreign key that holds this kind of subject
    model: type

    def unit(self, subject) -> Unit:
        raise NotImplementedError

    def commune(self, subject) -> Unit | None:
        unit = self.unit(subject)
        return unit if unit.level == Level.COMMUNE else unit.parent

    def recorded_unit(self, subject, year: int) -> Unit | None:
        """Years before the reform are recorded on the old map, so old and new figures compare."""
        if year >= REFORM_DATE.year:
            return self.unit(subject)
        return _legacy_commune(self.commune(subject))

    def display_name(self, subject) -> str:
        return str(subject)

    def owner_user_ids(self, subject) -> set[int]:
        return set()

    def populations(self, subject, year: int, definition: CriteriaSet | None = None) -> dict[str, Population]:
        """The counted members behind each share fact (what the explanations list)."""
        return {}

    def facts(self, subject, year: int, definition: CriteriaSet | None = None) -> dict:
        """The facts the set's dependency rules read; `definition` says who counts (default: the
        working age)."""
        return self.facts_from(self.populations(subject, year, definition))

    def facts_from(self, populations: dict[str, Population]) -> dict:
        return {fact: population.value for fact, population in populations.items()}

    def admin_level(self, subject) -> str | None:
        return None

    def default_group(self, subject) -> str:
        return ""

    def candidates(self, under: Unit) -> QuerySet:
        """The subjects of this kind that live at or under `under`."""
        raise NotImplementedError


class RegisteredSubject(SubjectAdapter):
    """A record of the registry: its foreign key `place` puts it on the map, and it keeps its commune."""

    place: str

    def unit(self, subject):
        return getattr(subject, self.place)

    def commune(self, subject):
        return subject.commune

    def candidates(self, under):
        return self.model.objects.filter(**{f"{self.place}__path__startswith": under.path}).select_related(self.place)


class HouseholdSubject(RegisteredSubject):
    kind, field = SubjectKind.HOUSEHOLD, "household"
    model, place = Household, "village"

    def display_name(self, household):
        head = household.head
        if head is None:
            return str(household)
        honorific = _("Hộ ông") if head.sex == Sex.MALE else _("Hộ bà")
        return f"{honorific} {head.full_name}"

    def owner_user_ids(self, household):
        # Iterating .all() uses a prefetch when the caller made one (list pages do).
        return {member.account_id for member in household.members.all() if member.account_id}

    def populations(self, household, year, definition=None):
        return {ADULTS: _adults(Person.objects.filter(household=household), year, definition)}

    def candidates(self, under):
        return super().candidates(under).select_related("head")


class ClanBranchSubject(RegisteredSubject):
    kind, field = SubjectKind.CLAN_BRANCH, "clan_branch"
    model, place = ClanBranch, "commune"

    def owner_user_ids(self, clan_branch):
        return {
            member.account_id
            for household in clan_branch.households.all()
            for member in household.members.all()
            if member.account_id
        }

    def populations(self, clan_branch, year, definition=None):
        households = Household.objects.filter(clan_branch=clan_branch).order_by("sort_key", "pk")
        return {
            "households_family_title_share": _households(households, year),
            ADULTS: _adults(Person.objects.filter(household__clan_branch=clan_branch), year, definition),
        }


class OrganisationSubject(RegisteredSubject):
    kind, field = SubjectKind.ORGANISATION, "organisation"
    model, place = Organisation, "unit"

    def owner_user_ids(self, organisation):
        return {member.account_id for member in organisation.staff.all() if member.account_id}

    def facts(self, organisation, year, definition=None):
        # Learners are not in the registry: the unit declares them with evidence (`learners.record`).
        figures = LearnerFigures.objects.filter(organisation=organisation, year=year).first()
        return {
            "members_citizen_share": _holding_share(organisation.staff.all(), "person", Title.CITIZEN, year),
            "learners_citizen_share": share(figures.citizens, figures.learners) if figures else None,
            "is_provincial_educational_institution": (
                organisation.managing_level == ManagingLevel.PROVINCE and organisation.kind in EDUCATIONAL_KINDS
            ),
        }

    def admin_level(self, organisation):
        return organisation.managing_level


class PersonSubject(RegisteredSubject):
    kind, field = SubjectKind.PERSON, "person"
    model, place = Person, "unit"

    def display_name(self, person):
        return person.full_name

    def owner_user_ids(self, person):
        return {person.account_id} if person.account_id else set()

    def default_group(self, person):
        return CITIZEN_GROUP_OF_OCCUPATION.get(person.occupation_group, "")


class UnitSubject(SubjectAdapter):
    """A learning community that is a unit of the map itself, at `level`."""

    field, model = "community", Unit
    level: str

    def unit(self, unit):
        return unit

    def display_name(self, unit):
        return unit.name

    def candidates(self, under):
        return Unit.objects.filter(era=Era.CURRENT, level=self.level, path__startswith=under.path)


class VillageSubject(UnitSubject):
    """The village-level learning community: the village itself."""

    kind, level = SubjectKind.VILLAGE, Level.VILLAGE

    def populations(self, village, year, definition=None):
        households = Household.objects.filter(village=village).order_by("sort_key", "pk")
        # A clan branch belongs to the village when some of its households live there.
        clans = ClanBranch.objects.filter(households__village=village).distinct().order_by("sort_key", "pk")
        return {
            "households_family_title_share": _households(households, year),
            "clans_clan_title_share": _population(
                "clans_clan_title_share", "clan_branch", Title.CLAN, year, [(c.pk, str(c), "") for c in clans]
            ),
            ADULTS: _adults(Person.objects.filter(unit=village), year, definition),
        }

    def facts_from(self, populations):
        facts = super().facts_from(populations)
        facts["clans_count"] = len(populations["clans_clan_title_share"].members)
        return facts

    def candidates(self, under):
        return super().candidates(under).open()


class CommuneSubject(UnitSubject):
    """The commune-level learning community (TT 25/2023): the commune itself, with the shares of
    every other title inside it (criterion 5, "effects")."""

    kind, level = SubjectKind.COMMUNE, Level.COMMUNE

    def admin_level(self, commune):
        return "commune"

    def facts(self, commune, year, definition=None):
        def counted_share(subjects, field, title, kind):
            whole = _declared_or_counted(commune, year, kind, subjects.count())
            return _holding_share(subjects, field, title, year, whole)

        people = Person.objects.filter(commune=commune).working_age_adults(year)
        return {
            "households_family_title_share": counted_share(
                Household.objects.filter(commune=commune), "household", Title.FAMILY, TotalKind.HOUSEHOLDS
            ),
            "clans_clan_title_share": counted_share(
                ClanBranch.objects.filter(commune=commune), "clan_branch", Title.CLAN, TotalKind.CLAN_BRANCHES
            ),
            "villages_community_title_share": counted_share(
                Unit.objects.filter(parent=commune, level=Level.VILLAGE).open(),
                "community",
                Title.COMMUNITY,
                TotalKind.VILLAGES,
            ),
            "organisations_unit_title_share": counted_share(
                Organisation.objects.filter(commune=commune), "organisation", Title.UNIT, TotalKind.ORGANISATIONS
            ),
            "adults_citizen_share": counted_share(people, "person", Title.CITIZEN, TotalKind.WORKING_AGE_ADULTS),
        }


ADAPTERS: dict[str, SubjectAdapter] = {
    adapter.kind: adapter
    for adapter in (
        HouseholdSubject(),
        ClanBranchSubject(),
        OrganisationSubject(),
        PersonSubject(),
        VillageSubject(),
        CommuneSubject(),
    )
}


def adapter_for(kind: str) -> SubjectAdapter:
    return ADAPTERS[kind]


def adapter_for_title(title: str) -> SubjectAdapter:
    return ADAPTERS[SUBJECT_OF_TITLE[title]]


def subject_of(assessment: Assessment):
    return getattr(assessment, adapter_for(assessment.subject_kind).field)


def display_name(assessment: Assessment) -> str:
    return adapter_for(assessment.subject_kind).display_name(subject_of(assessment))


# What list pages select_related so that naming any subject costs no extra query, and prefetch so
# that finding its owners (who may not review it) costs none either.
SUBJECT_RELATIONS = ("household__head", "clan_branch", "organisation", "person", "community", "unit")
OWNER_PREFETCH = ("household__members", "clan_branch__households__members", "organisation__staff")

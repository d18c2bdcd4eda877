"""Subject adapters: what the one workflow needs to know about each kind of subject.

Every title runs through the same state machine; only these small classes differ: where the
subject lives (the unit that anchors the scope), how it is named, which accounts belong to it
(they may not review it), and the facts its criteria set's dependency rules read, such as the
share of a household's working-age adults who hold the learning-citizen title that year.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from hoctap.criteria import validity
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
from .states import HOLDING_STATES

SHARE_PLACES = Decimal("0.0001")
# Registry occupation groups and the subject-group codes of the learning-citizen criteria.
CITIZEN_GROUP_OF_OCCUPATION = {
    OccupationGroup.FARMER: "farmers",
    OccupationGroup.WORKER: "workers",
    OccupationGroup.OFFICIAL: "officials",
}



def holders(title: str, year: int) -> QuerySet:
    """Assessments whose title is held during `year`: recognised in a campaign of that year, or of
    an earlier year whose recognition still holds (`criteria.validity`: Y .. Y + validity)."""
    return Assessment.objects.filter(
        title=title, state__in=HOLDING_STATES, campaign__year__lte=year,
        campaign__year__gte=year - F("validity_years") - validity.LAST_YEAR_SHIFT,
    )


def share(part: int, whole: int) -> Decimal | None:
    """part / whole to 4 places, rounded down so a share never passes a threshold it misses.

    None when there is nothing to count: a missing fact leaves its rule unmet, with the reason shown.
    """
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, rounding=ROUND_DOWN)


def _holding_share(subjects: QuerySet, field: str, title: str, year: int, whole: int | None = None) -> Decimal | None:
    held = holders(title, year).filter(**{f"{field}__in": subjects.values("pk")}).values(field).distinct().count()
    return share(held, subjects.count() if whole is None else whole)


def _adults_citizen_share(people: QuerySet, year: int) -> Decimal | None:
    return _holding_share(people.working_age_adults(year), "person", Title.CITIZEN, year)


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

    def facts(self, subject, year: int) -> dict:
        return {}

    def admin_level(self, subject) -> str | None:
        return None

    def default_group(self, subject) -> str:
        return ""

    def candidates(self, under: Unit) -> QuerySet:
        """The subjects of this kind that live at or under `under`."""
        raise NotImplementedError


class HouseholdSubject(SubjectAdapter):
    kind, field = SubjectKind.HOUSEHOLD, "household"
    model = Household

    def unit(self, household):
        return household.village

    def commune(self, household):
        return household.commune

    def display_name(self, household):
        head = household.head
        if head is None:
            return str(household)
        honorific = _("Hộ ông") if head.sex == Sex.MALE else _("Hộ bà")
        return f"{honorific} {head.full_name}"

    def owner_user_ids(self, household):
        # Iterating .all() uses a prefetch when the caller made one (list pages do).
        return {member.account_id for member in household.members.all() if member.account_id}

    def facts(self, household, year):
        return {"adults_citizen_share": _adults_citizen_share(Person.objects.filter(household=household), year)}

    def candidates(self, under):
        return Household.objects.filter(village__path__startswith=under.path).select_related("head", "village")


class ClanBranchSubject(SubjectAdapter):
    kind, field = SubjectKind.CLAN_BRANCH, "clan_branch"
    model = ClanBranch

    def unit(self, clan_branch):
        return clan_branch.commune

    def owner_user_ids(self, clan_branch):
        return {
            member.account_id
            for household in clan_branch.households.all() for member in household.members.all() if member.account_id
        }

    def facts(self, clan_branch, year):
        households = Household.objects.filter(clan_branch=clan_branch)
        return {
            "households_family_title_share": _holding_share(households, "household", Title.FAMILY, year),
            "adults_citizen_share": _adults_citizen_share(Person.objects.filter(household__in=households), year),
        }

    def candidates(self, under):
        return ClanBranch.objects.filter(commune__path__startswith=under.path).select_related("commune")


class OrganisationSubject(SubjectAdapter):
    kind, field = SubjectKind.ORGANISATION, "organisation"
    model = Organisation

    def unit(self, organisation):
        return organisation.unit

    def commune(self, organisation):
        return organisation.commune

    def owner_user_ids(self, organisation):
        return {member.account_id for member in organisation.staff.all() if member.account_id}

    def facts(self, organisation, year):
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

    def candidates(self, under):
        return Organisation.objects.filter(unit__path__startswith=under.path).select_related("unit")


class PersonSubject(SubjectAdapter):
    kind, field = SubjectKind.PERSON, "person"
    model = Person

    def unit(self, person):
        return person.unit

    def commune(self, person):
        return person.commune

    def display_name(self, person):
        return person.full_name

    def owner_user_ids(self, person):
        return {person.account_id} if person.account_id else set()

    def default_group(self, person):
        return CITIZEN_GROUP_OF_OCCUPATION.get(person.occupation_group, "")

    def candidates(self, under):
        return Person.objects.filter(unit__path__startswith=under.path).select_related("unit")


class VillageSubject(SubjectAdapter):
    """The village-level learning community: the village itself."""

    kind, field = SubjectKind.VILLAGE, "community"
    model = Unit

    def unit(self, village):
        return village

    def display_name(self, village):
        return village.name

    def facts(self, village, year):
        households = Household.objects.filter(village=village)
        # A clan branch belongs to the village when some of its households live there.
        clan_branches = ClanBranch.objects.filter(households__village=village).distinct()
        return {
            "households_family_title_share": _holding_share(households, "household", Title.FAMILY, year),
            "clans_count": clan_branches.count(),
            "clans_clan_title_share": _holding_share(clan_branches, "clan_branch", Title.CLAN, year),
            "adults_citizen_share": _adults_citizen_share(Person.objects.filter(unit=village), year),
        }

    def candidates(self, under):
        return Unit.objects.filter(era=Era.CURRENT, level=Level.VILLAGE, path__startswith=under.path)


class CommuneSubject(SubjectAdapter):
    """The commune-level learning community (TT 25/2023): the commune itself, with the shares of
    every other title inside it (criterion 5, "effects")."""

    kind, field = SubjectKind.COMMUNE, "community"
    model = Unit

    def unit(self, commune):
        return commune

    def commune(self, commune):
        return commune

    def display_name(self, commune):
        return commune.name

    def admin_level(self, commune):
        return "commune"

    def facts(self, commune, year):
        def counted_share(subjects, field, title, kind):
            whole = _declared_or_counted(commune, year, kind, subjects.count())
            return _holding_share(subjects, field, title, year, whole)

        people = Person.objects.filter(commune=commune).working_age_adults(year)
        return {
            "households_family_title_share": counted_share(
                Household.objects.filter(commune=commune), "household", Title.FAMILY, TotalKind.HOUSEHOLDS),
            "clans_clan_title_share": counted_share(
                ClanBranch.objects.filter(commune=commune), "clan_branch", Title.CLAN, TotalKind.CLAN_BRANCHES),
            "villages_community_title_share": counted_share(
                Unit.objects.filter(parent=commune, level=Level.VILLAGE), "community", Title.COMMUNITY, TotalKind.VILLAGES),
            "organisations_unit_title_share": counted_share(
                Organisation.objects.filter(commune=commune), "organisation", Title.UNIT, TotalKind.ORGANISATIONS),
            "adults_citizen_share": counted_share(people, "person", Title.CITIZEN, TotalKind.WORKING_AGE_ADULTS),
        }

    def candidates(self, under):
        return Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, path__startswith=under.path)


ADAPTERS: dict[str, SubjectAdapter] = {
    adapter.kind: adapter
    for adapter in (HouseholdSubject(), ClanBranchSubject(), OrganisationSubject(), PersonSubject(),
                    VillageSubject(), CommuneSubject())
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

"""The registry's lists, each described once: what it can be filtered by (a frozen dataclass) and the
one function that turns a scope and those filters into the ordered queryset. The pages
(`views.*_list`), the API (`GET /api/v1/registry/…`) and the exports (`registry.exports`, also in
the background worker, from the plain params a job stores) all read them here, so they filter alike.

Filters hold plain values (ids, choice values, text, a year), so that `params_of` can store them in
an export job and `filters_from` can rebuild them in the worker."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hoctap.accounts.roles import Capability
from hoctap.core.text import fold, normalise

from .models import ID_NUMBER_PATTERN, ClanBranch, Household, Organisation, Person

EMPTY = (None, "", False)


@dataclass(frozen=True)
class ClanFilters:
    q: str = ""  # part of the name, with or without diacritics


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    kind: str = ""


@dataclass(frozen=True)
class HouseholdFilters:
    q: str = ""  # the head's name, the household code or a member's ID number
    village: int | None = None


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""  # the name or the ID number
    village: int | None = None
    household: int | None = None
    occupation_group: str = ""
    digital_skill: str = ""
    # "Working age" is judged in this year; stored as a year so that a job run later judges alike.
    working_age_year: int | None = None


def filters_from(filters_class, values: Mapping):
    """The filters named in `values` (a form's cleaned data, the API's parameters, a job's params);
    other keys and empty values are left out. A unit becomes its id; `working_age` (a tick) becomes
    this year's `working_age_year`."""
    values = {key: getattr(value, "pk", value) for key, value in values.items() if value not in EMPTY}
    if values.pop("working_age", False):
        values["working_age_year"] = timezone.localdate().year
    names = {field.name for field in dataclasses.fields(filters_class)}
    return filters_class(**{key: value for key, value in values.items() if key in names})


def params_of(filters) -> dict:
    """The filters as plain params, what an export job stores (empty ones left out)."""
    return {key: value for key, value in dataclasses.asdict(filters).items() if value not in EMPTY}


def _id_query(query: str) -> str | None:
    query = normalise(query)
    return query if ID_NUMBER_PATTERN.match(query) else None


def households_in_scope(scope, filters: HouseholdFilters = HouseholdFilters()) -> QuerySet:
    """Households the user can see, found by head's name, household code or a member's ID number."""
    households = scope.filter(Household.objects.all(), Capability.VIEW)
    if filters.village:
        households = households.filter(village_id=filters.village)
    if id_number := _id_query(filters.q):
        households = households.filter(pk__in=Person.objects.filter(id_number=id_number).values("household_id"))
    elif folded := fold(filters.q):
        households = households.filter(Q(name_folded__contains=folded) | Q(code_folded__contains=folded))
    return (
        households.select_related("village", "head", "clan_branch")
        .annotate(member_count=Count("members"))
        .order_by("village__sort_key", "sort_key", "code_folded")
    )


def people_in_scope(scope, filters: PersonFilters = PersonFilters()) -> QuerySet:
    people = scope.filter(Person.objects.all(), Capability.VIEW).search(filters.q)
    exact = {
        "unit_id": filters.village,
        "household_id": filters.household,
        "occupation_group": filters.occupation_group,
        "digital_skill": filters.digital_skill,
    }
    people = people.filter(**{lookup: value for lookup, value in exact.items() if value})
    if filters.working_age_year:
        people = people.working_age_adults(filters.working_age_year)
    return people.select_related("household", "unit", "employer").in_order()


def clan_branches_in_scope(scope, filters: ClanFilters = ClanFilters()) -> QuerySet:
    clans = scope.filter(ClanBranch.objects.all(), Capability.VIEW)
    if folded := fold(filters.q):
        clans = clans.filter(name_folded__contains=folded)
    return clans.select_related("commune").annotate(household_count=Count("households")).order_by("sort_key")


def organisations_in_scope(scope, filters: OrganisationFilters = OrganisationFilters()) -> QuerySet:
    organisations = scope.filter(Organisation.objects.all(), Capability.VIEW)
    if folded := fold(filters.q):
        organisations = organisations.filter(name_folded__contains=folded)
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    return organisations.select_related("unit").annotate(staff_count=Count("staff")).order_by("sort_key")

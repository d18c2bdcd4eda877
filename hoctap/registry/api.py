"""/api/v1/registry/: households, people, clan branches, organisations and denominators.

Writes are validated by the same Django forms as the pages (a 422 names the fields) and saved by
the same services, through the scope. ID numbers are always masked here. Searching by ID number
goes by POST (…/search), never in a query string.
"""

import datetime

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import BirthYear, Id, Year, is_year
from hoctap.territory.models import Level, Unit

from . import forms
from .forms import ClanBranchForm, HouseholdForm, MemberForm, OrganisationForm, PersonForm
from .lists import (
    HouseholdFilters,
    PersonFilters,
    clan_branches_in_scope,
    households_in_scope,
    organisations_in_scope,
    people_in_scope,
)
from .models import ID_NUMBER_PATTERN, Household, Person, TotalKind
from .services import (
    denominator,
    duplicates_of,
    household_members_problem,
    record_access,
    registry_count,
    save_clan_branch,
    save_household,
    save_organisation,
    save_person,
)

router = Router(tags=["registry"])


# -- schemas -----------------------------------------------------------------------------------


class WarningOut(Schema):
    reason: str
    person_id: int
    message: str


def _shows_sensitive(context) -> bool:
    request = (context or {}).get("request")
    return bool(getattr(request, "shows_sensitive", False))


class PersonOut(Schema):
    id: int
    full_name: str
    sex: str
    birth_date: datetime.date | None
    birth_year: int
    # The GSO code (QĐ 1019/QĐ-TCTK), "" when not recorded. Sensitive personal data: null unless asked
    # for (`GET /people/{id}?include_sensitive=true`) by a role holding view_sensitive (audited).
    ethnicity: str | None = None
    ethnicity_name: str | None = None
    id_number: str
    household_id: int | None
    employer_id: int | None
    unit_id: int
    commune_id: int
    occupation_group: str
    digital_skill: str
    is_working_age_adult: bool

    @staticmethod
    def resolve_id_number(person):
        return person.id_number_masked

    @staticmethod
    def resolve_ethnicity(person, context):
        return person.ethnicity if _shows_sensitive(context) else None

    @staticmethod
    def resolve_ethnicity_name(person, context):
        return person.get_ethnicity_display() if _shows_sensitive(context) else None


class PersonCreated(PersonOut):
    warnings: list[WarningOut] = []


class PersonFields(Schema):
    full_name: str
    sex: str
    birth_date: datetime.date | None = None
    birth_year: BirthYear | None = None
    ethnicity: str = ""
    id_number: str | None = None
    occupation_group: str = "other"
    digital_skill: str = "none"


class PersonIn(PersonFields):
    household: Id | None = None
    employer: Id | None = None
    unit: Id | None = None


class PersonPatch(Schema):
    full_name: str | None = None
    sex: str | None = None
    birth_date: datetime.date | None = None
    birth_year: BirthYear | None = None
    ethnicity: str | None = None
    id_number: str | None = None
    occupation_group: str | None = None
    digital_skill: str | None = None
    household: Id | None = None
    employer: Id | None = None
    unit: Id | None = None


class MemberIn(PersonFields):
    is_head: bool = False


class HouseholdOut(Schema):
    id: int
    code: str
    village_id: int
    village_name: str
    commune_id: int
    address: str
    head_id: int | None
    head_name: str
    clan_branch_id: int | None
    member_count: int

    @staticmethod
    def resolve_village_name(household):
        return household.village.name

    @staticmethod
    def resolve_head_name(household):
        return household.head.full_name if household.head_id else ""


class HouseholdDetailOut(HouseholdOut):
    members: list[PersonOut]

    @staticmethod
    def resolve_members(household):
        # Members live in their household's village: in scope wherever the household is.
        return household.members.in_order()


class HouseholdCreated(HouseholdDetailOut):
    warnings: list[WarningOut] = []


class HouseholdIn(Schema):
    village: Id
    code: str = ""
    address: str = ""
    clan_branch: Id | None = None
    members: list[MemberIn] = []


class HouseholdPatch(Schema):
    village: Id | None = None
    code: str | None = None
    address: str | None = None
    clan_branch: Id | None = None


class ClanBranchOut(Schema):
    id: int
    name: str
    branch: str
    commune_id: int
    representative: str
    household_count: int


class ClanBranchIn(Schema):
    name: str
    branch: str = ""
    commune: Id
    representative: str = ""


class ClanBranchPatch(Schema):
    name: str | None = None
    branch: str | None = None
    commune: Id | None = None
    representative: str | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    managing_level: str
    unit_id: int
    commune_id: int
    address: str
    staff_count: int


class OrganisationIn(Schema):
    name: str
    kind: str
    managing_level: str = "commune"
    unit: Id
    address: str = ""


class OrganisationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    managing_level: str | None = None
    unit: Id | None = None
    address: str | None = None


class SearchIn(Schema):
    q: str = ""


# The lists' query parameters: the page's filters (registry.lists), judged by its filter forms.
class ClanQuery(Schema):
    q: str = ""


class OrganisationQuery(ClanQuery):
    kind: str = ""


class HouseholdQuery(ClanQuery):
    village: int | None = None


class PersonQuery(HouseholdQuery):
    household: int | None = None
    occupation_group: str = ""
    digital_skill: str = ""
    working_age: bool = False


class DenominatorOut(Schema):
    kind: str
    label: str
    value: int
    source: str
    registry_count: int


# -- helpers -----------------------------------------------------------------------------------


def _valid(form, prefix: str = ""):
    """A form's errors as a 422 naming the fields (members.0.full_name for nested ones)."""
    if not form.is_valid():
        raise ValidationError({f"{prefix}{field}": errors for field, errors in form.errors.as_data().items()})
    return form


def _merged(instance, form_class, payload: Schema, *, unseen=()) -> dict:
    """For PATCH: the record's current values overlaid with the fields sent. `unseen` fields (ethnicity for
    a role that may not read it) are not copied from the record: only what the caller sent is judged."""
    data = {
        key: value
        for key, value in model_to_dict(instance, fields=form_class._meta.fields).items()
        if value is not None and key not in unseen
    }
    data.update(payload.dict(exclude_unset=True))
    return data


def _no_id_in_query(q: str) -> None:
    if ID_NUMBER_PATTERN.match(q.strip()):
        raise ValidationError({"q": [_("Tìm theo số CCCD bằng POST …/search, không ghi vào địa chỉ.")]})


def _listed(request, in_scope, form_class, query: ClanQuery):
    """A list as the page lists it: the API's parameters judged by the page's own filter form (the
    same villages in scope, the same choices; what the page refuses, the API refuses with a 422),
    the rows from the list's one scoped queryset (registry.lists)."""
    scope = scope_for(request)
    _no_id_in_query(query.q)
    form = form_class(query.dict(exclude_none=True), scope=scope, from_url=True)
    return in_scope(scope, _valid(form).filters())


def _one(scope, in_scope, pk):
    """One record of a list as the API shows it (the list's annotations), if the scope holds it."""
    return scope.get_or_404(in_scope(scope), pk=pk)


def _household(scope, household_id):
    return _one(scope, households_in_scope, household_id)


def _create(scope, form_class, payload: Schema, save, in_scope) -> Status:
    """POST of a record without nested parts: judged by the page's form, saved by the page's service."""
    scope.require(Capability.EDIT_REGISTRY)
    form = _valid(form_class(payload.dict(), instance=form_class._meta.model(), scope=scope))
    return Status(201, _one(scope, in_scope, save(scope, form.save(commit=False)).pk))


def _update(scope, form_class, pk, payload: Schema, save, in_scope):
    """PATCH: the record as it is, overlaid with the fields sent, judged and saved as on the page."""
    record = scope.get_or_404(form_class._meta.model.objects.all(), Capability.EDIT_REGISTRY, pk=pk)
    form = _valid(form_class(_merged(record, form_class, payload), instance=record, scope=scope))
    save(scope, form.save(commit=False))
    return _one(scope, in_scope, record.pk)


# -- households --------------------------------------------------------------------------------


@router.get("/households", response=list[HouseholdOut], url_name="registry_household_list")
@paginate
def list_households(request, query: Query[HouseholdQuery]):
    return _listed(request, households_in_scope, forms.HouseholdFilterForm, query)


@router.post("/households/search", response=list[HouseholdOut], url_name="registry_household_search")
@paginate
def search_households(request, search: SearchIn):
    return households_in_scope(scope_for(request), HouseholdFilters(q=search.q))


@router.get("/households/{household_id}", response=HouseholdDetailOut, url_name="registry_household_detail")
def get_household(request, household_id: Id):
    return _household(scope_for(request), household_id)


@router.post("/households", response={201: HouseholdCreated}, url_name="registry_household_create")
def create_household(request, payload: HouseholdIn):
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    form = _valid(HouseholdForm(payload.dict(exclude={"members"}), instance=Household(), scope=scope))
    household = form.save(commit=False)
    members, head, warnings, id_numbers = [], None, [], set()
    for index, member in enumerate(payload.members):
        member_form = _valid(
            MemberForm(member.dict(), instance=Person(household=household), scope=scope), f"members.{index}."
        )
        person = member_form.save(commit=False)
        if person.id_number:
            if person.id_number in id_numbers:
                raise ValidationError({f"members.{index}.id_number": [_("Số CCCD trùng với một thành viên khác.")]})
            id_numbers.add(person.id_number)
        members.append(person)
        if member.is_head:
            problem = household_members_problem(household, members, heads=2 if head is not None else 1)
            if problem:
                raise ValidationError({f"members.{index}.is_head": [problem]})
            head = person
        warnings += duplicates_of(scope, person, household.village)
    save_household(scope, household, members, head or (members[0] if members else None))
    created = _household(scope, household.pk)
    created.warnings = [warning.as_dict() for warning in warnings]
    return Status(201, created)


@router.patch("/households/{household_id}", response=HouseholdDetailOut, url_name="registry_household_update")
def update_household(request, household_id: Id, payload: HouseholdPatch):
    return _update(scope_for(request), HouseholdForm, household_id, payload, save_household, households_in_scope)


# -- people ------------------------------------------------------------------------------------


@router.get("/people", response=list[PersonOut], url_name="registry_person_list")
@paginate
def list_people(request, query: Query[PersonQuery]):
    return _listed(request, people_in_scope, forms.PersonFilterForm, query)


@router.post("/people/search", response=list[PersonOut], url_name="registry_person_search")
@paginate
def search_people(request, search: SearchIn):
    return people_in_scope(scope_for(request), PersonFilters(q=search.q))


@router.get("/people/{person_id}", response=PersonOut, url_name="registry_person_detail")
def get_person(request, person_id: Id, include_sensitive: bool = False):
    scope = scope_for(request)
    person = scope.get_or_404(Person.objects.select_related("unit"), pk=person_id)
    if include_sensitive:
        if not scope.can(Capability.VIEW_SENSITIVE, person.unit):
            raise ValidationError(
                {
                    "include_sensitive": [
                        _("Dân tộc là dữ liệu nhạy cảm: vai trò của bạn không được xem. Bỏ tham số include_sensitive.")
                    ]
                }
            )
        record_access(person, scope.user, field="ethnicity")
        request.shows_sensitive = True
    return person


@router.post("/people", response={201: PersonCreated}, url_name="registry_person_create")
def create_person(request, payload: PersonIn):
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    form = _valid(PersonForm(payload.dict(), instance=Person(), scope=scope))
    person = form.save(commit=False)
    warnings = duplicates_of(scope, person, form.cleaned_data["unit"])
    save_person(scope, person)
    person.warnings = [warning.as_dict() for warning in warnings]
    return Status(201, person)


@router.patch("/people/{person_id}", response=PersonOut, url_name="registry_person_update")
def update_person(request, person_id: Id, payload: PersonPatch):
    scope = scope_for(request)
    person = scope.get_or_404(Person.objects.all(), Capability.EDIT_REGISTRY, pk=person_id)
    unseen = () if scope.can(Capability.VIEW_SENSITIVE, person.unit) else ("ethnicity",)
    form = _valid(PersonForm(_merged(person, PersonForm, payload, unseen=unseen), instance=person, scope=scope))
    return save_person(scope, form.save(commit=False))


# -- clan branches -----------------------------------------------------------------------------


@router.get("/clans", response=list[ClanBranchOut], url_name="registry_clan_list")
@paginate
def list_clans(request, query: Query[ClanQuery]):
    return _listed(request, clan_branches_in_scope, forms.ListFilterForm, query)


@router.get("/clans/{clan_id}", response=ClanBranchOut, url_name="registry_clan_detail")
def get_clan(request, clan_id: Id):
    return _one(scope_for(request), clan_branches_in_scope, clan_id)


@router.post("/clans", response={201: ClanBranchOut}, url_name="registry_clan_create")
def create_clan(request, payload: ClanBranchIn):
    return _create(scope_for(request), ClanBranchForm, payload, save_clan_branch, clan_branches_in_scope)


@router.patch("/clans/{clan_id}", response=ClanBranchOut, url_name="registry_clan_update")
def update_clan(request, clan_id: Id, payload: ClanBranchPatch):
    return _update(scope_for(request), ClanBranchForm, clan_id, payload, save_clan_branch, clan_branches_in_scope)


# -- organisations -----------------------------------------------------------------------------


@router.get("/organisations", response=list[OrganisationOut], url_name="registry_organisation_list")
@paginate
def list_organisations(request, query: Query[OrganisationQuery]):
    return _listed(request, organisations_in_scope, forms.OrganisationFilterForm, query)


@router.get("/organisations/{organisation_id}", response=OrganisationOut, url_name="registry_organisation_detail")
def get_organisation(request, organisation_id: Id):
    return _one(scope_for(request), organisations_in_scope, organisation_id)


@router.post("/organisations", response={201: OrganisationOut}, url_name="registry_organisation_create")
def create_organisation(request, payload: OrganisationIn):
    return _create(scope_for(request), OrganisationForm, payload, save_organisation, organisations_in_scope)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut, url_name="registry_organisation_update")
def update_organisation(request, organisation_id: Id, payload: OrganisationPatch):
    scope = scope_for(request)
    return _update(scope, OrganisationForm, organisation_id, payload, save_organisation, organisations_in_scope)


# -- denominators ------------------------------------------------------------------------------


@router.get("/denominators/{commune_id}/{year}", response=list[DenominatorOut], url_name="registry_denominators")
def denominators(request, commune_id: Id, year: Year):
    scope = scope_for(request)
    commune = scope.get_or_404(Unit.objects.current().filter(level=Level.COMMUNE), pk=commune_id)
    if not is_year(year):
        raise Http404
    return [
        {
            "kind": kind.value,
            "label": str(kind.label),
            "value": figure.value,
            "source": figure.source,
            "registry_count": registry_count(commune, year, kind),
        }
        for kind in TotalKind
        for figure in [denominator(commune, year, kind)]
    ]

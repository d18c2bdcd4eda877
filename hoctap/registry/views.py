"""Pages of the registry. Querysets and objects come from the scope; writes from services."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import OutOfScope, scope_for
from hoctap.audit.exports import record_export
from hoctap.core.limits import ascii_int, parse_year
from hoctap.exports import lists
from hoctap.territory.models import Level, Unit
from hoctap.web.shortcuts import commune_year_record, download, is_htmx, not_post

from . import exports
from .choices import MAX_SUGGESTIONS, SOURCES
from .forms import (
    NONE,
    ClanBranchForm,
    DeclaredTotalsForm,
    HouseholdFilterForm,
    HouseholdForm,
    ListFilterForm,
    MemberForm,
    OrganisationFilterForm,
    OrganisationForm,
    PersonFilterForm,
    PersonForm,
    member_formset,
)
from .lists import clan_branches_in_scope, households_in_scope, organisations_in_scope, params_of, people_in_scope
from .models import EDUCATIONAL_KINDS, ClanBranch, DeclaredTotals, Household, Organisation, Person, TotalKind
from .services import (
    denominator,
    duplicates_of,
    likely_duplicates,
    log_sensitive_export,
    personal_data,
    registry_count,
    reveal_id_number,
    save_clan_branch,
    save_declared_totals,
    save_household,
    save_organisation,
    save_person,
)

PAGE_SIZE = 50


def _params(request):
    return request.POST if request.method == "POST" else request.GET


def _filter_form(request, form_class, scope):
    """Filters come by POST from the page's own form; by GET only from plain links."""
    if request.method == "POST":
        return form_class(request.POST, scope=scope)
    return form_class(request.GET or None, scope=scope, from_url=True)


@dataclass(frozen=True)
class ListPage:
    """A registry list's page, served by `list_page` and `list_export` (registry.urls names the list of
    each URL): `name` gives its URLs (registry:<name>_list, _export, _create) and rows template; what it
    is filtered by and lists is registry.lists' (the filter form's `filters()`)."""

    name: str
    title: Any
    form_class: type
    in_scope: Callable
    export: Any


def list_page(request, listed: ListPage):
    scope = scope_for(request)
    form = _filter_form(request, listed.form_class, scope)
    queryset = listed.in_scope(scope, form.filters())
    rows_template = f"registry/_{listed.name}_rows.html"
    can_create = scope.can(Capability.EDIT_REGISTRY)
    context = {
        "title": listed.title,
        "form": form,
        "page": Paginator(queryset, PAGE_SIZE).get_page(_params(request).get("page")),
        "rows_template": rows_template,
        "export_url": reverse(f"registry:{listed.name}_export"),
        "stream_limit": lists.stream_limit(),
        "create_url": reverse(f"registry:{listed.name}_create") if can_create else "",
    }
    return render(request, rows_template if is_htmx(request) else "registry/list_page.html", context)


def list_export(request, listed: ListPage, export=None, *, sensitive: bool = False):
    """One export path for every list (hoctap.exports.lists): streamed at once when small, a
    background job with a progress page when large; audited either way. A filter that cannot be
    applied is refused on the list page, never dropped: the whole area is not what was asked for."""
    scope = scope_for(request)
    form = _filter_form(request, listed.form_class, scope)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Chưa tải được danh sách: bộ lọc có lỗi (xem bên dưới). Sửa bộ lọc rồi tải lại."))
        return list_page(request, listed)
    params = params_of(form.filters())
    params["format"] = request.GET.get("format", "xlsx")
    if sensitive:  # logged once the filters are known to apply, without the searched text
        log_sensitive_export(scope, request.user, params)
    return lists.export(request, scope, export or listed.export, params)


HOUSEHOLDS = ListPage("household", _lazy("Hộ gia đình"), HouseholdFilterForm, households_in_scope, exports.HOUSEHOLDS)
PEOPLE = ListPage("person", _lazy("Nhân khẩu"), PersonFilterForm, people_in_scope, exports.PEOPLE)
CLANS = ListPage("clan", _lazy("Chi dòng họ"), ListFilterForm, clan_branches_in_scope, exports.CLANS)
ORGANISATIONS = ListPage(
    "organisation", _lazy("Cơ quan, đơn vị"), OrganisationFilterForm, organisations_in_scope, exports.ORGANISATIONS
)


@dataclass(frozen=True)
class SubjectForm:
    """The form pages of a record without nested parts (a clan branch, an organisation), served by
    `subject_create` and `_subject_edit`: `name` gives its URLs (registry:<name>_list, _detail); the
    form judges it, `save` (registry.services) saves it."""

    name: str
    form_class: type
    save: Callable
    create_title: Any
    edit_title: Any


CLAN_FORM = SubjectForm("clan", ClanBranchForm, save_clan_branch, _lazy("Thêm chi dòng họ"), _lazy("Sửa chi dòng họ"))
ORGANISATION_FORM = SubjectForm(
    "organisation", OrganisationForm, save_organisation, _lazy("Thêm cơ quan, đơn vị"), _lazy("Sửa cơ quan, đơn vị")
)


# -- households --------------------------------------------------------------------------------


def household_detail(request, household_id):
    scope = scope_for(request)
    household = scope.get_or_404(
        Household.objects.select_related("village__parent", "head", "clan_branch"), pk=household_id
    )
    members = scope.filter(household.members.select_related("employer"), Capability.VIEW).in_order()
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "can_edit": scope.can(Capability.EDIT_REGISTRY, household.village),
        },
    )


def household_create(request):
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    return _household_form(request, scope, Household(), extra=1)


def household_edit(request, household_id):
    scope = scope_for(request)
    household = scope.get_or_404(Household.objects.select_related("village"), Capability.EDIT_REGISTRY, pk=household_id)
    return _household_form(request, scope, household, extra=0)


def _household_form(request, scope, household, *, extra):
    data = request.POST if request.method == "POST" else None
    adding_member = data is not None and "add_member" in data
    if adding_member:
        # Without JavaScript, "add a member" posts the form back: show it again with one more member.
        data = data.copy()
        data["members-TOTAL_FORMS"] = str(_form_count(data.get("members-TOTAL_FORMS")) + 1)
    form = HouseholdForm(data, instance=household, scope=scope)
    formset = member_formset(extra)(
        data,
        instance=household,
        prefix="members",
        form_kwargs={"scope": scope},
        queryset=household.members.order_by("pk") if household.pk else Person.objects.none(),
    )
    if data is not None and not adding_member and form.is_valid() and formset.is_valid():
        household = form.save(commit=False)
        changed_members = [f.instance for f in formset.entered_forms() if f.has_changed()]
        warnings = [
            hint
            for person in changed_members
            if person.pk is None
            for hint in duplicates_of(scope, person, household.village)
        ]
        try:
            save_household(scope, household, changed_members, formset.chosen_head())
        except OutOfScope as refused:
            form.add_error(None, str(refused))
        else:
            for hint in warnings:
                messages.warning(request, hint.message)
            messages.success(request, _("Đã lưu %(household)s.") % {"household": household})
            return redirect("registry:household_detail", household_id=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "formset": formset, "household": household})


def _form_count(value) -> int:
    """A formset's TOTAL_FORMS as sent by the browser, within what a household form needs."""
    return min(ascii_int(value) or 0, 50)


def member_form(request):
    """One more empty member for the household form (htmx appends it and bumps the form count)."""
    index = _form_count(request.GET.get("members-TOTAL_FORMS"))
    form = MemberForm(
        prefix=f"members-{index}", empty_permitted=True, use_required_attribute=False, scope=scope_for(request)
    )  # the scope decides whether ethnicity is asked
    form.fields["full_name"].widget.attrs["autofocus"] = True  # htmx moves the focus to the new member
    return render(
        request,
        "registry/_member_fieldset.html",
        {"member": form, "index": index, "added": True, "total_forms": index + 1},
    )


def duplicate_hint(request):
    """Likely duplicates of the member being typed (POST: the ID number must not travel in a URL)."""
    if refused := not_post(request):
        return refused
    scope = scope_for(request)
    prefix = request.POST.get("prefix", "")

    def field(name):
        return (request.POST.get(f"{prefix}-{name}") or "").strip()

    village_id = ascii_int(request.POST.get("village"))
    village = (
        scope.filter(Unit.objects.filter(level=Level.VILLAGE).select_related("parent")).filter(pk=village_id).first()
        if village_id
        else None
    )
    birth_year = field("birth_year") or field("birth_date")[:4]
    exclude = field("id")
    hints = likely_duplicates(
        scope,
        full_name=field("full_name"),
        birth_year=ascii_int(birth_year, maximum=9999),
        commune=village.parent if village else None,
        id_number=field("id_number") or None,
        exclude_pk=ascii_int(exclude),
    )
    return render(request, "registry/_duplicate_hint.html", {"hints": hints})


# -- search selects ----------------------------------------------------------------------------


@require_GET
def suggest(request, kind):
    """The <option>s of a search select (widgets.SearchSelect): the empty choice, the record the form
    holds (sent along as the parameter named by `field`), and the first matches of `q`, all from the
    form's own scoped queryset (choices.SOURCES)."""
    source = SOURCES[kind]
    scope = scope_for(request)
    current = source.current(scope, request.GET.get(request.GET.get("field", ""), ""))
    found = source.search(scope, request.GET.get("q", ""))
    # The current record heads the list; a match that is the current record is not repeated.
    shown = [r for r in (found or [])[:MAX_SUGGESTIONS] if current is None or r.pk != current.pk]
    return render(
        request,
        "registry/_suggestions.html",
        {
            "none": NONE,
            "current": (current.pk, source.label(current)) if current else None,
            "found": [(record.pk, source.label(record)) for record in shown],
            "nothing_found": found == [],
            "more": found is not None and len(found) > MAX_SUGGESTIONS,
            "limit": MAX_SUGGESTIONS,
        },
    )


# -- persons -----------------------------------------------------------------------------------


def person_export(request):
    """Ethnicity (sensitive) is left out unless asked for (`?sensitive=1`) by a role that may read it;
    such an export is written to the audit log."""
    if request.GET.get("sensitive") != "1":
        return list_export(request, PEOPLE)
    if not scope_for(request).can(Capability.VIEW_SENSITIVE):
        raise Http404
    return list_export(request, PEOPLE, exports.PEOPLE_WITH_ETHNICITY, sensitive=True)


def person_detail(request, person_id):
    scope = scope_for(request)
    person = scope.get_or_404(
        Person.objects.select_related("household__village", "unit", "commune", "employer"), pk=person_id
    )
    return render(request, "registry/person_detail.html", _person_context(scope, person))


def _person_context(scope, person, number: str = "") -> dict:
    return {
        "person": person,
        "number": number,
        "can_edit": scope.can(Capability.EDIT_REGISTRY, person.unit),
        "can_reveal": bool(person.id_number) and scope.can(Capability.VIEW_ID_NUMBERS, person.unit),
        "can_view_sensitive": scope.can(Capability.VIEW_SENSITIVE, person.unit),
    }


def person_reveal_id(request, person_id):
    """Show the full ID number once, on request; the showing is written to the audit log."""
    scope = scope_for(request)
    person = scope.get_or_404(
        Person.objects.select_related("household__village", "unit", "commune", "employer"),
        Capability.VIEW_ID_NUMBERS,
        pk=person_id,
    )
    if refused := not_post(request):
        return refused
    number = reveal_id_number(scope, person, request.user)
    template = "registry/_id_number.html" if is_htmx(request) else "registry/person_detail.html"
    response = render(request, template, _person_context(scope, person, number))
    response["Cache-Control"] = "no-store"
    return response


def person_create(request):
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    return _person_form(request, scope, Person())


def person_edit(request, person_id):
    scope = scope_for(request)
    person = scope.get_or_404(Person.objects.all(), Capability.EDIT_REGISTRY, pk=person_id)
    return _person_form(request, scope, person)


def _person_form(request, scope, person):
    form = PersonForm(request.POST or None, instance=person, scope=scope)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        hints = [] if person.pk else duplicates_of(scope, person, form.cleaned_data["unit"])
        try:
            save_person(scope, person)
        except OutOfScope as refused:
            form.add_error(None, str(refused))
        else:
            for hint in hints:
                messages.warning(request, hint.message)
            messages.success(request, _("Đã lưu %(person)s.") % {"person": person})
            return redirect("registry:person_detail", person_id=person.pk)
    return render(
        request,
        "registry/subject_form.html",
        {
            "form": form,
            "title": _("Sửa nhân khẩu") if person.pk else _("Thêm nhân khẩu"),
            "cancel_url": (
                reverse("registry:person_detail", args=[person.pk]) if person.pk else reverse("registry:person_list")
            ),
        },
    )


# -- clan branches -----------------------------------------------------------------------------


def clan_detail(request, clan_id):
    scope = scope_for(request)
    clan = scope.get_or_404(ClanBranch.objects.select_related("commune"), pk=clan_id)
    households = scope.filter(clan.households.select_related("village", "head"), Capability.VIEW).order_by(
        "village__sort_key", "sort_key"
    )
    return render(
        request,
        "registry/clan_detail.html",
        {
            "clan": clan,
            "households": households,
            "can_edit": scope.can(Capability.EDIT_REGISTRY, clan.commune),
        },
    )


# An edit page's URL names its record (clan_id, organisation_id): one small view per kind passes it on.
def clan_edit(request, clan_id):
    return _subject_edit(request, CLAN_FORM, clan_id)


def subject_create(request, subject: SubjectForm):
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    record = subject.form_class._meta.model()
    cancel_url = reverse(f"registry:{subject.name}_list")
    return _subject_form(request, scope, subject, record, subject.create_title, cancel_url)


def _subject_edit(request, subject: SubjectForm, pk):
    scope = scope_for(request)
    record = scope.get_or_404(subject.form_class._meta.model.objects.all(), Capability.EDIT_REGISTRY, pk=pk)
    cancel_url = reverse(f"registry:{subject.name}_detail", args=[pk])
    return _subject_form(request, scope, subject, record, subject.edit_title, cancel_url)


def _subject_form(request, scope, subject: SubjectForm, record, title, cancel_url):
    form = subject.form_class(request.POST or None, instance=record, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            saved = subject.save(scope, form.save(commit=False))
        except OutOfScope as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Đã lưu %(name)s.") % {"name": saved})
            return redirect(f"registry:{subject.name}_detail", saved.pk)
    return render(request, "registry/subject_form.html", {"form": form, "title": title, "cancel_url": cancel_url})


# -- organisations -----------------------------------------------------------------------------


def organisation_detail(request, organisation_id):
    scope = scope_for(request)
    organisation = scope.get_or_404(Organisation.objects.select_related("unit"), pk=organisation_id)
    staff = scope.filter(organisation.staff.select_related("household"), Capability.VIEW).in_order()
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "staff": staff,
            "can_edit": scope.can(Capability.EDIT_REGISTRY, organisation.unit),
            # schools and continuing-education centres declare their learners (assessments.learners)
            "has_learners": organisation.kind in EDUCATIONAL_KINDS,
        },
    )


def organisation_edit(request, organisation_id):
    return _subject_edit(request, ORGANISATION_FORM, organisation_id)


# -- declared totals ---------------------------------------------------------------------------


def _year(request) -> int:
    return parse_year(request.GET.get("year")) or timezone.localdate().year


def totals_list(request):
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    year = _year(request)
    communes = scope.filter(Unit.objects.current().filter(level=Level.COMMUNE), Capability.REPORT).in_order()
    page = Paginator(communes, PAGE_SIZE).get_page(request.GET.get("page"))
    declared = {t.commune_id: t for t in DeclaredTotals.objects.filter(year=year, commune__in=list(page))}
    rows = [(commune, declared.get(commune.pk)) for commune in page]
    return render(request, "registry/totals_list.html", {"year": year, "page": page, "rows": rows})


def totals_edit(request, commune_id, year):
    scope = scope_for(request)
    commune, totals = commune_year_record(scope, DeclaredTotals.objects, commune_id, year)
    form = DeclaredTotalsForm(request.POST or None, instance=totals)
    if request.method == "POST" and form.is_valid():
        save_declared_totals(scope, form.save(commit=False), request.user)
        messages.success(request, _("Đã lưu số liệu khai báo năm %(year)s.") % {"year": year})
        return redirect(f"{reverse('registry:totals_list')}?year={year}")
    figures = [
        (kind.label, registry_count(commune, year, kind), denominator(commune, year, kind)) for kind in TotalKind
    ]
    return render(
        request,
        "registry/totals_form.html",
        {
            "form": form,
            "commune": commune,
            "year": year,
            "figures": figures,
        },
    )


# -- a citizen's own data ----------------------------------------------------------------------


def my_data(request):
    scope = scope_for(request)
    return render(request, "registry/my_data.html", {"data": personal_data(scope, request.user)})


def my_data_download(request):
    data = personal_data(scope_for(request), request.user, log_access=True)
    record_export(request.user, "registry.my_data", rows=len(data["people"]), file_format="json")
    response = download(
        json.dumps(data, ensure_ascii=False, indent=2), "du-lieu-ca-nhan.json", "application/json; charset=utf-8"
    )
    response["Cache-Control"] = "no-store"
    return response

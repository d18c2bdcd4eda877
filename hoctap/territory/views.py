from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.web.shortcuts import accepted, is_htmx, one_page_import, writer_form

from . import village_changes
from .areas import designation_for, remove_designation, set_designation
from .forms import (
    AreaDesignationForm,
    AreaYearForm,
    UnitFilterForm,
    VillageChangeForm,
    VillageForm,
)
from .imports import AREA_DESIGNATIONS
from .models import AreaDesignation, Level, Unit, VillageChange
from .services import create_village


def unit_list(request):
    scope = scope_for(request)
    form = UnitFilterForm(request.GET or None)
    units = scope.filter(Unit.objects.select_related("parent"))
    if form.is_valid():
        units = form.apply(units)
    else:
        units = units.filter(era="current", level__in=[Level.PROVINCE, Level.COMMUNE])
    page = Paginator(units.in_order(), 50).get_page(request.GET.get("page"))
    template = "territory/_unit_rows.html" if is_htmx(request) else "territory/unit_list.html"
    return render(request, template, {"form": form, "page": page})


def unit_detail(request, unit_id):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.select_related("parent"), pk=unit_id)
    children = scope.filter(unit.children.all()).in_order()
    return render(
        request,
        "territory/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": children,
            "predecessors": scope.filter(unit.predecessors()),
            "successors": scope.filter(unit.successors()),
            "can_add_village": unit.level == Level.COMMUNE
            and unit.is_current
            and scope.can(Capability.MANAGE_TERRITORY, unit),
            "area": designation_for(unit, timezone.localdate().year),
            "area_year": timezone.localdate().year,
            "village_changes_link": unit.level == Level.COMMUNE and unit.is_current,
            "formed_from": village_changes.predecessors_of(unit) if unit.level == Level.VILLAGE else [],
            "went_into": scope.filter(
                VillageChange.objects.filter(from_villages=unit).exclude(to_villages=unit)
            ).prefetch_related("to_villages")
            if unit.level == Level.VILLAGE
            else [],
        },
    )


def village_create(request, unit_id):
    scope = scope_for(request)
    commune = scope.get_or_404(
        Unit.objects.current().filter(level=Level.COMMUNE), Capability.MANAGE_TERRITORY, pk=unit_id
    )
    form = VillageForm(request.POST or None)
    village = accepted(request, form, lambda data: create_village(scope, commune, **data))
    if village:
        messages.success(request, _("Đã thêm %(name)s.") % {"name": village.name})
        return redirect("territory:unit_detail", unit_id=commune.pk)
    return render(request, "territory/village_form.html", {"form": form, "commune": commune})


@require_http_methods(["GET", "POST"])
def village_change_list(request, unit_id):
    """A commune's village merges and splits, most recent first; the commune's officer records one
    here (`village_changes.record`: scoped, audited, every problem by field)."""
    scope = scope_for(request)
    commune = scope.get_or_404(Unit.objects.current().filter(level=Level.COMMUNE).select_related("parent"), pk=unit_id)
    can_record = scope.can(Capability.MANAGE_TERRITORY, commune)
    form = writer_form(request, can_record, lambda: VillageChangeForm(request.POST or None, commune=commune))
    change = None if form is None else accepted(request, form, lambda data: _record_change(scope, commune, data))
    if change is not None:
        messages.success(
            request,
            _("Đã ghi %(kind)s thôn ngày %(day)s; các hộ của thôn giải thể đã chuyển sang %(village)s.")
            % {
                "kind": change.get_kind_display().lower(),
                "day": change.effective_on.strftime("%d/%m/%Y"),
                "village": change.receiving.name,
            },
        )
        return redirect("territory:village_changes", unit_id=commune.pk)
    changes = (
        scope.filter(VillageChange.objects.filter(commune=commune))
        .select_related("receiving", "recorded_by")
        .prefetch_related("from_villages", "to_villages")
    )
    return render(
        request,
        "territory/village_changes.html",
        {
            "commune": commune,
            "changes": changes,
            "form": form,
            "can_record": can_record,
        },
    )


def _record_change(scope, commune, data: dict) -> VillageChange:
    return village_changes.record(
        scope,
        commune,
        kind=data["kind"],
        effective_on=data["effective_on"],
        from_villages=list(data["from_villages"]),
        to_villages=list(data["to_villages"]),
        receiving=data["receiving"],
        basis_number=data["basis_number"],
        basis_date=data["basis_date"],
        basis_issuer=data["basis_issuer"],
        note=data["note"],
        new_village=data["new_village"],
    )


# -- disadvantaged-area designations -------------------------------------------------------------


def area_list(request):
    """The designations of the user's territory for a year (this year by default), with links to
    each unit's page; the province's officer also gets the Excel import."""
    scope = scope_for(request)
    form = AreaYearForm(request.GET or None)
    year = (form.cleaned_data.get("year") if form.is_valid() else None) or timezone.localdate().year
    if not form.is_bound:
        form = AreaYearForm(initial={"year": year})  # the year shown in the title, not an empty box
    records = scope.filter(AreaDesignation.objects.filter(year=year).select_related("unit__parent"))
    page = Paginator(records.order_by("unit__path", "unit__sort_key"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "territory/area_list.html",
        {
            "form": form,
            "year": year,
            "page": page,
            "can_classify": scope.can(Capability.CLASSIFY_AREAS),
        },
    )


@require_http_methods(["GET", "POST"])
def unit_areas(request, unit_id):
    """One commune's or village's designations, year by year; the province sets them here."""
    scope = scope_for(request)
    unit = scope.get_or_404(
        Unit.objects.current().filter(level__in=[Level.COMMUNE, Level.VILLAGE]).select_related("parent"), pk=unit_id
    )
    can_classify = scope.can(Capability.CLASSIFY_AREAS, unit)
    form = writer_form(request, can_classify, lambda: AreaDesignationForm(request.POST or None, unit=unit))
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = set_designation(
                scope,
                unit,
                form.years(),
                designation=data["designation"],
                basis_number=data["basis_number"],
                basis_date=data["basis_date"],
                basis_issuer=data["basis_issuer"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error("designation", error.message_dict.get("designation", error.messages))
        else:
            messages.success(
                request, _("Đã ghi loại vùng của %(unit)s cho %(n)s năm.") % {"unit": unit.name, "n": len(saved)}
            )
            return redirect("territory:unit_areas", unit_id=unit.pk)
    records = scope.filter(AreaDesignation.objects.filter(unit=unit)).order_by("-year")
    inherited = []
    if unit.level == Level.VILLAGE and unit.parent_id:
        own_years = set(records.values_list("year", flat=True))
        inherited = [
            r
            for r in scope.filter(AreaDesignation.objects.filter(unit_id=unit.parent_id)).order_by("-year")
            if r.year not in own_years
        ]
    return render(
        request,
        "territory/unit_areas.html",
        {
            "unit": unit,
            "records": records,
            "inherited": inherited,
            "form": form,
            "can_classify": can_classify,
        },
    )


@require_http_methods(["GET", "POST"])
def area_delete(request, designation_id):
    scope = scope_for(request)
    record = scope.get_or_404(
        AreaDesignation.objects.select_related("unit"), Capability.CLASSIFY_AREAS, pk=designation_id
    )
    if request.method == "GET":  # the button is a form on the unit's page
        return redirect("territory:unit_areas", unit_id=record.unit_id)
    remove_designation(scope, record)
    messages.success(
        request, _("Đã xoá loại vùng năm %(year)s của %(unit)s.") % {"year": record.year, "unit": record.unit.name}
    )
    return redirect("territory:unit_areas", unit_id=record.unit_id)


@require_http_methods(["GET", "POST"])
def area_import(request):
    return one_page_import(
        request,
        AREA_DESIGNATIONS,
        page="territory/area_import.html",
        filename="mau-loai-vung.xlsx",
        done=_("Đã nhập %(n)s dòng loại vùng."),
    )

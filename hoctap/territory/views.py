from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for

from .forms import UnitFilterForm, VillageForm
from .models import Level, Unit
from .services import create_village


@login_required
def unit_list(request):
    scope = scope_for(request)
    form = UnitFilterForm(request.GET or None)
    units = scope.filter(Unit.objects.select_related("parent"))
    if form.is_valid():
        units = form.apply(units)
    else:
        units = units.filter(era="current", level__in=[Level.PROVINCE, Level.COMMUNE])
    page = Paginator(units.in_order(), 50).get_page(request.GET.get("page"))
    template = "territory/_unit_rows.html" if request.headers.get("HX-Request") else "territory/unit_list.html"
    return render(request, template, {"form": form, "page": page})


@login_required
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
            "can_add_village": unit.level == Level.COMMUNE and unit.is_current
            and scope.can(Capability.MANAGE_TERRITORY, unit),
        },
    )


@login_required
def village_create(request, unit_id):
    scope = scope_for(request)
    commune = scope.get_or_404(Unit.objects.current().filter(level=Level.COMMUNE), Capability.MANAGE_TERRITORY, pk=unit_id)
    form = VillageForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        village = create_village(scope, commune, **form.cleaned_data)
        messages.success(request, _("Đã thêm %(name)s.") % {"name": village.name})
        return redirect("territory:unit_detail", unit_id=commune.pk)
    return render(request, "territory/village_form.html", {"form": form, "commune": commune})

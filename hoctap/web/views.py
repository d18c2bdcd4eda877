from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.territory.models import Era, Level, Unit

from .todo import todo_for


@login_not_required
def home(request):
    """Signed in: the work waiting now. Anonymous: what a visitor can do without an account."""
    if not request.user.is_authenticated:
        provinces = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("sort_key").only("code", "name")
        return render(request, "web/landing.html", {"provinces": provinces})
    scope = scope_for(request)
    # "Your area" links to the unit's page: only the units the user may open (a body that only
    # receives reports, a People's Committee, holds its unit without reading it).
    units = [unit for unit in scope.home_units() if scope.can(Capability.VIEW, unit)]
    return render(request, "web/home.html", {"items": todo_for(scope), "home_units": units})


@login_not_required
def public_stats(request):
    """The landing page's province picker: on to that province's public page (no sign-in)."""
    province = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, code=request.GET.get("code", "")).first()
    if province is None:
        return redirect("home")
    return redirect("stats:public_province", code=province.code)

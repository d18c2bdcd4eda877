from django.contrib import messages
from django.db.models import F, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import year_asked
from hoctap.territory.models import Level, Unit
from hoctap.web.shortcuts import accepted, form_page, year_page

from . import services
from .forms import EntryForm, FundForm, ReverseForm
from .models import EntryKind, Fund, FundEntry


def _writable_communes(scope):
    return scope.filter(Unit.objects.current().filter(level=Level.COMMUNE), Capability.REPORT).in_order()


def index(request):
    scope = scope_for(request)
    funds = (
        scope.filter(Fund.objects.select_related("unit"))
        .annotate(
            received=Sum("entries__amount", filter=Q(entries__kind=EntryKind.RECEIPT), default=0),
            paid=Sum("entries__amount", filter=Q(entries__kind=EntryKind.PAYMENT), default=0),
        )
        .annotate(balance=F("received") - F("paid"))
    )
    units = [u for u in scope.home_units() if u.level != Level.VILLAGE]
    return render(
        request,
        "funds/index.html",
        {
            "funds": funds[:200],
            "units": units,
            "can_create": _writable_communes(scope).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def fund_create(request):
    scope = scope_for(request)
    communes = _writable_communes(scope)
    if not communes.exists():
        raise Http404
    form = FundForm(request.POST or None, units=communes)
    fund = accepted(request, form, lambda data: services.open_fund(scope, **data))
    if fund:
        messages.success(request, _("Đã lập quỹ %(name)s. Ghi khoản thu đầu tiên bên dưới.") % {"name": fund.name})
        return redirect("funds:detail", fund_id=fund.pk)
    return form_page(request, form, title=_("Lập quỹ khuyến học"), submit=_("Lập quỹ"), back=resolve_url("funds:index"))


def detail(request, fund_id):
    scope = scope_for(request)
    fund = scope.get_or_404(Fund.objects.select_related("unit"), pk=fund_id)
    year = year_asked(request)
    entries = fund.entries.filter(date__year=year).select_related("reverses", "reversal").order_by("date", "pk")
    lines = services.balances(fund)
    return render(
        request,
        "funds/detail.html",
        {
            "fund": fund,
            "year": year,
            "entries": entries,
            "lines": lines,
            "line": next((line for line in lines if line.year == year), None),
            "can_write": scope.can(Capability.REPORT, fund.unit),
            "years": [line.year for line in reversed(lines)],
        },
    )


@require_http_methods(["GET", "POST"])
def entry_create(request, fund_id, kind):
    scope = scope_for(request)
    fund = scope.get_or_404(Fund.objects.select_related("unit"), Capability.REPORT, pk=fund_id)
    form = EntryForm(request.POST or None, kind=kind)
    entry = accepted(request, form, lambda data: services.record(scope, fund, kind=kind, user=request.user, **data))
    if entry is not None:
        messages.success(request, _("Đã ghi sổ: %(entry)s.") % {"entry": _entry_label(entry)})
        return redirect(f"{fund_url(fund)}?year={entry.date.year}")
    return render(
        request, "funds/entry_form.html", {"form": form, "fund": fund, "kind": kind, "balance": services.balance(fund)}
    )


def fund_url(fund):
    from django.urls import reverse as url

    return url("funds:detail", args=[fund.pk])


def _entry_label(entry):
    from .templatetags.money import dong

    return f"{entry.get_kind_display().lower()} {dong(entry.amount)}, {entry.party}"


@require_http_methods(["GET", "POST"])
def reverse(request, entry_id):
    scope = scope_for(request)
    entry = scope.get_or_404(FundEntry.objects.select_related("fund", "fund__unit"), Capability.REPORT, pk=entry_id)
    form = ReverseForm(request.POST or None)
    correction = accepted(
        request, form, lambda data: services.reverse(scope, entry, reason=data["reason"], user=request.user)
    )
    if correction is not None:
        messages.success(request, _("Đã ghi bút toán điều chỉnh; bút toán gốc vẫn được giữ trong sổ."))
        return redirect(f"{fund_url(entry.fund)}?year={correction.date.year}")
    return render(request, "funds/reverse_form.html", {"form": form, "entry": entry})


def summary(request, unit_id):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.current().exclude(level=Level.VILLAGE), pk=unit_id)
    year = year_asked(request)
    figures = services.figures(unit, year)
    return year_page(
        request,
        "funds/summary.html",
        year,
        {"unit": unit, "figures": figures, "visible": figures.visible_children(scope)},
    )

"""Pages of the association's members and branches. Thin: records come through the scope, rules from
services; a record outside the reader's territory is a 404."""

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import year_asked
from hoctap.registry.models import ClanBranch, Organisation
from hoctap.territory.models import Era, Level, Unit
from hoctap.web.shortcuts import accepted, form_page, year_page

from . import services
from .forms import BranchForm, DuesForm, EndOfficeForm, JoinForm, LeaveForm, MoveForm, OfficeForm, TrainingForm
from .models import Branch, Dues, Member, Office

WRITE = services.WRITE
PAGE = 300  # rows a branch page shows; a branch has tens of members, a few hundred at most


def index(request):
    scope = scope_for(request)
    branches = scope.filter(Branch.objects.select_related("unit", "commune")).annotate(
        current=Count("memberships", filter=Q(memberships__left_on__isnull=True))
    )
    units = [u for u in scope.home_units() if u.level in (Level.NATION, Level.PROVINCE, Level.COMMUNE)]
    return render(
        request,
        "members/index.html",
        {
            "branches": branches[:PAGE],
            "more": branches.count() > PAGE,
            "units": units,
            "can_write": scope.can(WRITE),
        },
    )


def _writable_units(scope):
    return (
        scope.filter(Unit.objects.filter(era=Era.CURRENT, level__in=[Level.COMMUNE, Level.VILLAGE]), WRITE)
        .select_related("parent")
        .in_order()
    )


@require_http_methods(["GET", "POST"])
def branch_create(request):
    scope = scope_for(request)
    units = _writable_units(scope)
    if not scope.can(WRITE) or not units.exists():
        raise Http404
    form = BranchForm(
        request.POST or None,
        units=units,
        organisations=scope.filter(Organisation.objects.all(), WRITE).order_by("sort_key"),
        clans=scope.filter(ClanBranch.objects.all(), WRITE).order_by("sort_key"),
    )
    branch = accepted(request, form, lambda data: services.save_branch(scope, form.save(commit=False)))
    if branch is not None:
        messages.success(request, _("Đã lập %(name)s. Ghi tên hội viên đầu tiên bên dưới.") % {"name": branch.name})
        return redirect("members:branch", branch_id=branch.pk)
    return form_page(
        request, form, title=_("Lập chi hội khuyến học"), back=reverse("members:index"), submit=_("Lập chi hội")
    )


def branch_detail(request, branch_id):
    scope = scope_for(request)
    branch = scope.get_or_404(Branch.objects.select_related("unit", "commune"), pk=branch_id)
    year = year_asked(request)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = list(
        branch.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gte=start), joined_on__lte=end)
        .select_related("member")
        .order_by("member__sort_key", "joined_on")[:PAGE]
    )
    paid = dict(Dues.objects.filter(branch=branch, year=year).values_list("member_id", "amount"))
    for row in rows:
        row.paid = paid.get(row.member_id)
    figures = services.figures(branch.unit, year) if branch.unit.level == Level.VILLAGE else None
    return year_page(
        request,
        "members/branch.html",
        year,
        {
            "branch": branch,
            "rows": rows,
            "paid": paid,
            "at_end": sum(1 for m in rows if m.active_on(end)),
            "figures": figures,
            "dues_total": sum(paid.values()),
            "can_write": scope.can(WRITE, branch.unit),
        },
    )


@require_http_methods(["GET", "POST"])
def join(request, branch_id):
    scope = scope_for(request)
    branch = scope.get_or_404(Branch.objects.select_related("unit", "commune"), WRITE, pk=branch_id)
    form = JoinForm(request.POST or None)
    membership = accepted(request, form, lambda data: services.join(scope, branch, user=request.user, **data))
    if membership is not None:
        messages.success(
            request,
            _("Đã ghi %(name)s vào %(branch)s.") % {"name": membership.member.full_name, "branch": branch.name},
        )
        return redirect("members:branch", branch_id=branch.pk)
    return form_page(
        request,
        form,
        title=_("Ghi tên hội viên mới"),
        subtitle=branch.name,
        back=reverse("members:branch", args=[branch.pk]),
        submit=_("Ghi tên"),
    )


def member_detail(request, member_id):
    scope = scope_for(request)
    member = scope.get_or_404(Member.objects.select_related("unit"), pk=member_id)
    memberships = member.memberships.select_related("branch").order_by("-joined_on", "-pk")
    return render(
        request,
        "members/member.html",
        {
            "member": member,
            "memberships": memberships,
            "open": next((m for m in memberships if m.left_on is None), None),
            "dues": member.dues.select_related("branch").order_by("-year"),
            "offices": member.offices.select_related("branch"),
            "trainings": member.trainings.all(),
            "can_write": scope.can(WRITE, member.unit),
        },
    )


def _commune_branches(scope, member):
    commune = member.unit if member.unit.level == Level.COMMUNE else member.unit.parent
    return scope.filter(Branch.objects.filter(commune=commune, dissolved_on__isnull=True), WRITE)


ACTIONS = {
    "leave": (LeaveForm, _("Ghi hội viên ra khỏi chi hội"), _("Ghi")),
    "move": (MoveForm, _("Chuyển chi hội"), _("Chuyển")),
    "dues": (DuesForm, _("Ghi hội phí"), _("Ghi hội phí")),
    "office": (OfficeForm, _("Ghi chức vụ trong Hội"), _("Ghi chức vụ")),
    "training": (TrainingForm, _("Ghi bồi dưỡng, tập huấn"), _("Ghi")),
}


def _perform(scope, member, action, data, user):
    if action == "leave":
        services.leave(scope, member, left_on=data["left_on"], reason=data["reason"], user=user)
        return _("Đã ghi ngày ra; quá trình sinh hoạt trước đó vẫn được giữ.")
    if action == "move":
        services.move(scope, member, data["branch"], on=data["on"], user=user)
        return _("Đã chuyển sang %(branch)s.") % {"branch": data["branch"].name}
    if action == "dues":
        dues = services.record_dues(
            scope, member, year=data["year"], amount=data["amount"], paid_on=data["paid_on"], user=user
        )
        from hoctap.funds.money import format_dong

        return _("Đã ghi hội phí năm %(year)d: %(amount)s.") % {"year": dues.year, "amount": format_dong(dues.amount)}
    if action == "office":
        services.add_office(scope, member, **data)
        return _("Đã ghi chức vụ.")
    services.add_training(scope, member, **data)
    return _("Đã ghi bồi dưỡng, tập huấn.")


@require_http_methods(["GET", "POST"])
def act(request, member_id, action):
    scope = scope_for(request)
    member = scope.get_or_404(Member.objects.select_related("unit", "unit__parent"), WRITE, pk=member_id)
    form_class, title, submit = ACTIONS[action]
    extra = {"branches": _commune_branches(scope, member)} if action in ("move", "office") else {}
    form = form_class(request.POST or None, **extra)
    done = accepted(request, form, lambda data: _perform(scope, member, action, data, request.user))
    if done is not None:
        messages.success(request, done)
        return redirect("members:member", member_id=member.pk)
    return form_page(
        request,
        form,
        title=title,
        subtitle=member.full_name,
        submit=submit,
        back=reverse("members:member", args=[member.pk]),
    )


@require_http_methods(["GET", "POST"])
def office_end(request, office_id):
    scope = scope_for(request)
    office = scope.get_or_404(Office.objects.select_related("member"), WRITE, pk=office_id)
    form = EndOfficeForm(request.POST or None)
    ended = accepted(request, form, lambda data: services.end_office(scope, office, ended_on=data["ended_on"]))
    if ended is not None:
        messages.success(request, _("Đã ghi ngày thôi giữ chức vụ."))
        return redirect("members:member", member_id=office.member_id)
    return form_page(
        request,
        form,
        title=_("Thôi giữ chức vụ"),
        subtitle=f"{office.get_position_display()} · {office.member}",
        submit=_("Ghi"),
        back=reverse("members:member", args=[office.member_id]),
    )


def summary(request, unit_id):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.filter(era=Era.CURRENT), pk=unit_id)
    year = year_asked(request)
    figures = services.figures(unit, year)
    own = None
    if unit.level == Level.COMMUNE:
        # The commune's branches in units, schools and clans sit on the commune itself.
        own = figures.total
        for _child, line in figures.children:
            own = own.minus(line)
    return year_page(
        request,
        "members/summary.html",
        year,
        {
            "unit": unit,
            "figures": figures,
            "visible": figures.visible_children(scope),
            "own": own,
            "child_kind": {
                Level.NATION: _("Tỉnh, thành phố"),
                Level.PROVINCE: _("Xã, phường"),
                Level.COMMUNE: _("Thôn, tổ dân phố"),
            }.get(unit.level, ""),
            "branches": scope.filter(Branch.objects.filter(commune=unit)) if unit.level == Level.COMMUNE else None,
        },
    )

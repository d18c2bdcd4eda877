from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.exports import XLSX_CONTENT_TYPE
from hoctap.web.shortcuts import accepted, download, filtered_by_given

from . import emulation, services
from .exports import honour_list_xlsx
from .forms import AwardForm, DecisionForm, HonourListForm, NominationForm, SelfReportForm, answers_from_post
from .models import Award, EmulationSelfReport, Nomination


def index(request):
    """The awards home: nominations (by occasion), self-reports and awards in the user's territory.
    The write buttons are shown to those with the report capability only; the rest read."""
    scope = scope_for(request)
    occasion = request.GET.get("occasion", "")
    nominations = scope.filter(Nomination.objects.select_related("unit")).order_by("-created_at")
    nominations = filtered_by_given(nominations, occasion=occasion)
    return render(
        request,
        "awards/index.html",
        {
            "nominations": nominations[:200],
            "awards": scope.filter(Award.objects.select_related("unit"))[:200],
            "self_reports": scope.filter(EmulationSelfReport.objects.select_related("unit")).order_by(
                "-year", "body_name"
            )[:200],
            "occasions": emulation.programme().occasions,
            "occasion": occasion,
            "can_write": scope.can(Capability.REPORT),
        },
    )


def self_report_create(request):
    """Start a self-report: who reports, for which year and where. The criteria are answered on
    the report's own page, so a new report starts with none answered."""
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    form = SelfReportForm(request.POST or None, scope=scope, initial={"year": timezone.localdate().year})
    report = accepted(request, form, lambda data: services.save_self_report(scope, answers={}, **data))
    if report is not None:
        return redirect("awards:self_report", report_id=report.pk)
    return _form_page(request, form, _("Tự đánh giá thi đua"))


def self_report(request, report_id):
    """A self-report's criteria sheet. Anyone in scope reads it; a writer saves it as a draft or saves
    and sends it (the `submit` button). A POST by someone who may not write is a 404 (looked up
    with the report capability), and a sent report shows the refusal rather than changing."""
    scope = scope_for(request)
    report = scope.get_or_404(EmulationSelfReport.objects.select_related("unit"), pk=report_id)
    body = emulation.body(report.body)
    error = None
    if request.method == "POST":
        report = scope.get_or_404(EmulationSelfReport.objects.select_related("unit"), Capability.REPORT, pk=report_id)
        try:
            report = services.save_self_report(
                scope,
                year=report.year,
                body=report.body,
                body_name=report.body_name,
                unit=report.unit,
                answers=answers_from_post(body, request.POST),
                report=report,
            )
            if request.POST.get("submit"):
                services.submit_self_report(scope, report, actor=request.user)
                messages.success(request, _("Đã gửi bản tự đánh giá."))
            return redirect("awards:self_report", report_id=report.pk)
        except ValidationError as exc:
            error = exc
    criteria = [(c, report.answers.get(c.code, {})) for c in body.criteria]
    return render(
        request,
        "awards/self_report.html",
        {
            "report": report,
            "body": body,
            "criteria": criteria,
            "error": error,
            "can_edit": report.editable and scope.can(Capability.REPORT, report.unit),
            "source": emulation.programme().source,
        },
    )


def nomination_create(request):
    """Put someone forward; it starts at the level of the place it is raised in (see
    `services.create_nomination`)."""
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    form = NominationForm(request.POST or None, scope=scope)
    nomination = accepted(request, form, lambda data: services.create_nomination(scope, actor=request.user, **data))
    if nomination is not None:
        return redirect("awards:nomination", nomination_id=nomination.pk)
    return _form_page(request, form, _("Đề nghị biểu dương"))


def nomination(request, nomination_id):
    """A nomination: its facts, the deciding level's buttons, the decisions so far and its awards.
    Each button posts the version the page showed, so a decision taken meanwhile by a colleague
    makes the old page's post a refusal that says to reload; a POST by anyone but the deciding level
    is a 404 (`services.transition`)."""
    scope = scope_for(request)
    item = scope.get_or_404(Nomination.objects.select_related("unit"), pk=nomination_id)
    form = DecisionForm(request.POST or None)
    decided = accepted(
        request,
        form,
        lambda data: services.transition(
            scope, item, data["action"], actor=request.user, reason=data["reason"], expected_version=data["version"]
        ),
    )
    if decided is not None:
        messages.success(request, _("Đã ghi quyết định."))
        return redirect("awards:nomination", nomination_id=item.pk)
    return render(
        request,
        "awards/nomination.html",
        {
            "item": item,
            "form": form,
            "actions": services.available_actions(scope, item),
            "decisions": item.decisions.select_related("actor"),
            "awards": scope.filter(item.awards.all()),
            "occasion": emulation.occasion(item.occasion),
            "can_write": scope.can(Capability.REPORT),
        },
    )


def award_create(request):
    """Record an award, from scratch or for a nomination (`?nomination=`, prefilling its name, kind
    and place). The nomination is looked up in the user's scope, so another territory's is a 404."""
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    nomination_id = request.GET.get("nomination") or request.POST.get("nomination")
    nomination = None
    if nomination_id:
        nomination = scope.get_or_404(Nomination.objects.select_related("unit"), pk=nomination_id)
    initial = (
        {"recipient_name": nomination.nominee_name, "recipient_kind": nomination.nominee_kind, "unit": nomination.unit}
        if nomination
        else {}
    )
    form = AwardForm(request.POST or None, scope=scope, initial=initial)
    award = accepted(
        request, form, lambda data: services.record_award(scope, actor=request.user, nomination=nomination, **data)
    )
    if award is not None:
        messages.success(request, _("Đã ghi khen thưởng."))
        return redirect("awards:index")
    return _form_page(request, form, _("Ghi khen thưởng"), hidden={"nomination": nomination.pk} if nomination else {})


def _form_page(request, form, heading: str, *, hidden: dict | None = None):
    """A page that is one awards form under its heading; `hidden` values go back with the post (the
    nomination an award is recorded for)."""
    return render(request, "awards/form.html", {"form": form, "heading": heading, "hidden": hidden or {}})


def honours(request):
    """The honour list of an occasion at a level, under a unit the user may read; `format=xlsx`
    downloads it. A download without a valid choice is a 404 rather than an empty file."""
    scope = scope_for(request)
    form = HonourListForm(request.GET or None, scope=scope)
    nominations = None
    if form.is_valid():
        data = form.cleaned_data
        nominations = services.honour_list(scope, data["occasion"], data["stage"], data["unit"])
        if request.GET.get("format") == "xlsx":
            return honour_list_download(request.user, nominations, data["occasion"], data["stage"], data["unit"])
    elif request.GET.get("format"):
        raise Http404
    return render(request, "awards/honours.html", {"form": form, "nominations": nominations})


def honour_list_download(actor, nominations, occasion: str, stage: str, unit):
    """The honour list as a workbook to save, its export written in the audit log (page and API)."""
    content = honour_list_xlsx(nominations, occasion_code=occasion, stage=stage, unit=unit)
    services.audit_honour_list(actor, nominations, occasion, stage, unit)
    return download(content, f"bieu-duong-{occasion}-{unit.code}.xlsx", XLSX_CONTENT_TYPE)

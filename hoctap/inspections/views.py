"""The inspection pages: the province plans an inspection and scores its sample, the inspected
commune reads the findings about it and acts on them through the assessments workflow.

Who sees what follows the scope: an inspection (its plan, sample and report) belongs to the
province, so a commune officer meets 'not found' there; each finding is scoped by its commune, so
the commune sees the findings about itself and never another commune's. The views only turn the
request into service calls (`services` holds every rule) and a refusal into a message that says
what to do instead.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.assessments.subjects import display_name
from hoctap.web.shortcuts import accepted, not_post

from . import services
from .forms import FollowUpForm, PlanForm, ScoreForm
from .models import Finding, FollowUp, Inspection, Verdict


def findings_named(inspection):
    """The inspection's findings with their commune and what names each subject (`display_name`),
    read in the same query."""
    return inspection.findings.select_related(
        "commune",
        "assessment__household__head",
        "assessment__clan_branch",
        "assessment__organisation",
        "assessment__person",
        "assessment__community",
    )


def inspection_list(request):
    scope = scope_for(request)
    scope.require(Capability.REVIEW)
    inspections = scope.filter(Inspection.objects.select_related("province"), Capability.REVIEW)
    # An inspected commune sees the findings about it, without the province's plan around them.
    findings = (
        scope.filter(Finding.objects.exclude(inspection__in=inspections))
        .select_related("inspection", "commune")
        .order_by("-inspection__year", "commune__sort_key", "position")
    )
    return render(
        request,
        "inspections/list.html",
        {
            "inspections": inspections,
            "findings": findings[:200],
            "can_plan": services.inspected_provinces(scope).exists(),
        },
    )


def inspection_create(request):
    scope = scope_for(request)
    scope.require(Capability.REVIEW)
    if not services.inspected_provinces(scope).exists():
        messages.error(
            request,
            _(
                "Kiểm tra do cấp tỉnh lập kế hoạch. Kết quả kiểm tra về địa bàn của bạn có ở trang này; "
                "cần kiểm tra thêm thì đề nghị cán bộ tỉnh lập kế hoạch."
            ),
        )
        return redirect("inspections:list")
    form = PlanForm(request.POST or None, scope=scope, initial={"year": timezone.localdate().year})

    def plan(data):
        # The form's fields are the plan's, named as `services.plan` names them (as the API passes its
        # payload); the communes chosen are read once, as a list.
        fields = data | {"communes": list(data["communes"])}
        return services.plan(scope, actor=request.user, **fields)

    inspection = accepted(request, form, plan)
    if inspection is not None:
        messages.success(request, _("Đã chọn mẫu %(count)s hồ sơ.") % {"count": inspection.findings.count()})
        return redirect("inspections:detail", inspection_id=inspection.pk)
    return render(request, "inspections/form.html", {"form": form})


def inspection_detail(request, inspection_id):
    scope = scope_for(request)
    inspection = scope.get_or_404(Inspection.objects.select_related("province"), Capability.REVIEW, pk=inspection_id)
    findings = findings_named(inspection)
    rows, total = services.summary(inspection)
    stored = list(findings.values_list("assessment_id", flat=True))
    return render(
        request,
        "inspections/detail.html",
        {
            "inspection": inspection,
            "findings": [(f, display_name(f.assessment)) for f in findings],
            "rows": rows,
            "total": total,
            "communes": inspection.communes.in_order(),
            "reproducible": services.redraw(inspection) == stored,
        },
    )


def finding_detail(request, finding_id):
    scope = scope_for(request)
    finding = scope.get_or_404(
        Finding.objects.select_related(
            "inspection__province", "assessment__criteria_set", "assessment__campaign", "commune"
        ),
        pk=finding_id,
    )
    assessment = finding.assessment
    is_inspector = services.is_inspector(scope, finding.inspection)
    form = ScoreForm(
        request.POST or None,
        initial={"verdict": finding.verdict, "reasons": finding.reasons, "recommendation": finding.recommendation},
    )
    answers = services.starting_answers(finding)
    if request.method == "POST" and not is_inspector:
        messages.error(
            request,
            _(
                "Chỉ đoàn kiểm tra của tỉnh ghi kết quả kiểm tra. Xã xem kết luận tại đây và xử lý hồ sơ "
                "theo kiến nghị khi có."
            ),
        )
        return redirect("inspections:finding", finding_id=finding.pk)
    if request.method == "POST":
        # A ticked box is a pass; points come as typed (and stay on the page if the form is refused).
        answers = {
            indicator.code: f"answer_{indicator.code}" in request.POST
            if indicator.kind == "pass_fail"
            else request.POST.get(f"answer_{indicator.code}", "")
            for indicator in assessment.criteria_set.definition.indicators
        }
    scored = accepted(
        request, form, lambda data: services.rescore(scope, finding, answers=answers, actor=request.user, **data)
    )
    if scored is not None:
        messages.success(request, _("Đã ghi kết quả kiểm tra."))
        return redirect("inspections:finding", finding_id=finding.pk)
    indicators = [(i, answers.get(i.code)) for i in assessment.criteria_set.definition.indicators]
    return render(
        request,
        "inspections/finding.html",
        {
            "finding": finding,
            "assessment": assessment,
            "subject": display_name(assessment),
            "form": form,
            "indicators": indicators,
            "recorded": services.recorded_outcome(assessment),
            "is_inspector": is_inspector,
            "follow_up_form": FollowUpForm(initial={"action": finding.recommendation or None}),
            "follow_up_actions": [(a, FollowUp(a).label) for a in services.follow_up_actions(scope, finding)],
            "reopened": services.reopened(scope, finding),
        },
    )


def finding_follow_up(request, finding_id):
    scope = scope_for(request)
    # Looked up before the method check, so a finding outside the scope is a 404 for every method.
    finding = scope.get_or_404(Finding.objects.select_related("assessment", "inspection"), pk=finding_id)
    if refused := not_post(request):
        return refused
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up(
                scope,
                finding,
                form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                revocation_reference=form.cleaned_data["revocation_reference"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã xử lý hồ sơ theo kết luận kiểm tra."))
    else:
        messages.error(request, _("Cần chọn cách xử lý và ghi lý do."))
    return redirect("inspections:finding", finding_id=finding.pk)


def inspection_report(request, inspection_id):
    scope = scope_for(request)
    inspection = scope.get_or_404(Inspection.objects.select_related("province"), Capability.REVIEW, pk=inspection_id)
    rows, total = services.summary(inspection)
    disagreements = inspection.findings.filter(verdict=Verdict.DISAGREE).select_related("commune", "assessment")
    return render(
        request,
        "inspections/report.html",
        {
            "inspection": inspection,
            "rows": rows,
            "total": total,
            "disagreements": [(f, display_name(f.assessment)) for f in disagreements],
        },
    )

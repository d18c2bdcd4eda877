from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.audit.exports import record_export
from hoctap.core.exports import XLSX_CONTENT_TYPE
from hoctap.exports import jobs as export_jobs
from hoctap.exports.views import job_file_response
from hoctap.territory.models import Unit
from hoctap.web.shortcuts import is_htmx, not_post

from . import distribution, jobs, sections, services
from .forms import BoardForm, ExportForm, NarrativeForm, TransitionForm
from .models import ExportKind, Report, ReportType
from .pdf import report_pdf
from .states import ACTOR_OF, DONE, REVIEWER, Action
from .tables import grid, report_table_xlsx


def _errors(error: ValidationError) -> list[str]:
    return [message for messages_ in error.message_dict.values() for message in messages_]


def board(request):
    scope = scope_for(request)
    form = BoardForm(request.GET or None, scope=scope)
    home = scope.home_units()
    report_type, year, unit = form.values(home[0] if home else None)
    if not form.is_bound:  # the choices show the board's type, year and unit, not «— Chọn —» and an empty year
        form = BoardForm(scope=scope, initial={"report_type": report_type, "year": year, "unit": unit})
    # The board shows the territory the user works on, not an ancestor seen only for navigation.
    if unit is None or report_type is None or not scope.can(Capability.VIEW, unit):
        raise Http404
    rows = services.status_board(scope, report_type, year, unit)
    return render(
        request,
        "reports/board.html",
        {
            "form": form,
            "rows": rows,
            "summary": services.board_summary(rows),
            "report_type": report_type,
            "year": year,
            "unit": unit,
            "labels": services.BoardStatus.LABELS,
        },
    )


def received(request):
    """The reports sent to the bodies the user speaks for (the People's Committee, the steering
    committee, the Party committee of their unit): read-only, newest first."""
    scope = scope_for(request)
    scope.require(Capability.RECEIVE_REPORTS)
    reports = services.received(scope).select_related("unit", "report_type")[:200]
    return render(request, "reports/received.html", {"reports": reports})


@require_POST
def start(request):
    scope = scope_for(request)
    report_type = get_object_or_404(ReportType, code=request.POST.get("report_type"))
    # Who writes the report (the association's officers, or the body its type names) is the
    # service's rule; a unit the user may not even read is "not found" here.
    unit = scope.get_or_404(Unit.objects.current(), pk=request.POST.get("unit"))
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, _("Năm không hợp lệ."))
        return redirect("reports:board")
    try:
        report = services.start_report(scope, report_type, year, unit, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect("reports:board")
    return redirect("reports:detail", report_id=report.pk)


def _detail_context(scope, report, narrative_form=None, transition_form=None):
    outstanding = services.outstanding_children(report) if not report.is_locked else []
    can_write = services.can_write(scope, report)
    initial_note = report.outstanding_note or services.suggested_note(outstanding)
    data = services.current_sections(report)
    addressees = list(report.addressees.order_by("pk"))
    return {
        "report": report,
        "grid": grid(data[sections.TITLES]),
        "sections": [shown for shown in sections.shown(report, data) if shown.code != sections.TITLES],
        "titles_label": sections.registry()[sections.TITLES].label,
        # A report sent before the other sections existed shows its titles only, as it was sent.
        "titles_only": bool(report.snapshot) and "sections" not in report.snapshot,
        "figures_year": sections.figures_year(report),
        "distribution": [r.line for r in distribution.recipients(report.report_type, report.unit)],
        "received_as": [
            a.line for a in addressees if any(x.role == a.role and x.unit_id == a.unit_id for x in scope.assignments)
        ],
        "frozen": bool(report.snapshot),
        "outstanding": report.snapshot["outstanding"]
        if report.snapshot
        else [{"unit_id": o.unit.pk, "name": o.unit.name, "label": o.label} for o in outstanding],
        "can_write": can_write,
        "review_actions": [a for a in services.available_actions(scope, report) if ACTOR_OF[a] == REVIEWER],
        "narrative_form": narrative_form
        or NarrativeForm(instance=report, initial={"version": report.version, "outstanding_note": initial_note}),
        "transition_form": transition_form or TransitionForm(),
        "events": report.events.select_related("actor"),
        "due": report.due_date or services.due_date_for(report.report_type, report.unit, report.year),
    }


def detail(request, report_id):
    scope = scope_for(request)
    report = scope.get_or_404(Report.objects.select_related("unit", "report_type"), pk=report_id)
    form = None
    if request.method == "POST":
        form = NarrativeForm(request.POST, instance=Report.objects.get(pk=report.pk))
        if form.is_valid():
            try:
                services.update_narrative(scope, report, form.cleaned_data, version=form.cleaned_data["version"])
            except ValidationError as error:
                for message in _errors(error):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã lưu báo cáo."))
                return redirect("reports:detail", report_id=report.pk)
    return render(request, "reports/detail.html", _detail_context(scope, report, narrative_form=form))


def transition(request, report_id):
    scope = scope_for(request)
    # Look the report up before checking the method: a report outside the scope is a 404 whatever
    # the method, so the answer never tells whether it exists.
    report = scope.get_or_404(Report.objects.select_related("unit", "report_type"), pk=report_id)
    if refused := not_post(request):
        return refused
    form = TransitionForm(request.POST)
    if form.is_valid():
        action, data = form.cleaned_data["action"], form.cleaned_data
        version = data.get("version")
        try:
            if action == Action.SUBMIT:
                # The submit button sits in the narrative form: what was typed is saved, then sent.
                typed = {f: request.POST[f] for f in services.EDITABLE_FIELDS if f in request.POST}
                if typed:
                    report = services.update_narrative(scope, report, typed, version=version)
                    version = report.version
            services.transition(
                scope, report, action, actor=request.user, reason=data.get("reason", ""), expected_version=version
            )
            messages.success(request, DONE[action])
            return redirect("reports:detail", report_id=report.pk)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields and field != "version" else None, messages_)
    report.refresh_from_db()
    return render(request, "reports/detail.html", _detail_context(scope, report, transition_form=form), status=422)


def differences(request, report_id):
    scope = scope_for(request)
    report = scope.get_or_404(Report.objects.select_related("unit", "report_type"), pk=report_id)
    template = "reports/_differences.html" if is_htmx(request) else "reports/differences.html"
    return render(request, template, {"report": report, "differences": services.differences(report)})


def _file_stem(report: Report) -> str:
    return f"{report.report_type.code}-{report.unit.code}-{report.year}"


def _audit_export(request, report: Report, export: str, table: dict) -> None:
    """The report's table has one row per unit below the report's (its total is not counted)."""
    record_export(
        request.user,
        export,
        rows=len(table.get("rows", [])),
        unit=report.unit,
        filters={"report_type": report.report_type.code, "year": report.year},
    )


def table_xlsx(request, report_id):
    scope = scope_for(request)
    report = scope.get_or_404(Report.objects.select_related("unit", "report_type"), pk=report_id)
    data = services.current_sections(report)
    _audit_export(request, report, "reports.table", data[sections.TITLES])
    response = HttpResponse(report_table_xlsx(report, data[sections.TITLES], data), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bieu-{_file_stem(report)}.xlsx"'
    return response


def pdf(request, report_id):
    scope = scope_for(request)
    report = scope.get_or_404(Report.objects.select_related("unit", "report_type"), pk=report_id)
    data = services.current_sections(report)
    _audit_export(request, report, "reports.pdf", data[sections.TITLES])
    response = HttpResponse(report_pdf(report, data[sections.TITLES], data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{_file_stem(report)}.pdf"'
    return response


# -- exports -----------------------------------------------------------------------------------


def export_list(request):
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    form = ExportForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.request_export(scope, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in _errors(error):
                form.add_error(None, message)
        else:
            return redirect("reports:export_detail", job_id=job.pk)
    # The user's own: an export's file is read by who asked for it only.
    exports = export_jobs.jobs_of(scope).filter(kind__in=ExportKind.values)[:50]
    return render(request, "reports/export_list.html", {"form": form, "jobs": exports})


def _report_job(scope, job_id):
    job = export_jobs.job_for(scope, job_id)
    if job.kind not in ExportKind.values:
        raise Http404
    return job


def export_detail(request, job_id):
    job = export_jobs.recover_if_abandoned(_report_job(scope_for(request), job_id))  # not polled for ever
    template = "exports/_progress.html" if is_htmx(request) else "reports/export_detail.html"
    return render(
        request,
        template,
        {
            "job": job,
            "poll_url": request.path,
            "download_url": reverse("reports:export_download", args=[job.pk]),
        },
    )


def export_download(request, job_id):
    return job_file_response(_report_job(scope_for(request), job_id))

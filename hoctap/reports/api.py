import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Count, Id, Year
from hoctap.exports import jobs as export_jobs
from hoctap.exports.models import ExportStatus
from hoctap.exports.views import job_file_response
from hoctap.territory.models import Unit

from . import jobs, sections, services
from .models import ExportKind, Report, ReportType
from .states import Action

router = Router(tags=["reports"])
exports_router = Router(tags=["exports"])


class ScheduleOut(Schema):
    province_id: int | None
    year: int | None
    level: str
    due_day: int
    due_month: int
    source: str


class ReportTypeOut(Schema):
    code: str
    name: str
    heading: str
    schedules: list[ScheduleOut]


class ReportIn(Schema):
    report_type: str
    year: Year
    unit_id: Id


class NarrativeIn(Schema):
    results: str | None = None
    difficulties: str | None = None
    proposals: str | None = None
    outstanding_note: str | None = None
    number: str | None = None
    place: str | None = None
    dated: datetime.date | None = None
    signer_title: str | None = None
    signer_name: str | None = None
    recipients: str | None = None
    version: Count | None = None


class ReportTransitionIn(Schema):
    action: Action
    reason: str = ""
    outstanding_note: str | None = None
    version: Count | None = Field(None, description="the version the client showed; a newer one is refused with 409")


class OutstandingOut(Schema):
    unit_id: int
    name: str
    state: str
    label: str


class ReportHeadOut(Schema):
    """Which report it is and where it stands: what a report in a list and a report read in full
    both begin with."""

    id: int
    report_type: str
    year: int
    unit_id: int
    unit_name: str
    state: str
    due_date: datetime.date | None


class ReportSummaryOut(ReportHeadOut):
    """A report in a list: its state and dates, without its tables."""

    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_report_type(report):
        return report.report_type.code

    @staticmethod
    def resolve_unit_name(report):
        return report.unit.name


class SectionOut(Schema):
    code: str
    label: str
    table: dict


class ReportOut(ReportHeadOut):
    results: str
    difficulties: str
    proposals: str
    outstanding_note: str
    number: str
    place: str
    dated: datetime.date | None
    signer_title: str
    signer_name: str
    recipients: str
    return_reason: str
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    version: int
    frozen: bool
    # The titles table (as before sections existed), then every section in the common table shape
    # (hoctap.core.sections), frozen once sent.
    table: dict
    sections: list[SectionOut]
    figures_year: int
    addressees: list[str]
    outstanding: list[OutstandingOut]


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor_id: int | None
    at: datetime.datetime
    reason: str


class DifferenceOut(Schema):
    section: str
    unit_id: int | None
    unit_name: str
    title: str
    metric: str
    frozen: str | int | None
    live: str | int | None
    delta: str | int | None


class BoardRowOut(Schema):
    unit_id: int
    unit_name: str
    is_own: bool
    due_date: datetime.date | None
    days_left: int | None
    status: str
    status_label: str
    report_id: int | None


class ExportIn(Schema):
    kind: str
    unit_id: Id
    year: Year


class ExportOut(Schema):
    id: int
    kind: str
    unit_id: int
    year: int
    status: str
    progress: int
    rows_done: int
    rows_total: int | None
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    download_url: str | None

    @staticmethod
    def resolve_download_url(job):
        return f"/api/v1/exports/{job.pk}/download" if job.status == ExportStatus.DONE else None


def _report_out(report: Report) -> dict:
    data = services.current_sections(report)
    if report.snapshot:
        outstanding = report.snapshot["outstanding"]
    else:
        outstanding = [
            {"unit_id": o.unit.pk, "name": o.unit.name, "state": o.state, "label": o.label}
            for o in services.outstanding_children(report)
        ]
    return {
        **{
            field: getattr(report, field)
            for field in (
                "id",
                "year",
                "unit_id",
                "state",
                "due_date",
                *services.EDITABLE_FIELDS,
                "return_reason",
                "first_submitted_at",
                "submitted_at",
                "decided_at",
                "version",
            )
        },
        "due_date": report.due_date or services.due_date_for(report.report_type, report.unit, report.year),
        "report_type": report.report_type.code,
        "unit_name": report.unit.name,
        "frozen": report.snapshot is not None,
        "table": data[sections.TITLES],
        "sections": [
            {"code": shown.code, "label": shown.label, "table": shown.table} for shown in sections.shown(report, data)
        ],
        "figures_year": sections.figures_year(report),
        "addressees": [addressee.line for addressee in report.addressees.order_by("pk")],
        "outstanding": outstanding,
    }


def _get(request, report_id: Id) -> Report:
    return scope_for(request).get_or_404(Report.objects.select_related("unit", "report_type"), pk=report_id)


@router.get("/types", response=list[ReportTypeOut])
def report_types(request):
    scope = scope_for(request)
    return [
        {"code": t.code, "name": t.name, "heading": t.heading, "schedules": list(scope.filter(t.schedules.all()))}
        for t in ReportType.objects.prefetch_related("schedules")
    ]


@router.get("/board", response=list[BoardRowOut])
def report_board(request, report_type: str, year: Year, unit_id: Id):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.current(), pk=unit_id)
    if not scope.can(Capability.VIEW, unit):
        raise Http404
    rows = services.status_board(scope, get_object_or_404(ReportType, code=report_type), year, unit)
    return [
        {
            "unit_id": row.unit.pk,
            "unit_name": row.unit.name,
            "is_own": row.is_own,
            "due_date": row.due,
            "days_left": row.days_left,
            "status": row.status,
            "status_label": str(row.status_label),
            "report_id": row.report.pk if row.report else None,
        }
        for row in rows
    ]


@router.get("/", response=list[ReportSummaryOut])
@paginate
def list_reports(request, year: Year | None = None, report_type: str = "", state: str = ""):
    reports = scope_for(request).filter(Report.objects.select_related("unit", "report_type"))
    reports = reports.order_by("-year", "unit__sort_key", "pk")
    if year:
        reports = reports.filter(year=year)
    if report_type:
        reports = reports.filter(report_type__code=report_type)
    if state:
        reports = reports.filter(state=state)
    return reports


@router.post("/", response={201: ReportOut})
def start_report(request, payload: ReportIn):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.current(), pk=payload.unit_id)  # who writes it: the service's rule
    report_type = get_object_or_404(ReportType, code=payload.report_type)
    return Status(201, _report_out(services.start_report(scope, report_type, payload.year, unit, actor=request.user)))


@router.get("/{report_id}", response=ReportOut)
def report_detail(request, report_id: Id):
    return _report_out(_get(request, report_id))


@router.patch("/{report_id}", response=ReportOut)
def update_report(request, report_id: Id, payload: NarrativeIn):
    scope = scope_for(request)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    return _report_out(services.update_narrative(scope, _get(request, report_id), data, version=version))


@router.get("/{report_id}/transitions", response=list[EventOut])
def report_history(request, report_id: Id):
    """The report's transitions so far, oldest first."""
    return list(_get(request, report_id).events.all())


@router.post("/{report_id}/transitions", response=ReportOut)
def report_transition(request, report_id: Id, payload: ReportTransitionIn):
    scope = scope_for(request)
    report = services.transition(
        scope,
        _get(request, report_id),
        payload.action,
        actor=request.user,
        reason=payload.reason,
        outstanding_note=payload.outstanding_note,
        expected_version=payload.version,
    )
    return _report_out(report)


@router.get("/{report_id}/differences", response=list[DifferenceOut])
def report_differences(request, report_id: Id):
    return services.differences(_get(request, report_id))


# -- export jobs ---------------------------------------------------------------------------------


@exports_router.get("/", response=list[ExportOut])
@paginate
def list_exports(request):
    """The user's own report export jobs: an export's file is read by who asked for it only."""
    return export_jobs.jobs_of(scope_for(request)).filter(kind__in=ExportKind.values)


@exports_router.post("/", response={202: ExportOut})
def create_export(request, payload: ExportIn):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.current(), Capability.REPORT, pk=payload.unit_id)
    job = jobs.request_export(scope, kind=payload.kind, unit=unit, year=payload.year, actor=request.user)
    return Status(202, job)


def _report_job(request, job_id):
    job = export_jobs.job_for(scope_for(request), job_id)
    if job.kind not in ExportKind.values:
        raise Http404
    return job


@exports_router.get("/{job_id}", response=ExportOut)
def export_detail(request, job_id: Id):
    return export_jobs.recover_if_abandoned(_report_job(request, job_id))


@exports_router.get("/{job_id}/download")
def export_download(request, job_id: Id):
    return job_file_response(_report_job(request, job_id))

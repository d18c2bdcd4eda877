"""The awards API: the programme, self-reports, nominations and their decisions, honour lists and
award records. Every write goes through `services`, as the pages' do, so both refuse the same
input with the same field; a record outside the caller's scope is a 404 whatever the method, and so
is a create by someone who only reads (as on the pages: what they may not write is not there)."""

import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Id, Year
from hoctap.territory.models import Unit
from hoctap.web.shortcuts import filtered_by_given

from . import emulation, services
from .models import Award, EmulationSelfReport, Nomination, Stage
from .views import honour_list_download

router = Router(tags=["awards"])


class CriterionOut(Schema):
    code: str
    text: str


class BodyOut(Schema):
    code: str
    name: str
    territory: str
    criteria: list[CriterionOut]


class OccasionOut(Schema):
    code: str
    year: int
    kind: str
    name: str


class ProgrammeOut(Schema):
    source: str
    bodies: list[BodyOut]
    occasions: list[OccasionOut]


class AnswerIn(Schema):
    met: bool
    note: str = ""


class SelfReportIn(Schema):
    year: Year
    body: str
    body_name: str
    unit_id: Id
    answers: dict[str, AnswerIn] = {}


class SelfReportOut(Schema):
    id: int
    year: int
    body: str
    body_name: str
    unit_id: int
    answers: dict
    state: str
    met_count: int


class NominationIn(Schema):
    occasion: str
    nominee_kind: str
    nominee_name: str
    unit_id: Id
    achievements: str


class NominationDecisionOut(Schema):
    stage: str
    action: str
    reason: str
    at: datetime.datetime


class NominationOut(Schema):
    id: int
    occasion: str
    nominee_kind: str
    nominee_name: str
    unit_id: int
    unit_name: str
    achievements: str
    stage: str
    status: str
    version: int
    decisions: list[NominationDecisionOut]

    @staticmethod
    def resolve_unit_name(nomination):
        return nomination.unit.name

    @staticmethod
    def resolve_decisions(nomination):
        return list(nomination.decisions.all())


class NominationDecisionIn(Schema):
    action: str
    reason: str = ""
    version: int | None = Field(
        None, ge=1, description="the version the client showed; a newer one is refused with 409"
    )


class AwardIn(Schema):
    kind: str
    issuer: str
    decision_number: str
    decision_date: datetime.date
    recipient_name: str
    recipient_kind: str
    unit_id: Id
    nomination_id: Id | None = None


class AwardOut(Schema):
    id: int
    kind: str
    issuer: str
    decision_number: str
    decision_date: datetime.date
    recipient_name: str
    recipient_kind: str
    unit_id: int
    nomination_id: int | None
    occasion: str


def _unit(scope, unit_id: Id) -> Unit:
    """A unit of today's map the caller can see; another territory's (or an old map's) is a 404,
    as the pages do not offer it."""
    return scope.get_or_404(Unit.objects.current(), pk=unit_id)


@router.get("/programme", response=ProgrammeOut)
def emulation_programme(request):
    data = emulation.programme()
    return {
        "source": data.source,
        "bodies": [
            {
                "code": b.code,
                "name": b.name,
                "territory": b.territory,
                "criteria": [{"code": c.code, "text": c.text} for c in b.criteria],
            }
            for b in data.bodies
        ],
        "occasions": [o.__dict__ for o in data.occasions],
    }


@router.get("/self-reports", response=list[SelfReportOut])
@paginate
def list_self_reports(request, year: Year | None = None):
    reports = scope_for(request).filter(EmulationSelfReport.objects.all()).order_by("-year", "body_name")
    return reports.filter(year=year) if year else reports


@router.post("/self-reports", response={201: SelfReportOut})
def create_self_report(request, payload: SelfReportIn):
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    return Status(201, _save_self_report(scope, payload))


@router.get("/self-reports/{report_id}", response=SelfReportOut)
def self_report_detail(request, report_id: Id):
    return scope_for(request).get_or_404(EmulationSelfReport.objects.all(), pk=report_id)


@router.put("/self-reports/{report_id}", response=SelfReportOut)
def update_self_report(request, report_id: Id, payload: SelfReportIn):
    scope = scope_for(request)
    report = scope.get_or_404(EmulationSelfReport.objects.all(), Capability.REPORT, pk=report_id)
    return _save_self_report(scope, payload, report=report)


def _save_self_report(scope, payload: SelfReportIn, *, report: EmulationSelfReport | None = None):
    """Write the self-report the payload describes: a new one, or `report` (which the user may write)."""
    return services.save_self_report(
        scope,
        year=payload.year,
        body=payload.body,
        body_name=payload.body_name,
        unit=_unit(scope, payload.unit_id),
        answers={code: answer.dict() for code, answer in payload.answers.items()},
        report=report,
    )


class SubmissionOut(Schema):
    state: str
    missing_criteria: list[str]


@router.get("/self-reports/{report_id}/submission", response=SubmissionOut)
def self_report_submission(request, report_id: Id):
    """Whether the self-report can be sent: the criteria not yet answered."""
    report = scope_for(request).get_or_404(EmulationSelfReport.objects.all(), pk=report_id)
    codes = emulation.body(report.body).criterion_codes()
    return {"state": report.state, "missing_criteria": [code for code in codes if code not in report.answers]}


@router.post("/self-reports/{report_id}/submission", response=SelfReportOut)
def submit_self_report(request, report_id: Id):
    scope = scope_for(request)
    report = scope.get_or_404(EmulationSelfReport.objects.all(), Capability.REPORT, pk=report_id)
    return services.submit_self_report(scope, report, actor=request.user)


@router.get("/nominations", response=list[NominationOut])
@paginate
def list_nominations(request, occasion: str = "", status: str = ""):
    nominations = scope_for(request).filter(Nomination.objects.select_related("unit").prefetch_related("decisions"))
    return filtered_by_given(nominations, occasion=occasion, status=status).order_by("-created_at", "-pk")


@router.post("/nominations", response={201: NominationOut})
def create_nomination(request, payload: NominationIn):
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    nomination = services.create_nomination(
        scope,
        occasion=payload.occasion,
        nominee_kind=payload.nominee_kind,
        nominee_name=payload.nominee_name,
        unit=_unit(scope, payload.unit_id),
        achievements=payload.achievements,
        actor=request.user,
    )
    return Status(201, nomination)


@router.get("/nominations/{nomination_id}", response=NominationOut)
def nomination_detail(request, nomination_id: Id):
    return scope_for(request).get_or_404(Nomination.objects.select_related("unit"), pk=nomination_id)


@router.get("/nominations/{nomination_id}/decisions", response=list[NominationDecisionOut])
def nomination_decisions(request, nomination_id: Id):
    return list(scope_for(request).get_or_404(Nomination.objects.all(), pk=nomination_id).decisions.all())


@router.post("/nominations/{nomination_id}/decisions", response=NominationOut)
def nomination_decide(request, nomination_id: Id, payload: NominationDecisionIn):
    """One level's decision. 404 to anyone but the deciding level, 409 with the current version when
    the nomination moved since `version`, 422 on «action» for a step the table refuses."""
    scope = scope_for(request)
    nomination = scope.get_or_404(Nomination.objects.select_related("unit"), pk=nomination_id)
    decided = services.transition(
        scope, nomination, payload.action, actor=request.user, reason=payload.reason, expected_version=payload.version
    )
    return decided


@router.get("/honours", response=list[NominationOut])
def honour_list(request, occasion: str, stage: Stage, unit_id: Id):
    scope = scope_for(request)
    return list(services.honour_list(scope, occasion, stage, _unit(scope, unit_id)).prefetch_related("decisions"))


@router.get("/honours.xlsx")
def honour_list_xlsx_download(request, occasion: str, stage: Stage, unit_id: Id):
    scope = scope_for(request)
    unit = _unit(scope, unit_id)
    return honour_list_download(request.user, services.honour_list(scope, occasion, stage, unit), occasion, stage, unit)


@router.get("/records", response=list[AwardOut])
@paginate
def list_awards(request):
    return scope_for(request).filter(Award.objects.all())


@router.post("/records", response={201: AwardOut})
def create_award(request, payload: AwardIn):
    scope = scope_for(request)
    scope.require(Capability.REPORT)
    nomination = None
    if payload.nomination_id is not None:
        nomination = scope.get_or_404(Nomination.objects.all(), pk=payload.nomination_id)
    # The rest of the payload is the award's own fields, named as `services.record_award` names them.
    fields = payload.dict(exclude={"unit_id", "nomination_id"})
    award = services.record_award(
        scope, unit=_unit(scope, payload.unit_id), actor=request.user, nomination=nomination, **fields
    )
    return Status(201, award)


@router.get("/records/{award_id}", response=AwardOut)
def award_detail(request, award_id: Id):
    return scope_for(request).get_or_404(Award.objects.all(), pk=award_id)

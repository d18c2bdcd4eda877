"""`/api/v1/inspections`: the same plan, scoring and follow-up as the pages, for tools that audit in
bulk. Every route goes through the scoping layer and calls the same services, so the API refuses
what the pages refuse (a sample by number and share at once, a disagreement without reasons, a
follow-up the workflow does not allow) with the same messages, by field."""

import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.assessments.subjects import display_name
from hoctap.core.limits import Count, Id, Year
from hoctap.territory.models import Level, Unit

from . import services
from .models import Finding, Inspection
from .views import findings_named

router = Router(tags=["inspections"])


class InspectionIn(Schema):
    province_id: Id
    year: Year
    name: str
    commune_ids: list[Id]
    title: str = ""
    sample_size: Count | None = None
    sample_percent: Decimal | None = Field(None, ge=0, le=100, max_digits=7)
    seed: Count | None = None


class FindingOut(Schema):
    id: int
    inspection_id: int
    position: int
    assessment_id: int
    subject: str
    title: str
    commune_id: int
    commune_name: str
    verdict: str
    reasons: str
    matches_recorded: bool | None
    recommendation: str
    follow_up: str
    answers: dict
    result: dict
    scored_at: datetime.datetime | None


class AgreementOut(Schema):
    commune_id: int
    commune_name: str
    title: str
    sampled: int
    checked: int
    agreed: int
    disagreed: int
    returned: int
    revoked: int
    rate: Decimal | None


class InspectionSummaryOut(Schema):
    id: int
    province_id: int
    year: int
    title: str
    name: str
    sample_size: int | None
    sample_percent: Decimal | None
    seed: int
    population: int


class InspectionOut(Schema):
    id: int
    province_id: int
    year: int
    title: str
    name: str
    commune_ids: list[int]
    sample_size: int | None
    sample_percent: Decimal | None
    seed: int
    population: int
    findings: list[FindingOut]
    agreement: list[AgreementOut]
    total: AgreementOut


class FindingScoreIn(Schema):
    answers: dict
    verdict: Literal["agree", "disagree"]
    reasons: str = ""
    recommendation: Literal["", "return", "revoke"] = ""


class FollowUpIn(Schema):
    action: Literal["return", "revoke"]
    reason: str
    revocation_reference: str = ""


def _finding_out(finding: Finding) -> dict:
    return {
        **{
            f: getattr(finding, f)
            for f in (
                "id",
                "inspection_id",
                "position",
                "assessment_id",
                "title",
                "commune_id",
                "verdict",
                "reasons",
                "matches_recorded",
                "recommendation",
                "follow_up",
                "answers",
                "result",
                "scored_at",
            )
        },
        "subject": display_name(finding.assessment),
        "commune_name": finding.commune.name,
    }


def _agreement_out(row) -> dict:
    counts = ("sampled", "checked", "agreed", "disagreed", "returned", "revoked", "rate")
    return {
        "commune_id": row.commune.pk,
        "commune_name": row.commune.name,
        "title": row.title,
        **{f: getattr(row, f) for f in counts},
    }


def _inspection_out(inspection: Inspection) -> dict:
    rows, total = services.summary(inspection)
    findings = findings_named(inspection)
    return {
        **{
            f: getattr(inspection, f)
            for f in (
                "id",
                "province_id",
                "year",
                "title",
                "name",
                "sample_size",
                "sample_percent",
                "seed",
                "population",
            )
        },
        "commune_ids": list(inspection.communes.values_list("pk", flat=True)),
        "findings": [_finding_out(f) for f in findings],
        "agreement": [_agreement_out(r) for r in rows],
        "total": _agreement_out(total),
    }


def _finding(request, finding_id: Id) -> Finding:
    return scope_for(request).get_or_404(
        Finding.objects.select_related(
            "inspection__province", "commune", "assessment__criteria_set", "assessment__campaign"
        ),
        pk=finding_id,
    )


@router.get("/", response=list[InspectionSummaryOut])
@paginate
def list_inspections(request, year: Year | None = None):
    inspections = scope_for(request).filter(Inspection.objects.all(), Capability.REVIEW)
    return inspections.filter(year=year) if year else inspections


@router.post("/", response={201: InspectionOut})
def plan_inspection(request, payload: InspectionIn):
    scope = scope_for(request)
    province = scope.get_or_404(
        Unit.objects.current().filter(level=Level.PROVINCE), Capability.REVIEW, pk=payload.province_id
    )
    communes = list(scope.filter(Unit.objects.current().filter(pk__in=payload.commune_ids), Capability.REVIEW))
    if len(communes) != len(set(payload.commune_ids)):
        raise ValidationError({"commune_ids": _("Có xã không tồn tại hoặc nằm ngoài địa bàn.")})
    # The rest of the payload is the plan's own fields, named as `services.plan` names them.
    plan = payload.dict(exclude={"province_id", "commune_ids"})
    inspection = services.plan(scope, province=province, communes=communes, actor=request.user, **plan)
    return Status(201, _inspection_out(inspection))


@router.get("/{inspection_id}", response=InspectionOut)
def inspection_detail(request, inspection_id: Id):
    return _inspection_out(scope_for(request).get_or_404(Inspection.objects.all(), Capability.REVIEW, pk=inspection_id))


@router.get("/findings/{finding_id}", response=FindingOut)
def finding_detail(request, finding_id: Id):
    return _finding_out(_finding(request, finding_id))


class ScoringOut(Schema):
    criteria_set: str
    answers: dict
    recorded: dict


@router.get("/findings/{finding_id}/score", response=ScoringOut)
def finding_scoring(request, finding_id: Id):
    """What the inspector scores against: the set, the answers to start from, the recorded result."""
    finding = _finding(request, finding_id)
    return {
        "criteria_set": finding.assessment.criteria_set.code,
        "answers": services.starting_answers(finding),
        "recorded": services.recorded_outcome(finding.assessment),
    }


@router.post("/findings/{finding_id}/score", response=FindingOut)
def score_finding(request, finding_id: Id, payload: FindingScoreIn):
    finding = _finding(request, finding_id)
    return _finding_out(services.rescore(scope_for(request), finding, actor=request.user, **payload.model_dump()))


@router.get("/findings/{finding_id}/follow-up", response=list[str])
def finding_follow_up_actions(request, finding_id: Id):
    """The follow-up actions this user may take on the finding now (the workflow decides)."""
    return services.follow_up_actions(scope_for(request), _finding(request, finding_id))


@router.post("/findings/{finding_id}/follow-up", response=FindingOut)
def finding_follow_up(request, finding_id: Id, payload: FollowUpIn):
    finding = _finding(request, finding_id)
    return _finding_out(services.follow_up(scope_for(request), finding, **payload.model_dump()))

"""/api/v1/ routes of the yearly cycle: campaigns, assessments and their transitions, evidence,
decisions, and the public certificate verification. The same scope and workflow as the pages."""

import datetime
from typing import Any

from django.http import Http404
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Count, Id, Year
from hoctap.criteria import engine
from hoctap.criteria.titles import Title
from hoctap.territory.models import Unit

from . import certificates, decisions, evidence, workflow
from .lists import AssessmentFilters, assessments_in_scope
from .models import Assessment, Campaign, Decision, Evidence
from .sets import definition_of
from .states import Action
from .subjects import OWNER_PREFETCH, SUBJECT_RELATIONS, adapter_for, adapter_for_title, display_name

campaigns_router = Router(tags=["campaigns"])
assessments_router = Router(tags=["assessments"])
decisions_router = Router(tags=["decisions"])
verification_router = Router(tags=["verification"], auth=None)


# -- campaigns ------------------------------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    year: int
    title: str
    province_id: int | None
    registration_opens: datetime.date
    registration_closes: datetime.date
    self_assessment_deadline: datetime.date
    review_deadline: datetime.date
    recognition_deadline: datetime.date
    recognising_role: str
    validity_years: int
    upgrade_after_months: int | None
    allow_bulk_accept: bool
    # Per administrative level above the commune (TT 24/2023 units): recognising_role,
    # validity_years, upgrade_after_months; a level not listed follows the fields above.
    level_rules: dict[str, dict[str, Any]]
    criteria_set_ids: list[int]

    @staticmethod
    def resolve_criteria_set_ids(campaign):
        return [criteria_set.pk for criteria_set in campaign.criteria_sets.all()]


@campaigns_router.get("/", response=list[CampaignOut])
@paginate
def list_campaigns(request, year: Year | None = None, title: str = ""):
    campaigns = scope_for(request).filter(Campaign.objects.prefetch_related("criteria_sets"))
    if year:
        campaigns = campaigns.filter(year=year)
    if title:
        campaigns = campaigns.filter(title=title)
    return campaigns


@campaigns_router.get("/{campaign_id}", response=CampaignOut)
def campaign_detail(request, campaign_id: Id):
    return scope_for(request).get_or_404(Campaign.objects.prefetch_related("criteria_sets"), pk=campaign_id)


# -- assessments ----------------------------------------------------------------------------------


class AssessmentOut(Schema):
    id: int
    campaign_id: int
    year: int
    title: str
    subject_kind: str
    subject_id: int
    subject_name: str
    unit_id: int
    recorded_unit_id: int | None
    criteria_set_id: int
    # "partial" or "provisional": the set lacks official text, and results must say so.
    criteria_set_status: str
    state: str
    version: int
    classification: str
    # the years after its own that a recognition holds (`criteria.validity`)
    validity_years: int

    @staticmethod
    def resolve_criteria_set_status(assessment):
        return assessment.criteria_set.status

    @staticmethod
    def resolve_year(assessment):
        return assessment.campaign.year

    @staticmethod
    def resolve_subject_id(assessment):
        return getattr(assessment, f"{adapter_for(assessment.subject_kind).field}_id")

    @staticmethod
    def resolve_subject_name(assessment):
        return display_name(assessment)


class EvidenceOut(Schema):
    id: int
    original_name: str
    content_type: str
    effective_date: datetime.date
    indicator_codes: list[str]
    shared_elsewhere: bool

    @staticmethod
    def resolve_content_type(attached):
        return attached.file.content_type


class AssessmentDetailOut(AssessmentOut):
    subject_group: str
    area_class: str
    area_designation: str
    pass_mark: str | None
    pass_mark_text: str
    self_answers: dict[str, Any]
    self_result: dict[str, Any]
    review_answers: dict[str, Any]
    review_result: dict[str, Any]
    return_reason: str
    decision_id: int | None
    certificate_code: str | None
    allowed_actions: list[str]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_pass_mark(assessment):
        mark = engine.pass_mark(definition_of(assessment.criteria_set), assessment.area_class)
        return format(mark, "f") if mark is not None else None

    @staticmethod
    def resolve_pass_mark_text(assessment):
        return assessment.pass_mark_line

    @staticmethod
    def resolve_certificate_code(assessment):
        certificate = getattr(assessment, "certificate", None)
        return certificate.code if certificate else None

    @staticmethod
    def resolve_allowed_actions(assessment):
        return assessment.allowed_actions_now

    @staticmethod
    def resolve_evidence(assessment):
        return assessment.evidence_flagged


def _detail(request, assessment_id: Id) -> Assessment:
    scope = scope_for(request)
    assessment = scope.get_or_404(
        Assessment.objects.select_related(
            *SUBJECT_RELATIONS, "campaign", "criteria_set", "certificate"
        ).prefetch_related(*OWNER_PREFETCH),
        pk=assessment_id,
    )
    # What only this user, now, may do; and the files flagged when another subject shares them.
    assessment.allowed_actions_now = workflow.allowed_actions(scope, assessment)
    assessment.evidence_flagged = list(evidence.with_shared_flag(assessment.evidence.select_related("file")))
    return assessment


@assessments_router.get("/", response=list[AssessmentOut])
@paginate
def list_assessments(
    request,
    campaign_id: Id | None = None,
    year: Year | None = None,
    title: str = "",
    state: str = "",
    q: str = Query("", max_length=100),
):
    """The same list, filters and order as the page «Hồ sơ đánh giá» (assessments.lists)."""
    return assessments_in_scope(
        scope_for(request), AssessmentFilters(campaign=campaign_id, year=year, title=title, state=state, q=q)
    )


class RegistrationIn(Schema):
    title: Title
    subject_id: Id
    year: Year
    subject_group: str | None = None


@assessments_router.post("/", response={201: AssessmentDetailOut})
def create_assessment(request, payload: RegistrationIn):
    scope = scope_for(request)
    adapter = adapter_for_title(payload.title)
    subject = scope.get_or_404(adapter.model._default_manager.all(), pk=payload.subject_id)
    created = workflow.register(scope, payload.title, subject, payload.year, group=payload.subject_group)
    return Status(201, _detail(request, created.pk))


@assessments_router.get("/{assessment_id}", response=AssessmentDetailOut)
def assessment_detail(request, assessment_id: Id):
    return _detail(request, assessment_id)


class TransitionIn(Schema):
    action: Action
    reason: str = ""
    expected_version: Count | None = None
    answers: dict[str, Any] | None = None
    revocation_reference: str = ""


@assessments_router.post("/{assessment_id}/transitions", response=AssessmentDetailOut)
def assessment_transition(request, assessment_id: Id, payload: TransitionIn):
    """Move an assessment. Recognition happens by issuing a decision (POST /decisions/)."""
    scope = scope_for(request)
    assessment = scope.get_or_404(Assessment.objects.all(), pk=assessment_id)
    workflow.transition(
        scope,
        assessment,
        payload.action,
        reason=payload.reason,
        expected_version=payload.expected_version,
        answers=payload.answers,
        revocation_reference=payload.revocation_reference,
    )
    return _detail(request, assessment_id)


class StepOut(Schema):
    from_state: str
    to_state: str
    action: str
    actor_id: int | None
    reason: str
    at: datetime.datetime


@assessments_router.get("/{assessment_id}/transitions", response=list[StepOut])
def assessment_steps(request, assessment_id: Id):
    """The assessment's path so far, oldest first."""
    return scope_for(request).get_or_404(Assessment.objects.all(), pk=assessment_id).state_changes.all()


@assessments_router.post("/{assessment_id}/evidence", response={201: EvidenceOut})
def evidence_upload(
    request,
    assessment_id: Id,
    file: File[UploadedFile],
    effective_date: Form[datetime.date],
    indicator_codes: Form[str] = "",
    description: Form[str] = "",
):
    """Attach a photo (JPEG, PNG, WebP, HEIC/HEIF: converted to JPEG), a PDF, or a Word (.docx) or
    Excel (.xlsx) file without macros, each checked by its content; `indicator_codes` is comma-separated."""
    scope = scope_for(request)
    assessment = scope.get_or_404(Assessment.objects.select_related("criteria_set", "unit"), pk=assessment_id)
    attached = evidence.attach(
        scope,
        assessment,
        file,
        effective_date=effective_date,
        description=description,
        indicator_codes=[code.strip() for code in indicator_codes.split(",") if code.strip()],
    )
    return Status(201, evidence.with_shared_flag(Evidence.objects.select_related("file")).get(pk=attached.pk))


@assessments_router.get("/{assessment_id}/evidence", response=list[EvidenceOut])
def evidence_list(request, assessment_id: Id):
    assessment = scope_for(request).get_or_404(Assessment.objects.all(), pk=assessment_id)
    return evidence.with_shared_flag(assessment.evidence.select_related("file"))


# -- decisions ------------------------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    number: str
    campaign_id: int
    issuer_id: int
    issuer_name: str
    issued_on: datetime.date
    signer_name: str
    signer_title: str
    assessment_ids: list[int]
    certificate_codes: list[str]

    @staticmethod
    def resolve_issuer_name(decision):
        return decision.issuer.name

    @staticmethod
    def resolve_assessment_ids(decision):
        return [assessment.pk for assessment in decision.assessments.all()]

    @staticmethod
    def resolve_certificate_codes(decision):
        return [certificate.code for certificate in decision.certificates.all()]


def _decisions():
    return Decision.objects.select_related("issuer").prefetch_related("assessments", "certificates")


@decisions_router.get("/", response=list[DecisionOut])
@paginate
def list_decisions(request, year: Year | None = None):
    found = scope_for(request).filter(_decisions())
    return found.filter(year=year) if year else found


@decisions_router.get("/{decision_id}", response=DecisionOut)
def decision_detail(request, decision_id: Id):
    return scope_for(request).get_or_404(_decisions(), pk=decision_id)


class DecisionIn(Schema):
    campaign_id: Id
    issuer_id: Id
    issued_on: datetime.date
    signer_name: str = Field(min_length=1, max_length=200)
    signer_title: str = "Chủ tịch"
    assessment_ids: list[Id] = Field(min_length=1)
    legal_bases: str = ""
    recipients: str = ""


@decisions_router.post("/", response={201: DecisionOut})
def create_decision(request, payload: DecisionIn):
    """Number a decision and recognise the listed proposed assessments under it."""
    scope = scope_for(request)
    campaign = scope.get_or_404(Campaign.objects.all(), pk=payload.campaign_id)
    issuer = scope.get_or_404(Unit.objects.all(), pk=payload.issuer_id)
    chosen = list(decisions.proposed_for(scope, campaign, issuer).filter(pk__in=payload.assessment_ids))
    if len(chosen) != len(set(payload.assessment_ids)):
        raise Http404
    decision = decisions.issue_decision(
        scope,
        campaign,
        chosen,
        issuer=issuer,
        issued_on=payload.issued_on,
        signer_name=payload.signer_name,
        signer_title=payload.signer_title,
        legal_bases=payload.legal_bases,
        recipients=payload.recipients,
    )
    return Status(201, _decisions().get(pk=decision.pk))


@decisions_router.post("/{decision_id}/certificates", response={201: DecisionOut})
def issue_certificates(request, decision_id: Id):
    """Sign a certificate for every subject the decision recognised."""
    scope = scope_for(request)
    decision = scope.get_or_404(Decision.objects.select_related("campaign", "issuer"), pk=decision_id)
    decisions.issue_certificates(scope, decision)
    return Status(201, _decisions().get(pk=decision.pk))


class CertificateOut(Schema):
    id: int
    code: str
    assessment_id: int
    valid_until: datetime.date
    payload: dict[str, Any]


@decisions_router.get("/{decision_id}/certificates", response=list[CertificateOut])
def decision_certificates(request, decision_id: Id):
    decision = scope_for(request).get_or_404(Decision.objects.all(), pk=decision_id)
    return decision.certificates.order_by("pk")


# -- public verification --------------------------------------------------------------------------


class VerificationOut(Schema):
    status: str
    label: str
    code: str | None  # as printed, when what was asked is a code
    certificate: dict[str, Any] | None
    revoked_on: datetime.date | None
    revocation_reference: str
    revocation_reason: str


@verification_router.get("/{code}", response=VerificationOut)
def verify_certificate(request, code: str):
    """Public, no sign-in: is the certificate genuine and still valid? Only what it shows is returned."""
    result = certificates.verify(code)
    return {
        "status": result.status,
        "label": str(result.label),
        "code": result.code,
        "certificate": result.payload,
        "revoked_on": result.revoked_on,
        "revocation_reference": result.revocation_reference,
        "revocation_reason": result.revocation_reason,
    }

"""Planning an inspection, re-scoring the sample, following up disagreements, summarising.

Why it is built this way:
* The sample is drawn by `sampling.draw` from the recognised assessments with a stored seed, so a
  commune that doubts its sample (or an auditor) can draw it again and get the same assessments.
* Re-scoring runs the same criteria engine with the same set, area class, group and subject facts
  the workflow used, so a disagreement is about the answers, never about a different calculation.
* Follow-up adds no rule of its own: returning or revoking is the assessments workflow's transition,
  checked against who may do it there (revoking belongs to the authority that recognised).
* The pages and the API call these functions alone, so both refuse the same inputs, by field.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment
from hoctap.assessments.states import HOLDING_STATES, Action
from hoctap.assessments.subjects import adapter_for, subject_of
from hoctap.core.limits import FIRST_YEAR, current_year, is_year
from hoctap.criteria.engine import AnswerError, score
from hoctap.criteria.titles import Title
from hoctap.territory.models import Era, Level, Unit

from . import sampling
from .models import Finding, FollowUp, Inspection, Verdict

# The largest seed stored: it fits a signed 64-bit column on every database.
MAX_SEED = 2**63 - 1


def population(year: int, communes: list[Unit], title: str = ""):
    """Recognised assessments of `year` whose subject lives in one of `communes`."""
    where = Q(pk__in=[])
    for commune in communes:
        where |= Q(unit__path__startswith=commune.path)
    assessments = Assessment.objects.filter(where, campaign__year=year, state__in=HOLDING_STATES)
    return assessments.filter(title=title) if title else assessments


def inspected_provinces(scope):
    """The provinces this user inspects: those where they review at the province itself (a commune
    officer reviews in the commune but does not inspect it; the nation does not plan a province's
    inspection)."""
    return Unit.objects.current().filter(level=Level.PROVINCE, path__in=scope.paths(Capability.REVIEW))


def is_inspector(scope, inspection: Inspection) -> bool:
    """May this user score the inspection's sample (rather than only read the findings about a commune)?"""
    return inspection.province.path in scope.paths(Capability.REVIEW)


def _require_inspector(scope, province: Unit) -> None:
    """Inspection is the province's: an officer who reviews at the province itself. Anyone else
    meets 'not found', as for any record outside the scope."""
    if province.path not in scope.paths(Capability.REVIEW):
        raise Http404


def plan(
    scope,
    *,
    province: Unit,
    year: int,
    communes: list[Unit],
    name: str,
    title: str = "",
    sample_size: int | None = None,
    sample_percent: Decimal | None = None,
    seed: int | None = None,
    actor,
) -> Inspection:
    errors = {}
    if province.level != Level.PROVINCE or province.era != Era.CURRENT:
        errors["province_id"] = _("Chọn một tỉnh trên bản đồ hiện hành.")
    # One rule for page and API: a year the system records, and one whose recognitions exist (not ahead).
    if not is_year(year) or year > current_year():
        errors["year"] = _("Năm được kiểm tra phải từ %(first)d đến năm nay (%(now)d).") % {
            "first": FIRST_YEAR,
            "now": current_year(),
        }
    if not communes:
        errors["communes"] = _("Chọn ít nhất một xã.")
    elif any(c.parent_id != province.pk or c.level != Level.COMMUNE for c in communes):
        errors["communes"] = _("Chỉ chọn các xã thuộc tỉnh.")
    if (sample_size is None) == (sample_percent is None):
        errors["sample_size"] = _("Nhập số hồ sơ hoặc tỷ lệ chọn mẫu (một trong hai).")
    elif sample_size is not None and sample_size < 1:
        errors["sample_size"] = _("Số hồ sơ phải lớn hơn 0.")
    elif sample_percent is not None and not Decimal(0) < Decimal(sample_percent) <= 100:
        errors["sample_percent"] = _("Tỷ lệ phải lớn hơn 0 và không quá 100.")
    if title and title not in Title.values:
        errors["title"] = _("Danh hiệu không hợp lệ.")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        errors["seed"] = _("Mã chọn mẫu phải là số nguyên không âm.")
    if not (name or "").strip():
        errors["name"] = _("Cần đặt tên đợt kiểm tra.")
    if errors:
        raise ValidationError(errors)
    _require_inspector(scope, province)
    seed = secrets.randbelow(MAX_SEED) if seed is None else seed
    candidates = population(year, communes, title).values_list("pk", "unit__path", "title")
    by_id = {pk: (path, assessment_title) for pk, path, assessment_title in candidates}
    chosen = sampling.draw(by_id, sampling.sample_size(len(by_id), size=sample_size, percent=sample_percent), seed)
    commune_paths = sorted(((c.path, c) for c in communes), key=lambda item: -len(item[0]))
    with transaction.atomic():
        inspection = Inspection(
            province=province,
            year=year,
            title=title,
            name=name.strip(),
            sample_size=sample_size,
            sample_percent=sample_percent,
            seed=seed,
            population=len(by_id),
            planned_by=actor,
        )
        scope.save(inspection, Capability.REVIEW)
        inspection.communes.set(communes)
        Finding.objects.bulk_create(
            Finding(
                inspection=inspection,
                assessment_id=pk,
                position=position,
                title=by_id[pk][1],
                commune=next(commune for path, commune in commune_paths if by_id[pk][0].startswith(path)),
            )
            for position, pk in enumerate(chosen, start=1)
        )
    return inspection


def redraw(inspection: Inspection) -> list[int]:
    """The sample drawn again from today's population with the stored seed: equal to the stored
    sample as long as no recognition in those communes has changed since."""
    ids = population(inspection.year, list(inspection.communes.all()), inspection.title).values_list("pk", flat=True)
    ids = list(ids)
    size = sampling.sample_size(len(ids), size=inspection.sample_size, percent=inspection.sample_percent)
    return sampling.draw(ids, size, inspection.seed)


# -- scoring a sampled assessment ----------------------------------------------------------------


def recorded_outcome(assessment: Assessment) -> dict:
    """What the commune decided: the reviewed result, else the self-assessment."""
    return assessment.review_result or assessment.self_result or {}


def starting_answers(finding: Finding) -> dict:
    """The inspector starts from the scores the reviewers gave, and changes what they find wrong."""
    if finding.answers:
        return finding.answers
    assessment = finding.assessment
    return assessment.review_answers or assessment.self_answers or {}


def rescore(
    scope,
    finding: Finding,
    *,
    answers: dict,
    verdict: str,
    reasons: str = "",
    recommendation: str = "",
    actor,
    now=None,
) -> Finding:
    """The inspector's own scoring with the assessment's criteria set, area class and group, and
    today's facts from the subject adapter (what the workflow itself scores with)."""
    _require_inspector(scope, finding.inspection.province)
    errors = {}
    if verdict not in (Verdict.AGREE, Verdict.DISAGREE):
        errors["verdict"] = _("Chọn đồng ý hoặc không đồng ý.")
    if verdict == Verdict.DISAGREE and not reasons.strip():
        errors["reasons"] = _("Phải nêu lý do không đồng ý.")
    if recommendation not in FollowUp.values or (recommendation and verdict != Verdict.DISAGREE):
        errors["recommendation"] = _("Chỉ kiến nghị xử lý khi không đồng ý kết quả.")
    if finding.follow_up:
        errors["verdict"] = _("Hồ sơ đã được xử lý sau kiểm tra; không sửa kết luận được.")
    if errors:
        raise ValidationError(errors)
    assessment = finding.assessment
    definition = assessment.criteria_set.definition
    answers = workflow.normalise_answers(definition, answers)
    facts = adapter_for(assessment.subject_kind).facts(subject_of(assessment), assessment.year, definition)
    try:
        result = score(
            definition, answers, facts, area_class=assessment.area_class, group=assessment.subject_group or None
        )
    except AnswerError as error:
        raise ValidationError({"answers": [f"{p.subject}: {p.message_vi}" for p in error.problems]}) from None
    recorded = recorded_outcome(assessment)
    finding.answers = answers
    finding.result = result.to_dict()
    finding.matches_recorded = result.achieved == recorded.get("achieved") and result.classification == recorded.get(
        "classification"
    )
    finding.verdict = verdict
    finding.reasons = reasons.strip()
    finding.recommendation = recommendation
    finding.inspector = actor
    finding.scored_at = now or timezone.now()
    return scope.save(finding, Capability.REVIEW)


# -- follow-up through the assessments workflow ------------------------------------------------


def follow_up_actions(scope, finding: Finding) -> list[str]:
    """What this user may do about a disagreement. A sampled assessment is recognised, and a recognition
    is never edited: both follow-ups start by revoking it, so both belong to whoever the workflow lets
    revoke it (the authority that recognised). The inspection adds no rule of its own."""
    if finding.verdict != Verdict.DISAGREE or finding.follow_up:
        return []
    if Action.REVOKE not in workflow.allowed_actions(scope, finding.assessment):
        return []
    return [FollowUp.RETURN, FollowUp.REVOKE]


def reopened(scope, finding: Finding):
    """The assessment that "return to the commune" opened in place of the revoked one, where this user
    may see it (None before a return, or outside the scope)."""
    if finding.follow_up != FollowUp.RETURN:
        return None
    return scope.filter(Assessment.objects.filter(replaces=finding.assessment_id)).first()


def follow_up(scope, finding: Finding, action: str, *, reason: str, revocation_reference: str = "") -> Finding:
    """Revoke the recognition through the assessments workflow (which checks who may do it and records
    the step); "return to the commune" also opens a new assessment of the same subject, which the
    commune takes through the cycle again (the workflow's correction). The finding records what was done."""
    if finding.verdict != Verdict.DISAGREE or finding.follow_up:
        raise ValidationError({"action": _("Chỉ xử lý hồ sơ có kết luận không đồng ý và chưa được xử lý.")})
    if action not in (FollowUp.RETURN, FollowUp.REVOKE):
        raise ValidationError({"action": _("Thao tác không hợp lệ.")})
    with transaction.atomic():
        if action == FollowUp.RETURN:
            workflow.correct(scope, finding.assessment, reason=reason, revocation_reference=revocation_reference)
        else:
            workflow.transition(
                scope, finding.assessment, Action.REVOKE, reason=reason, revocation_reference=revocation_reference
            )
        finding.follow_up = action
        finding.follow_up_reason = reason.strip()
        scope.save(finding, Capability.VIEW)
    return finding


# -- the inspection report -----------------------------------------------------------------------


@dataclass
class AgreementRow:
    commune: Unit
    title: str
    sampled: int = 0
    checked: int = 0
    agreed: int = 0
    disagreed: int = 0
    returned: int = 0
    revoked: int = 0

    @property
    def title_label(self) -> str:
        return str(Title(self.title).label)

    @property
    def rate(self) -> Decimal | None:
        """Agreements among the findings checked, in percent to one place."""
        if not self.checked:
            return None
        return (Decimal(100 * self.agreed) / self.checked).quantize(Decimal("0.1"))


def summary(inspection: Inspection) -> tuple[list[AgreementRow], AgreementRow]:
    """Agreement per commune and title, and the whole inspection's total."""
    rows: dict[tuple[int, str], AgreementRow] = {}
    communes = {c.pk: c for c in inspection.communes.all()}
    total = AgreementRow(commune=inspection.province, title="")
    for finding in inspection.findings.all():
        key = (finding.commune_id, finding.title)
        row = rows.setdefault(key, AgreementRow(communes[finding.commune_id], finding.title))
        for target in (row, total):
            target.sampled += 1
            if finding.verdict != Verdict.PENDING:
                target.checked += 1
            target.agreed += finding.verdict == Verdict.AGREE
            target.disagreed += finding.verdict == Verdict.DISAGREE
            target.returned += finding.follow_up == FollowUp.RETURN
            target.revoked += finding.follow_up == FollowUp.REVOKE
    ordered = sorted(rows.values(), key=lambda r: (r.commune.sort_key, r.title))
    return ordered, total

"""/api/v1/criteria: published criteria sets, their YAML, scoring a sheet, and checking a file.

Same scoping as the pages: national sets for every signed-in user, a province's own sets inside it;
anything else is a 404.
"""

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Id
from hoctap.core.text import reader_reads_english
from hoctap.web.shortcuts import download, filtered_by_given

from . import services
from .engine import AnswerError
from .models import CriteriaSetVersion

router = Router(tags=["criteria"])


class CriteriaSetOut(Schema):
    id: int
    code: str
    version: int
    title: str
    status: str
    name_vi: str
    name_en: str
    effective_from: datetime.date
    effective_to: datetime.date | None
    province_id: int | None
    fingerprint: str
    published_at: datetime.datetime


class CriteriaSetDetailOut(CriteriaSetOut):
    max_total: str
    required_facts: list[str]
    classification_codes: list[str]
    # The whole set as in docs/criteria-format.md, decimals as strings.
    definition: dict[str, Any]


class ScoreIn(Schema):
    answers: dict[str, Any]
    facts: dict[str, Any] = {}
    area_class: str = "normal"
    group: str | None = None


class FieldError(Schema):
    field: str
    kind: str
    message: str


class ScoreErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class ValidateIn(Schema):
    yaml: str
    source_name: str = "api"


class ProblemOut(Schema):
    path: str
    kind: str
    message: str
    message_vi: str
    message_en: str
    line: int | None


class ValidateOut(Schema):
    valid: bool
    code: str | None
    version: int | None
    status: str | None
    fingerprint: str | None
    problems: list[ProblemOut]


@router.get("/", response=list[CriteriaSetOut], url_name="list_criteria_sets")
@paginate
def list_criteria_sets(
    request,
    title: str = "",
    status: str = "",
    code: str = "",
    province_id: Id | None = None,
    national: bool | None = None,
):
    versions = scope_for(request).filter(CriteriaSetVersion.objects.all())
    return filtered_by_given(
        versions, title=title, status=status, code=code, province_id=province_id, province__isnull=national
    )


@router.post("/validate", response=ValidateOut, url_name="validate_criteria_set")
def validate_criteria_set(request, payload: ValidateIn):
    """Check a YAML criteria file without storing anything; every problem with its path and line."""
    candidate = services.read_yaml_text(payload.yaml, services.safe_name(payload.source_name))
    criteria_set = candidate.criteria_set
    english = reader_reads_english()
    return {
        "valid": candidate.is_valid,
        "code": criteria_set.code if criteria_set else None,
        "version": criteria_set.version if criteria_set else None,
        "status": criteria_set.status if criteria_set else None,
        "fingerprint": candidate.fingerprint or None,
        "problems": [
            {
                "path": p.path,
                "kind": p.kind,
                "message": p.message_en if english else p.message_vi,
                "message_vi": p.message_vi,
                "message_en": p.message_en,
                "line": p.line,
            }
            for p in candidate.problems
        ],
    }


@router.get("/{set_id}", response=CriteriaSetDetailOut, url_name="criteria_set_detail")
def criteria_set_detail(request, set_id: Id):
    version = scope_for(request).get_or_404(CriteriaSetVersion.objects.all(), pk=set_id)
    definition = version.definition
    return {
        **CriteriaSetOut.from_orm(version).dict(),
        "max_total": format(definition.max_total, "f"),
        "required_facts": list(definition.required_facts()),
        "classification_codes": list(definition.classification_codes()),
        "definition": definition.model_dump(mode="json"),
    }


@router.get("/{set_id}/yaml", url_name="criteria_set_yaml")
def criteria_set_yaml(request, set_id: Id):
    """The set as published (status banner first when it is incomplete)."""
    version = scope_for(request).get_or_404(CriteriaSetVersion.objects.all(), pk=set_id)
    services.audit_export(request.user, version, "yaml")
    return download(
        services.export_yaml(version), services.export_filename(version, "yaml"), services.YAML_CONTENT_TYPE
    )


class ScoreTemplateOut(Schema):
    answers: dict[str, None]
    facts: dict[str, None]
    area_classes: list[str]
    groups: list[str]


@router.get("/{set_id}/score", response=ScoreTemplateOut, url_name="criteria_score_template")
def criteria_score_template(request, set_id: Id):
    """The sheet to fill for this set: every indicator code and fact name, and the options to pick."""
    definition = scope_for(request).get_or_404(CriteriaSetVersion.objects.all(), pk=set_id).definition
    return {
        "answers": {indicator.code: None for indicator in definition.indicators},
        "facts": dict.fromkeys(definition.required_facts()),
        "area_classes": list(definition.applicability.area_classes),
        "groups": [group.code for group in definition.applicability.subject_groups],
    }


@router.post("/{set_id}/score", response={200: dict[str, Any], 422: ScoreErrorOut}, url_name="score_criteria_set")
def score_criteria_set(request, set_id: Id, payload: ScoreIn):
    """Score one sheet (docs/answers-format.md) against the set; nothing is stored."""
    version = scope_for(request).get_or_404(CriteriaSetVersion.objects.all(), pk=set_id)
    try:
        result = services.score_sheet(version.definition, payload.dict())
    except AnswerError as error:
        english = reader_reads_english()
        return Status(
            422,
            {
                "detail": _("Dữ liệu không hợp lệ."),
                "errors": [
                    # Named like the request-validation errors of the whole API (payload.<field>).
                    {
                        "field": f"payload.{services.answer_problem_field(p)}",
                        "kind": p.kind,
                        "message": p.message_en if english else p.message_vi,
                    }
                    for p in error.problems
                ],
            },
        )
    return result.to_dict()

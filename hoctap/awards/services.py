"""Emulation self-reports, nominations moving up level by level, award records and honour lists."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.audit.exports import record_export
from hoctap.core.versions import check_version
from hoctap.territory.models import Era, Level, Unit

from . import emulation
from .models import (
    NEXT_STAGE,
    Award,
    AwardKind,
    DecisionAction,
    EmulationSelfReport,
    Nomination,
    NominationDecision,
    NomineeKind,
    SelfReportState,
    Stage,
)
from .states import actions_for, rule_for

# -- emulation self-reports --------------------------------------------------------------------


def _clean_answers(body: emulation.Body, answers: dict) -> dict:
    """The answers as stored: only this body's criteria (a code of another body is refused, not
    dropped, so a client that sends the wrong body's sheet hears of it), each a real yes/no.
    Unanswered criteria stay absent: a draft may be partial, and `submit_self_report` lists them."""
    known = set(body.criterion_codes())
    unknown = sorted(set(answers) - known)
    if unknown:
        message = _("Tiêu chí không thuộc đối tượng này: %(codes)s.") % {"codes": ", ".join(unknown)}
        raise ValidationError({"answers": message})
    cleaned = {}
    for code in body.criterion_codes():
        if code not in answers:
            continue
        answer = answers[code]
        if not isinstance(answer, dict) or not isinstance(answer.get("met"), bool):
            raise ValidationError({f"answers.{code}": _("Cần trả lời đạt hoặc chưa đạt.")})
        cleaned[code] = {"met": answer["met"], "note": str(answer.get("note") or "").strip()}
    return cleaned


def save_self_report(
    scope, *, year: int, body: str, body_name: str, unit: Unit, answers: dict, report: EmulationSelfReport | None = None
) -> EmulationSelfReport:
    """Create or change a draft self-report (page and API). A body reports at the level the plan
    puts it (a commune association under its commune), on today's map, inside the writer's
    territory; a sent report is not changed, and one body reports once a year (the unique
    constraint, turned into a refusal on `body_name`)."""
    definition = emulation.body(body)
    if definition is None:
        raise ValidationError({"body": _("Không có đối tượng thi đua này.")})
    if unit.era != Era.CURRENT or unit.level != definition.territory:
        message = _("Đối tượng này tự đánh giá ở cấp %(level)s.") % {"level": Level(definition.territory).label}
        raise ValidationError({"unit_id": message})
    if not body_name.strip():
        raise ValidationError({"body_name": _("Cần ghi tên tổ chức, cá nhân.")})
    scope.assert_unit(unit, Capability.REPORT)
    if report is not None and not report.editable:
        raise ValidationError({"state": _("Bản tự đánh giá đã gửi thì không sửa được.")})
    report = report or EmulationSelfReport(year=year, body=body, unit=unit)
    report.year, report.body, report.unit = year, body, unit
    report.body_name = body_name.strip()
    report.answers = _clean_answers(definition, answers)
    try:
        return scope.save(report, Capability.REPORT)
    except IntegrityError:
        message = _("Tổ chức này đã có bản tự đánh giá năm %(year)s.") % {"year": year}
        raise ValidationError({"body_name": message}) from None


def submit_self_report(scope, report: EmulationSelfReport, *, actor, now=None) -> EmulationSelfReport:
    """Send the report: only once every criterion has an answer (a «not met» is an answer; silence
    is not), and only once. Who sent it and when are kept, since the level above reads it as sent."""
    definition = emulation.body(report.body)
    missing = [code for code in definition.criterion_codes() if code not in report.answers]
    if missing:
        message = _("Chưa tự đánh giá các tiêu chí: %(codes)s.") % {"codes": ", ".join(missing)}
        raise ValidationError({"answers": message})
    if not report.editable:
        raise ValidationError({"state": _("Bản tự đánh giá đã được gửi.")})
    report.state = SelfReportState.SUBMITTED
    report.submitted_at = now or timezone.now()
    report.submitted_by = actor
    return scope.save(report, Capability.REPORT)


# -- nominations -------------------------------------------------------------------------------


def _stage_unit(nomination: Nomination, stage: str) -> Unit | None:
    """The unit that decides at `stage`: the nominee's commune, its province, or the nation."""
    chain = nomination.unit.ancestors() + [nomination.unit]
    level = {Stage.COMMUNE: Level.COMMUNE, Stage.PROVINCE: Level.PROVINCE, Stage.CENTRAL: Level.NATION}[stage]
    return next((unit for unit in chain if unit.level == level), None)


def deciding_unit(nomination: Nomination) -> Unit | None:
    """The unit whose officers decide now: a nomination is before one level at a time."""
    return _stage_unit(nomination, nomination.stage)


def can_decide(scope, nomination: Nomination) -> bool:
    """Each level decides on what is before it, and only that level: the province cannot honour a
    nomination the commune has not proposed, and the commune cannot touch it once it has."""
    unit = deciding_unit(nomination)
    return unit is not None and unit.path in scope.paths(Capability.REVIEW)


def available_actions(scope, nomination: Nomination) -> list[str]:
    """What the page offers this user: the table's steps, to the deciding level only (everyone else
    who may read the nomination sees its history and no buttons)."""
    if not can_decide(scope, nomination):
        return []
    return actions_for(nomination.status, nomination.stage)


def create_nomination(
    scope, *, occasion: str, nominee_kind: str, nominee_name: str, unit: Unit, achievements: str, actor
) -> Nomination:
    """Put someone forward (page and API). Every field's problem is reported at once, before the
    scope check, so a form shows them all; an occasion must be one of the programme's, since the
    honour lists are read by occasion code."""
    errors = {}
    if emulation.occasion(occasion) is None:
        errors["occasion"] = _("Không có đợt biểu dương này.")
    if nominee_kind not in NomineeKind.values:
        errors["nominee_kind"] = _("Loại đề nghị không hợp lệ.")
    if not nominee_name.strip():
        errors["nominee_name"] = _("Cần ghi tên.")
    if not achievements.strip():
        errors["achievements"] = _("Cần tóm tắt thành tích.")
    if unit.era != Era.CURRENT or unit.level not in (Level.VILLAGE, Level.COMMUNE, Level.PROVINCE):
        errors["unit_id"] = _("Chọn thôn, xã hoặc tỉnh trên bản đồ hiện hành.")
    if errors:
        raise ValidationError(errors)
    scope.assert_unit(unit, Capability.REPORT)
    # A nomination starts at the level it is raised in: a commune's (or village's) at the commune,
    # a provincial body's at the province.
    stage = Stage.PROVINCE if unit.level == Level.PROVINCE else Stage.COMMUNE
    nomination = Nomination(
        occasion=occasion,
        nominee_kind=nominee_kind,
        nominee_name=nominee_name.strip(),
        unit=unit,
        achievements=achievements.strip(),
        stage=stage,
        created_by=actor,
    )
    return scope.save(nomination, Capability.REPORT)


def transition(
    scope, nomination: Nomination, action: str, *, actor, reason: str = "", expected_version: int | None = None
) -> Nomination:
    """The one way a nomination moves (page, API and demo alike): the deciding level only, a step of
    `states.TRANSITIONS`, the version the caller saw, a reason where the rule needs one."""
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().select_related("unit").get(pk=nomination.pk)
        if not can_decide(scope, nomination):
            raise Http404
        check_version(nomination.version, expected_version)
        rule = rule_for(nomination.status, nomination.stage, action)
        if rule is None:
            raise ValidationError(
                {
                    "action": _(
                        "Không thực hiện được thao tác này ở trạng thái hiện tại; "
                        "hãy tải lại trang để xem các thao tác còn làm được."
                    )
                }
            )
        if rule.needs_reason and not reason.strip():
            raise ValidationError({"reason": _("Phải nêu lý do không chọn.")})
        stage = nomination.stage
        NominationDecision.objects.create(
            nomination=nomination, stage=stage, action=action, reason=reason.strip(), actor=actor
        )
        nomination.status = rule.to
        if rule.moves_up:
            nomination.stage = NEXT_STAGE[stage]
        nomination.version += 1
        nomination.save(update_fields=["stage", "status", "version"])
    return nomination


def audit_honour_list(actor, nominations, occasion: str, stage: str, unit: Unit) -> None:
    """The audit entry of an honour list's export (rows: its nominations)."""
    record_export(
        actor, "awards.honours", rows=nominations.count(), unit=unit, filters={"occasion": occasion, "stage": stage}
    )


KIND_ORDER = [When(nominee_kind=kind, then=Value(position)) for position, kind in enumerate(NomineeKind.values)]
# An honour list covers the country, a province or a commune (a village's models are a commune's).
HONOUR_LIST_LEVELS = (Level.NATION, Level.PROVINCE, Level.COMMUNE)


def honour_list(scope, occasion: str, stage: str, unit: Unit):
    """Nominations honoured at `stage` for `occasion`, under `unit` (the list a congress reads out).

    An occasion the programme does not have is refused, not listed as empty: the page's form offers
    only the programme's occasions, and the API must not answer a mistyped code with «nobody»."""
    if emulation.occasion(occasion) is None:
        raise ValidationError({"occasion": _("Không có đợt biểu dương này.")})
    if unit.level not in HONOUR_LIST_LEVELS:
        raise ValidationError({"unit": _("Chọn phạm vi là toàn quốc, một tỉnh hoặc một xã, phường.")})
    return (
        scope.filter(Nomination.objects.all())
        .filter(
            occasion=occasion,
            unit__path__startswith=unit.path,
            decisions__stage=stage,
            decisions__action=DecisionAction.HONOUR,
        )
        .select_related("unit")
        .prefetch_related("awards")
        .distinct()
        # Grouped by kind in the programme's order (families, clans, communities…), as the form lists them.
        .annotate(kind_order=Case(*KIND_ORDER, output_field=IntegerField()))
        .order_by("kind_order", "unit__sort_key", "nominee_name")
    )


# -- award records -----------------------------------------------------------------------------


def record_award(
    scope,
    *,
    kind: str,
    issuer: str,
    decision_number: str,
    decision_date: datetime.date,
    recipient_name: str,
    recipient_kind: str,
    unit: Unit,
    actor,
    nomination: Nomination | None = None,
    today: datetime.date | None = None,
) -> Award:
    """Record a certificate already decided (page and API): a decision cannot be dated after today
    (`today` for tests), and one decision names a recipient once (a second entry would count the
    certificate twice). `nomination`, when given, carries its occasion onto the award so the honour
    list shows it."""
    errors = {}
    if kind not in AwardKind.values:
        errors["kind"] = _("Hình thức khen thưởng không hợp lệ.")
    if recipient_kind not in NomineeKind.values:
        errors["recipient_kind"] = _("Loại không hợp lệ.")
    for field, value in (("issuer", issuer), ("decision_number", decision_number), ("recipient_name", recipient_name)):
        if not (value or "").strip():
            errors[field] = _("Không được để trống.")
    if decision_date > (today or timezone.localdate()):
        errors["decision_date"] = _("Ngày quyết định không được sau hôm nay.")
    if unit.era != Era.CURRENT:
        errors["unit_id"] = _("Chọn đơn vị trên bản đồ hiện hành.")
    if errors:
        raise ValidationError(errors)
    scope.assert_unit(unit, Capability.REPORT)
    award = Award(
        kind=kind,
        issuer=issuer.strip(),
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        recipient_name=recipient_name.strip(),
        recipient_kind=recipient_kind,
        unit=unit,
        nomination=nomination,
        occasion=nomination.occasion if nomination else "",
        created_by=actor,
    )
    try:
        with transaction.atomic():
            return scope.save(award, Capability.REPORT)
    except IntegrityError:
        raise ValidationError({"decision_number": _("Quyết định này đã được ghi cho người, tập thể này.")}) from None

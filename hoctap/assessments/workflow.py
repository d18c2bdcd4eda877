"""The one state machine, for every title.

`transition` is the only way an assessment changes state. The allowed moves and who makes them are
data (`states.TRANSITIONS`); this module checks them against the caller's scope, scores answers
through the pure criteria engine with facts from the subject adapter, saves under a row lock with
the optimistic version check, records the step, and announces it (`assessment_transitioned`) inside
the same transaction. A refusal says why, in Vietnamese.
"""

from __future__ import annotations

import calendar
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability, Role
from hoctap.accounts.scoping import Scope
from hoctap.core.text import in_reader_language
from hoctap.core.versions import check_version
from hoctap.criteria import engine, validity
from hoctap.criteria.labels import classification_label
from hoctap.criteria.schema import CriteriaSet
from hoctap.criteria.titles import Title
from hoctap.territory.models import REFORM_DATE, Era, Level, Unit, UnitLineage

from . import certificates
from .areas import opening_class
from .campaigns import LevelRule, campaign_for, level_rule, pick_criteria_set
from .models import Assessment, Decision, StaleAssessment, StateChange, SubjectKind
from .sets import definition_of
from .signals import assessment_transitioned
from .states import REGISTER, SUBJECT, TRANSITIONS, Action, Rule, State
from .subjects import adapter_for, adapter_for_title, explanations_from, holders, subject_of


class TransitionRefused(ValidationError):
    """Why an action was refused. `code` tells the kind (the API maps it to a status), `field` the
    input at fault, if any."""

    def __init__(self, message, code: str, field: str | None = None):
        self.field = field
        super().__init__({field: [message]} if field else message, code=code)
        self.code = code

    @property
    def text(self) -> str:
        return " ".join(self.messages)


# -- who may act ----------------------------------------------------------------------------------


def is_subject_actor(scope: Scope, assessment: Assessment) -> bool:
    """The subject itself (its own account, e.g. a citizen) or an officer who keeps its record."""
    if scope.can(Capability.EDIT_REGISTRY, assessment.unit):
        return True
    user = scope.user
    return (
        user is not None
        and user.is_authenticated
        and user.pk in adapter_for(assessment.subject_kind).owner_user_ids(subject_of(assessment))
        and scope.holds_role(Role.CITIZEN)
    )


# Review actions, and the decisions after review: a reviewer may not decide what they reviewed.
REVIEW_ACTIONS = frozenset({Action.START_REVIEW, Action.RETURN, Action.PROPOSE, Action.REJECT})
DECIDING_ACTIONS = frozenset({Action.RECOGNISE, Action.DECLINE, Action.ISSUE_CERTIFICATE})


def handlers(assessment: Assessment) -> tuple[set[int], set[int]]:
    """Who submitted and who reviewed the dossier over its whole path (a returned dossier may have
    been submitted or reviewed by several). Reads `state_changes.all()`, which lists prefetch."""
    submitted, reviewed = {assessment.submitted_by_id}, {assessment.reviewed_by_id}
    for change in assessment.state_changes.all():
        if change.action == Action.SUBMIT:
            submitted.add(change.actor_id)
        elif change.action in REVIEW_ACTIONS:
            reviewed.add(change.actor_id)
    return submitted - {None}, reviewed - {None}


def works_for_the_commune(scope: Scope, assessment: Assessment) -> bool:
    """The commune learning community (TT 25/2023) is the commune's own file: anyone holding a role
    at the commune or in one of its villages (its officers, its chairman) works for the subject, as
    a household member owns a family's file. The level above reviews and recognises it."""
    return assessment.subject_kind == SubjectKind.COMMUNE and assessment.unit_id in own_commune_ids(scope)


def own_commune_ids(scope: Scope) -> set[int]:
    """The communes whose learning-community file the user works for (`works_for_the_commune`), for
    lists that must not offer it to them: the commune of each of their assignments."""
    ids = set()
    for assignment in scope.assignments:
        if assignment.unit.level == Level.COMMUNE:
            ids.add(assignment.unit_id)
        elif assignment.unit.level == Level.VILLAGE:
            ids.add(assignment.unit.parent_id)
    return ids


def is_own(scope: Scope, assessment: Assessment, action: str | None = None) -> bool:
    """Nobody reviews, proposes, recognises or certifies what they own or submitted, nor decides
    (recognises, declines, certifies) what they reviewed: neither directly nor through an account
    they created or whose role they granted (`Scope.accountable_ids`). A commune's own officers own
    its commune learning community file (`works_for_the_commune`)."""
    if works_for_the_commune(scope, assessment):
        return True
    behind = scope.accountable_ids()
    if not behind:
        return False
    submitted, reviewed = handlers(assessment)
    conflicting = submitted | set(adapter_for(assessment.subject_kind).owner_user_ids(subject_of(assessment)))
    if action in DECIDING_ACTIONS:
        conflicting |= reviewed
    return not behind.isdisjoint(conflicting)


def rule_of(assessment: Assessment) -> LevelRule:
    """The campaign's rule for the assessment's subject: who recognises it, for how long, and when
    its level may be raised (a province-managed TT 24 unit is not the commune chairman's)."""
    adapter = adapter_for(assessment.subject_kind)
    return level_rule(assessment.campaign, adapter.admin_level(subject_of(assessment)))


def _may_act(scope: Scope, assessment: Assessment, rule: Rule) -> bool:
    if rule.actor == SUBJECT:
        return is_subject_actor(scope, assessment)
    if rule.actor == Capability.RECOGNISE:
        # Recognition belongs to one authority per campaign and subject level (the commune chairman
        # by default; the province for units it manages).
        return scope.can(Capability.RECOGNISE, assessment.unit) and scope.holds_role(
            rule_of(assessment).recognising_role, assessment.unit
        )
    return scope.can(rule.actor, assessment.unit)


def _refuse_actor(assessment: Assessment, action: str, rule: Rule):
    label = Action(action).label
    if rule.actor == Capability.RECOGNISE:
        role = Role(rule_of(assessment).recognising_role).label
        return TransitionRefused(
            _("Bạn không thể «%(action)s» hồ sơ này: việc này thuộc thẩm quyền của %(role)s phụ trách %(unit)s.")
            % {"action": label, "role": role, "unit": assessment.unit.name},
            code="no_capability",
        )
    if rule.actor == SUBJECT:
        return TransitionRefused(
            _("Bạn không thể «%(action)s»: chỉ chính đối tượng hoặc cán bộ quản lý hồ sơ tại %(unit)s mới làm được.")
            % {"action": label, "unit": assessment.unit.name},
            code="no_capability",
        )
    return TransitionRefused(
        _("Bạn không có quyền %(capability)s tại %(unit)s nên không thể «%(action)s».")
        % {"capability": Capability(rule.actor).label, "unit": assessment.unit.name, "action": label},
        code="no_capability",
    )


def allowed_actions(scope: Scope, assessment: Assessment) -> list[str]:
    """The actions the user could take now (for buttons); the transition re-checks everything."""
    actions = []
    for (state, action), rule in TRANSITIONS.items():
        if state != assessment.state or not _may_act(scope, assessment, rule):
            continue
        if rule.actor != SUBJECT and is_own(scope, assessment, action):
            continue
        actions.append(action)
    return actions


# -- answers --------------------------------------------------------------------------------------


def normalise_answers(definition: CriteriaSet, raw: dict) -> dict:
    """Answers as stored: points as exact decimal text, pass/fail as booleans; empty ones dropped.

    Raises TransitionRefused naming each unusable answer (the engine's own messages).
    """
    answers = {}
    for code, value in raw.items():
        if value is None or value == "":
            continue
        try:
            indicator = definition.indicator(code)
        except KeyError:
            answers[code] = value  # reported below by the engine as an unknown indicator
            continue
        if indicator.kind == "pass_fail":
            answers[code] = (
                value if isinstance(value, bool) else str(value).lower() in {"1", "true", "on", "yes", "đạt"}
            )
        else:
            answers[code] = value if isinstance(value, str) else format(Decimal(str(value)), "f")
    # Score once with the unanswered indicators filled in, keeping only the problems of the given
    # ones: the engine stays the one place that knows what a valid answer is.
    filled = {i.code: (False if i.kind == "pass_fail" else "0") for i in definition.indicators}
    try:
        engine.score(definition, {**filled, **answers})
    except engine.AnswerError as error:
        problems = [p for p in error.problems if p.subject in answers]
        if problems:
            raise _invalid_answers(problems) from None
    return {
        code: (value.replace(",", ".").strip() if isinstance(value, str) else value) for code, value in answers.items()
    }


def _invalid_answers(problems) -> TransitionRefused:
    refusal = TransitionRefused(
        " ".join(in_reader_language(p.message_vi, p.message_en) for p in problems),
        code="invalid_answers",
        field="answers",
    )
    refusal.problems = {p.subject: in_reader_language(p.message_vi, p.message_en) for p in problems}
    return refusal


def score(assessment: Assessment, answers: dict) -> dict:
    """The engine's result for `answers`, with the facts the subject adapter computes."""
    definition = definition_of(assessment.criteria_set)
    adapter = adapter_for(assessment.subject_kind)
    populations = adapter.populations(subject_of(assessment), assessment.campaign.year, definition)
    facts = (
        adapter.facts_from(populations)
        if populations
        else adapter.facts(subject_of(assessment), assessment.campaign.year, definition)
    )
    try:
        result = engine.score(
            definition, answers, facts, area_class=assessment.area_class, group=assessment.subject_group or None
        )
    except engine.AnswerError as error:
        raise _invalid_answers(error.problems) from None
    # What the rules counted when this result was made (the facts of that moment, not frozen: the
    # council's result is scored again with the facts of review time), so the review screen can
    # say what changed since submission.
    counted = {
        fact: {"held": p.count.held, "whole": p.count.whole, "pending": p.count.pending, "fallback": p.count.fallback}
        for fact, p in populations.items()
        if any(d.fact == fact for d in definition.dependencies)
    }
    return {**result.to_dict(), "counted": counted}


def _not_achieved(result: dict, definition: CriteriaSet) -> TransitionRefused:
    reasons = " ".join(
        [
            in_reader_language(r["message_vi"], r.get("message_en", ""))
            for r in result.get("reasons", [])
            if r["code"] not in {"level_reached", "band_reached"}
        ]
        # What was counted and what would make each unmet rule hold, in plain words.
        + [
            in_reader_language(f"{e.summary_vi} {e.next_vi}", f"{e.summary_en} {e.next_en}")
            for e in explanations_from(definition, result)
            if not e.met
        ]
    )
    return TransitionRefused(
        _("Kết quả thẩm định chưa đạt nên không thể đề nghị công nhận. %(reasons)s") % {"reasons": reasons},
        code="not_achieved",
        field="answers",
    )


# -- the transition -------------------------------------------------------------------------------


def _wrong_state(assessment: Assessment, action: str) -> TransitionRefused:
    label = Action(action).label if action in Action.values else action
    return TransitionRefused(
        _("Không thể «%(action)s» khi hồ sơ đang ở trạng thái «%(state)s».")
        % {"action": label, "state": State(assessment.state).label},
        code="wrong_state",
    )


def _record(assessment: Assessment, from_state: str | None, action: str, actor, reason: str = "") -> None:
    StateChange.objects.create(
        assessment=assessment,
        from_state=from_state or "",
        to_state=assessment.state,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
    )
    if actor is not None and actor.is_authenticated:
        _fill_audit_actor(assessment, actor)
    assessment_transitioned.send(
        sender=Assessment,
        assessment=assessment,
        from_state=from_state,
        to_state=assessment.state,
        action=action,
        actor=actor,
    )


def _fill_audit_actor(assessment: Assessment, actor) -> None:
    """Outside a browser session (API tokens, commands) the audit middleware knows no actor."""
    latest = LogEntry.objects.get_for_object(assessment).order_by("-pk").first()
    if latest is not None and latest.actor_id is None:
        LogEntry.objects.filter(pk=latest.pk).update(actor=actor)


def _locked(scope: Scope, assessment: Assessment, expected_version: int | None) -> Assessment:
    """The assessment as stored, locked until the transaction ends: a 404 outside the scope, and
    StaleAssessment when it changed since the version the user saw (`expected_version`)."""
    try:
        current = (
            scope.filter(Assessment.objects.all())
            .select_for_update(of=("self",))
            .select_related("campaign", "unit", "criteria_set")
            .get(pk=assessment.pk)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None
    check_version(current.version, expected_version, StaleAssessment)
    return current


def transition(
    scope: Scope,
    assessment: Assessment,
    action: str,
    *,
    reason: str = "",
    expected_version: int | None = None,
    answers: dict | None = None,
    decision: Decision | None = None,
    revocation_reference: str = "",
) -> Assessment:
    """Move `assessment` by `action` as the scope's user; return the saved assessment.

    `answers` are the self-assessment (on submit) or the council's scores (on review actions);
    `decision` is required to recognise, `revocation_reference` (the revoking decision's number)
    to revoke. Raises TransitionRefused or StaleAssessment; an assessment outside the scope is a 404.
    """
    reason = (reason or "").strip()
    actor = scope.user
    with transaction.atomic():
        current = _locked(scope, assessment, expected_version)
        rule = TRANSITIONS.get((current.state, action))
        if rule is None:
            raise _wrong_state(current, action)
        if not _may_act(scope, current, rule):
            raise _refuse_actor(current, action, rule)
        if rule.actor != SUBJECT and works_for_the_commune(scope, current):
            raise TransitionRefused(
                _(
                    "Hồ sơ Cộng đồng học tập cấp xã của %(unit)s do cấp trên (tỉnh) thẩm định và công nhận; cán bộ, "
                    "lãnh đạo của chính xã không được «%(action)s» hồ sơ này. Hãy gửi hồ sơ để cán bộ tỉnh xử lý."
                )
                % {"unit": current.unit.name, "action": Action(action).label},
                code="own_assessment",
            )
        if rule.actor != SUBJECT and is_own(scope, current, action):
            raise TransitionRefused(
                _(
                    "Bạn không thể thẩm định, công nhận hay cấp giấy cho hồ sơ của chính mình, hồ sơ do mình nộp "
                    "hoặc đã thẩm định, kể cả qua tài khoản do mình tạo hay phân quyền. Hãy để cán bộ khác "
                    "có thẩm quyền xử lý."
                ),
                code="own_assessment",
            )
        if rule.needs_reason and not reason:
            raise TransitionRefused(
                _("Cần ghi lý do để «%(action)s».") % {"action": Action(action).label},
                code="missing_reason",
                field="reason",
            )
        from_state = current.state
        _apply(
            current,
            action,
            actor,
            reason=reason,
            answers=answers,
            decision=decision,
            revocation_reference=revocation_reference.strip(),
        )
        current.state = rule.to
        current._audit_transition = {"action": action, "from": from_state, "to": rule.to, "reason": reason}
        current.save()
        del current._audit_transition  # a later save of this object is not this transition
        if action == Action.ISSUE_CERTIFICATE:
            certificates.issue(current)
        _record(current, from_state, action, actor, reason)
    return current


def _apply(assessment: Assessment, action: str, actor, *, reason, answers, decision, revocation_reference) -> None:
    """What each action changes besides the state."""
    definition = definition_of(assessment.criteria_set)
    now = timezone.now()
    if action == Action.SUBMIT:
        if answers is not None:
            assessment.self_answers = normalise_answers(definition, answers)
        # the level a subject may be given is the same rule for its own result (`cap_level`)
        assessment.self_result = cap_level(assessment, score(assessment, assessment.self_answers), timezone.localdate())
        assessment.submitted_at, assessment.submitted_by = now, actor
        assessment.return_reason = ""
    elif action == Action.START_REVIEW:
        assessment.reviewed_by = actor
        if not assessment.review_answers:
            assessment.review_answers = dict(assessment.self_answers)
    elif action in (Action.RETURN, Action.REJECT, Action.PROPOSE):
        if answers is not None:
            assessment.review_answers = normalise_answers(definition, answers)
        assessment.reviewed_by = actor
        if action == Action.PROPOSE:
            assessment.review_answers = assessment.review_answers or dict(assessment.self_answers)
            result = cap_level(assessment, score(assessment, assessment.review_answers), timezone.localdate())
            if not result["achieved"]:
                raise _not_achieved(result, definition)
            assessment.review_result = result
            assessment.classification = result["classification"]
        else:
            assessment.return_reason = reason
    elif action == Action.RECOGNISE:
        if decision is None:
            raise TransitionRefused(
                _("Công nhận phải kèm một quyết định công nhận."), code="missing_decision", field="decision"
            )
        if decision.campaign_id != assessment.campaign_id or not assessment.unit.path.startswith(decision.issuer.path):
            raise TransitionRefused(
                _("Quyết định %(number)s không thuộc đợt hoặc địa bàn của hồ sơ này.") % {"number": decision.number},
                code="wrong_decision",
                field="decision",
            )
        waiting = upgrade_wait(assessment, assessment.classification, decision.issued_on)
        if waiting is not None:
            raise TransitionRefused(
                _(
                    "Quyết định %(number)s ký ngày %(day)s: %(why)s Hãy ký quyết định từ ngày %(from)s trở đi, "
                    "hoặc trả hồ sơ để thẩm định lại ở mức thấp hơn."
                )
                % {
                    "number": decision.number,
                    "day": decision.issued_on.strftime("%d/%m/%Y"),
                    "why": waiting.text,
                    "from": waiting.allowed_from.strftime("%d/%m/%Y") if waiting.allowed_from else "—",
                },
                code="upgrade_too_early",
                field="decision",
            )
        assessment.decision, assessment.recognised_at = decision, now
    elif action == Action.DECLINE:
        assessment.return_reason = reason
    elif action == Action.REVOKE:
        if not revocation_reference:
            raise TransitionRefused(
                _("Thu hồi cần số quyết định thu hồi."), code="missing_reason", field="revocation_reference"
            )
        assessment.revoked_at, assessment.revocation_reason = now, reason
        assessment.revocation_reference = revocation_reference


# -- raising a level (TT 24/2023, TT 25/2023) --------------------------------------------------------


class UpgradeWait:
    """Why a level cannot be given yet, and from which day it can (None: it needs a lower level first)."""

    def __init__(self, text: str, allowed_from):
        self.text, self.allowed_from = text, allowed_from


def upgrade_wait(assessment: Assessment, classification: str, on_day) -> UpgradeWait | None:
    """None when `classification` may be given on `on_day`; else why not.

    TT 24/2023 and TT 25/2023: a unit (commune) recognised at level 1 may ask for level 2 "sau ít
    nhất 1 năm (12 tháng) kể từ ngày ra quyết định công nhận" (criteria-sources.md §1, §2). So a
    level above the first needs a recognition of the subject at the level below that still holds,
    decided at least the campaign's `upgrade_after_months` before. A campaign (or level rule)
    without an upgrade period does not restrict levels. This is the one place the rule lives: the
    review (web, API, bulk accept) caps the level through `cap_level`, recognition re-checks it
    against the decision's date."""
    definition = definition_of(assessment.criteria_set)
    if definition.scoring.method != "levels":
        return None
    codes = [level.code for level in definition.scoring.levels]
    if classification not in codes or codes.index(classification) == 0:
        return None
    months = rule_of(assessment).upgrade_after_months
    if not months:
        return None
    below = codes[: codes.index(classification)]
    adapter = adapter_for(assessment.subject_kind)
    earlier = (
        holders(assessment.title, assessment.campaign.year)
        .filter(**{adapter.field: subject_of(assessment)}, classification__in=below)
        .exclude(pk=assessment.pk)
        .select_related("decision", "campaign")
    )
    level_name = definition.scoring.levels[codes.index(classification)].name_vi
    lower_name = definition.scoring.levels[codes.index(classification) - 1].name_vi
    best_day = None
    for held in earlier:
        decided_on = held.decision.issued_on if held.decision_id else timezone.localdate(held.recognised_at)
        allowed_from = _add_months(decided_on, months)
        if allowed_from <= on_day:
            return None
        best_day = allowed_from if best_day is None else min(best_day, allowed_from)
    if best_day is None:
        return UpgradeWait(
            _(
                "%(level)s chỉ được xét sau ít nhất %(months)s tháng kể từ quyết định công nhận %(lower)s, "
                "mà đối tượng chưa có quyết định công nhận %(lower)s còn hiệu lực."
            )
            % {"level": level_name, "lower": lower_name, "months": months},
            None,
        )
    return UpgradeWait(
        _(
            "%(level)s chỉ được xét sau ít nhất %(months)s tháng kể từ quyết định công nhận %(lower)s, "
            "tức từ ngày %(day)s."
        )
        % {"level": level_name, "lower": lower_name, "months": months, "day": best_day.strftime("%d/%m/%Y")},
        best_day,
    )


def cap_level(assessment: Assessment, result: dict, on_day) -> dict:
    """The result with its level lowered to the highest one the subject may be given on `on_day`
    (`upgrade_wait`), saying why; unchanged when the level it reached is allowed."""
    if not result.get("achieved") or not result.get("levels"):
        return result
    reached = [level for level in result["levels"] if level["reached"]]
    capped_why = ""
    for level in reversed(reached):
        waiting = upgrade_wait(assessment, level["code"], on_day)
        if waiting is None:
            if level["code"] == result["classification"]:
                return result
            note = {
                "code": "level_capped",
                "subject": level["code"],
                "message_vi": _("Đạt %(level)s: %(why)s") % {"level": level["name_vi"], "why": capped_why},
                "message_en": f"{level['name_en']} reached: a higher level needs a lower one held long enough.",
            }
            reasons = [r for r in result["reasons"] if r["code"] != "level_reached"]
            return {
                **result,
                "classification": level["code"],
                "classification_name_vi": level["name_vi"],
                "classification_name_en": level["name_en"],
                "reasons": [*reasons, note],
            }
        if level["code"] == result["classification"]:
            capped_why = waiting.text
    return result


# -- drafts, registration, correction --------------------------------------------------------------


def save_answers(
    scope: Scope,
    assessment: Assessment,
    answers: dict,
    *,
    expected_version: int | None = None,
    notes: dict | None = None,
) -> Assessment:
    """Save a draft without a state change: the subject's self-assessment while it is open, or the
    council's scores while the assessment is under review. A registered assessment starts its
    self-assessment on the first save."""
    if assessment.state == State.REGISTERED:
        assessment = transition(scope, assessment, Action.START_SELF_ASSESSMENT, expected_version=expected_version)
        expected_version = assessment.version
    with transaction.atomic():
        current = _locked(scope, assessment, expected_version)
        definition = definition_of(current.criteria_set)
        if current.state in (State.SELF_ASSESSING, State.RETURNED):
            if not is_subject_actor(scope, current):
                raise _refuse_actor(current, Action.SUBMIT, TRANSITIONS[(State.SELF_ASSESSING, Action.SUBMIT)])
            current.self_answers = {**current.self_answers, **normalise_answers(definition, answers)}
            if notes is not None:
                current.self_notes = {**current.self_notes, **{k: v for k, v in notes.items() if v}}
        elif current.state == State.UNDER_REVIEW:
            rule = TRANSITIONS[(State.UNDER_REVIEW, Action.PROPOSE)]
            if not _may_act(scope, current, rule):
                raise _refuse_actor(current, Action.PROPOSE, rule)
            if is_own(scope, current, Action.PROPOSE):
                raise TransitionRefused(
                    _("Bạn không thể thẩm định hồ sơ của chính mình hoặc hồ sơ do mình nộp."), code="own_assessment"
                )
            current.review_answers = {**current.review_answers, **normalise_answers(definition, answers)}
            if notes is not None:
                current.review_comments = {**current.review_comments, **{k: v for k, v in notes.items() if v}}
        else:
            raise TransitionRefused(
                _("Hồ sơ đang ở trạng thái «%(state)s» nên không sửa điểm được.")
                % {"state": current.get_state_display()},
                code="wrong_state",
            )
        current.save()
    return current


def register(
    scope: Scope, title: str, subject, year: int, *, group: str | None = None, recorded_unit: Unit | None = None
) -> Assessment:
    """Register `subject` for `title` in `year`: the campaign that applies where it lives, the
    pinned criteria set that fits it, the area class its unit's designation gives in that year
    (`areas.opening_class`), state REGISTERED; announced like a transition. `recorded_unit`: the
    old-map commune a year before the reform was recorded in, when the file names it
    (`recorded_unit_problem` checks it against the lineage)."""
    adapter = adapter_for_title(title)
    unit = adapter.unit(subject)
    probe = Assessment(title=title, subject_kind=adapter.kind, unit=unit, **{adapter.field: subject})
    if not is_subject_actor(scope, probe):
        if not scope.can(Capability.VIEW, unit):
            raise Http404
        raise TransitionRefused(
            _("Chỉ chính đối tượng hoặc cán bộ quản lý hồ sơ tại %(unit)s mới đăng ký được.") % {"unit": unit.name},
            code="no_capability",
        )
    return _open(scope, title, subject, year, group=group, recorded_unit=recorded_unit)


def recorded_unit_problem(adapter, subject, year: int, recorded_unit: Unit) -> str | None:
    """Why `recorded_unit` cannot be where `subject` was recorded in `year`, or None: an old-map
    commune, for a year before the 2025 reform, that the subject's commune of today was formed
    from (wholly or partly: `territory.UnitLineage`). The one rule for the import and the API."""
    commune = adapter.commune(subject)
    if year >= REFORM_DATE.year:
        return _("Năm %(year)s đã dùng bản đồ hiện hành; chỉ các năm trước %(reform)s mới ghi theo xã cũ.") % {
            "year": year,
            "reform": REFORM_DATE.year,
        }
    if recorded_unit.era != Era.LEGACY or recorded_unit.level != Level.COMMUNE:
        return _("Đơn vị khi ghi nhận phải là một xã, phường, thị trấn của bản đồ cũ (trước 01/07/2025).")
    if commune is None or not UnitLineage.objects.filter(old_unit=recorded_unit, new_unit=commune).exists():
        return _(
            "%(old)s (bản đồ cũ) không thuộc %(new)s nơi đối tượng ở hiện nay; hãy kiểm tra mã xã cũ hoặc "
            "ghi xã, thôn hiện nay của đối tượng."
        ) % {"old": recorded_unit.name, "new": commune.name if commune else "—"}
    return None


def _open(
    scope: Scope,
    title: str,
    subject,
    year: int,
    *,
    group: str | None,
    replaces: Assessment | None = None,
    recorded_unit: Unit | None = None,
) -> Assessment:
    adapter = adapter_for_title(title)
    unit = adapter.unit(subject)
    if recorded_unit is not None:
        problem = recorded_unit_problem(adapter, subject, year, recorded_unit)
        if problem:
            raise TransitionRefused(problem, code="wrong_recorded_unit", field="recorded_unit")
    campaign = campaign_for(title, year, unit.province_id)
    if campaign is None:
        raise TransitionRefused(
            _(
                "Chưa có đợt đánh giá %(title)s năm %(year)s: đợt mặc định toàn quốc tự mở khi đã công bố bộ tiêu chí "
                "của danh hiệu này. Hãy đề nghị cán bộ tỉnh hoặc quản trị Trung ương công bố bộ tiêu chí (mục Bộ tiêu chí)."
            )
            % {"title": Title(title).label, "year": year},
            code="no_campaign",
            field="year",
        )
    group = adapter.default_group(subject) if group is None else group
    try:
        criteria_set = pick_criteria_set(campaign, group=group, admin_level=adapter.admin_level(subject))
    except ValidationError as error:
        raise TransitionRefused(" ".join(error.messages), code="no_criteria_set") from None
    area_class, designation = opening_class(definition_of(criteria_set), unit, year)
    if not {g.code for g in definition_of(criteria_set).applicability.subject_groups}:
        group = ""
    if replaces is None:
        _check_still_held(adapter, subject, title, year)
    user = scope.signed_in
    assessment = Assessment(
        campaign=campaign,
        title=title,
        subject_kind=adapter.kind,
        unit=unit,
        recorded_unit=recorded_unit or adapter.recorded_unit(subject, year),
        criteria_set=criteria_set,
        area_class=area_class,
        area_designation=designation,
        subject_group=group,
        created_by=user,
        replaces=replaces,
        validity_years=level_rule(campaign, adapter.admin_level(subject)).validity_years,
        **{adapter.field: subject},
    )
    assessment._audit_transition = {"action": REGISTER, "from": None, "to": State.REGISTERED, "reason": ""}
    try:
        with transaction.atomic():
            assessment.save()
            del assessment._audit_transition
            _record(assessment, None, REGISTER, user)
    except IntegrityError:
        raise TransitionRefused(
            _("%(subject)s đã đăng ký %(title)s năm %(year)s.")
            % {"subject": adapter.display_name(subject), "title": Title(title).label, "year": year},
            code="already_registered",
        ) from None
    return assessment


def _check_still_held(adapter, subject, title: str, year: int) -> None:
    """A title recognised for several years (3 under TT 24/25) is not assessed again while it holds,
    except to move up a level, and only once the campaign's upgrade period since the decision is over."""
    held = (
        holders(title, year)
        .filter(**{adapter.field: subject})
        .exclude(campaign__year=year)
        .select_related("campaign", "decision", "criteria_set")
        .order_by("-campaign__year")
        .first()
    )
    if held is None or held.validity_years <= 1:
        return
    until = validity.last_year(held.campaign.year, held.validity_years)
    top_level = definition_of(held.criteria_set).classification_codes()[-1]
    if held.classification == top_level:
        raise TransitionRefused(
            _("Đối tượng đang giữ danh hiệu ở mức cao nhất (công nhận năm %(year)s, giá trị đến hết năm %(until)s).")
            % {"year": held.campaign.year, "until": until},
            code="still_held",
        )
    months = rule_of(held).upgrade_after_months
    decided_on = held.decision.issued_on if held.decision_id else timezone.localdate(held.recognised_at)
    if months and _add_months(decided_on, months) > timezone.localdate():
        raise TransitionRefused(
            _("Chỉ được đề nghị nâng mức sau %(months)s tháng kể từ quyết định công nhận ngày %(day)s.")
            % {"months": months, "day": decided_on.strftime("%d/%m/%Y")},
            code="still_held",
        )


def _add_months(day, months: int):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def correct(
    scope: Scope, assessment: Assessment, *, reason: str, revocation_reference: str, expected_version: int | None = None
) -> Assessment:
    """A recognised assessment is never edited: revoke it (reason and decision number) and open a
    new one for the same subject and campaign, which then goes through the cycle again."""
    with transaction.atomic():
        revoked = transition(
            scope,
            assessment,
            Action.REVOKE,
            reason=reason,
            expected_version=expected_version,
            revocation_reference=revocation_reference,
        )
        # The revoking authority opens the new assessment on the subject's behalf (in the area
        # class the unit holds now: a corrected designation applies to the new assessment).
        return _open(
            scope,
            revoked.title,
            subject_of(revoked),
            revoked.campaign.year,
            group=revoked.subject_group,
            replaces=revoked,
        )


# -- past years recorded from paper ----------------------------------------------------------------

# The steps before a recognition, in the order the state machine takes them.
PAPER_STEPS = (Action.START_SELF_ASSESSMENT, Action.SUBMIT, Action.START_REVIEW, Action.PROPOSE)


def past_recogniser_role(campaign, subject, title: str) -> str:
    """The role that recognises `subject` in `campaign` (the level rule of its managing level)."""
    return level_rule(campaign, adapter_for_title(title).admin_level(subject)).recognising_role


def may_record_past_recognition(scope: Scope, campaign, subject) -> bool:
    """Who may enter a recognition of an earlier year from the archive: the campaign's recognising
    authority for the subject (the one who could have signed it, `_may_act`'s rule), nobody else."""
    unit = adapter_for_title(campaign.title).unit(subject)
    return scope.can(Capability.RECOGNISE, unit) and scope.holds_role(
        past_recogniser_role(campaign, subject, campaign.title), unit
    )


def recorded_total_result(definition: CriteriaSet, classification: str, total: Decimal | None) -> dict:
    """A result for a year whose archive keeps only the total and the classification: no
    indicators, so nothing can be rescored; marked `recorded` so pages say where it came from."""
    with translation.override("vi"):
        name_vi = str(classification_label(classification))
    with translation.override("en"):
        name_en = str(classification_label(classification))
    message_vi = "Chỉ có tổng điểm và xếp loại, ghi theo hồ sơ lưu trữ."
    message_en = "Only the total and the classification, recorded from the archive."
    return {
        "recorded": True,
        "total": None if total is None else format(total, "f"),
        "max_total": format(definition.max_total, "f") if definition.max_total else None,
        "classification": classification,
        "classification_name_vi": name_vi,
        "classification_name_en": name_en,
        "achieved": True,
        "indicators": [],
        "criteria": [],
        "reasons": [{"code": "recorded_total", "message_vi": message_vi, "message_en": message_en}],
    }


def record_past_recognition(
    scope: Scope,
    title: str,
    subject,
    year: int,
    *,
    decision: Decision,
    answers: dict | None = None,
    classification: str = "",
    total: Decimal | None = None,
    recorded_unit: Unit | None = None,
) -> Assessment:
    """Enter a recognition of an earlier year from its paper record (the results import).

    The registration, self-assessment, review and proposal happened on paper before the system
    knew the subject: they are recorded as steps of the one state machine with no actor (nobody in
    the system took them) and the decision as their reason, scored by the engine from `answers`, or
    carrying the archive's `total` and `classification` when only those survive. The recognition
    itself is the importer's own step through `transition`, with its checks: the campaign's
    recognising authority over the subject's unit, and `is_own` (nobody records a recognition of
    their own household, clan branch, organisation or person). Only for years before this one.
    """
    if year >= timezone.localdate().year:
        raise TransitionRefused(
            _("Chỉ ghi kết quả công nhận theo hồ sơ lưu trữ cho các năm trước; năm nay hãy công nhận trên hệ thống."),
            code="not_past",
            field="year",
        )
    adapter = adapter_for_title(title)
    unit = adapter.unit(subject)
    campaign = campaign_for(title, year, unit.province_id, create=False)
    if campaign is None or campaign.pk != decision.campaign_id:
        raise TransitionRefused(
            _("Quyết định %(number)s không thuộc đợt áp dụng cho đối tượng này.") % {"number": decision.number},
            code="wrong_decision",
            field="decision",
        )
    if not may_record_past_recognition(scope, campaign, subject):
        raise TransitionRefused(
            _("Chỉ %(role)s phụ trách %(unit)s mới ghi được kết quả công nhận năm trước.")
            % {"role": Role(past_recogniser_role(campaign, subject, title)).label, "unit": unit.name},
            code="no_capability",
        )
    definition = None
    with transaction.atomic():
        assessment = _open(scope, title, subject, year, group=None, recorded_unit=recorded_unit)
        definition = definition_of(assessment.criteria_set)
        reason = _("Ghi theo hồ sơ lưu trữ: quyết định %(number)s ngày %(day)s.") % {
            "number": decision.number,
            "day": decision.issued_on.strftime("%d/%m/%Y"),
        }
        recorded = None if answers is not None else recorded_total_result(definition, classification, total)
        for action in PAPER_STEPS:
            assessment = _paper_step(assessment, action, reason, answers=answers, recorded=recorded)
        return transition(scope, assessment, Action.RECOGNISE, decision=decision)


def _paper_step(assessment: Assessment, action: str, reason: str, *, answers, recorded) -> Assessment:
    current = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("campaign", "unit", "criteria_set")
        .get(pk=assessment.pk)
    )
    rule = TRANSITIONS.get((current.state, action))
    if rule is None:
        raise _wrong_state(current, action)
    from_state = current.state
    if recorded is None:
        _apply(
            current,
            action,
            None,
            reason="",
            answers=answers if action == Action.SUBMIT else None,
            decision=None,
            revocation_reference="",
        )
    elif action == Action.SUBMIT:
        current.self_result, current.submitted_at = recorded, timezone.now()
    elif action == Action.PROPOSE:
        current.review_result, current.classification = recorded, recorded["classification"]
    current.state = rule.to
    current._audit_transition = {"action": action, "from": from_state, "to": rule.to, "reason": reason}
    current.save()
    del current._audit_transition
    _record(current, from_state, action, None, reason)
    return current

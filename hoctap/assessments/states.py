"""One state machine for every title. Allowed transitions per role are data: (state, action) → rule."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Capability


class State(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    SELF_ASSESSING = "self_assessing", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã nộp")
    UNDER_REVIEW = "under_review", _("Đang thẩm định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    PROPOSED = "proposed", _("Đề nghị công nhận")
    RECOGNISED = "recognised", _("Được công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không được công nhận")
    CERTIFIED = "certified", _("Đã cấp giấy công nhận")
    REVOKED = "revoked", _("Đã thu hồi")


class Action(models.TextChoices):
    START_SELF_ASSESSMENT = "start", _("Bắt đầu tự đánh giá")
    SUBMIT = "submit", _("Nộp hồ sơ")
    START_REVIEW = "start_review", _("Nhận thẩm định")
    RETURN = "return", _("Trả lại")
    PROPOSE = "propose", _("Đề nghị công nhận")
    REJECT = "reject", _("Không đề nghị")
    RECOGNISE = "recognise", _("Công nhận")
    DECLINE = "decline", _("Không công nhận")
    ISSUE_CERTIFICATE = "issue_certificate", _("Cấp giấy công nhận")
    REVOKE = "revoke", _("Thu hồi")


# Creation is not a transition (there is no state before it) but is announced like one.
REGISTER = "register"

# Who acts: the subject itself (its owner account or the officer who keeps its record),
# a reviewer, or the recognising authority. Capabilities come from accounts.roles.
SUBJECT = "subject"


@dataclass(frozen=True)
class Rule:
    to: str
    actor: str  # SUBJECT or a Capability
    needs_reason: bool = False


TRANSITIONS: dict[tuple[str, str], Rule] = {
    (State.REGISTERED, Action.START_SELF_ASSESSMENT): Rule(State.SELF_ASSESSING, SUBJECT),
    (State.SELF_ASSESSING, Action.SUBMIT): Rule(State.SUBMITTED, SUBJECT),
    (State.RETURNED, Action.SUBMIT): Rule(State.SUBMITTED, SUBJECT),
    (State.SUBMITTED, Action.START_REVIEW): Rule(State.UNDER_REVIEW, Capability.REVIEW),
    (State.UNDER_REVIEW, Action.RETURN): Rule(State.RETURNED, Capability.REVIEW, needs_reason=True),
    (State.UNDER_REVIEW, Action.PROPOSE): Rule(State.PROPOSED, Capability.REVIEW),
    (State.UNDER_REVIEW, Action.REJECT): Rule(State.NOT_RECOGNISED, Capability.REVIEW, needs_reason=True),
    (State.PROPOSED, Action.RECOGNISE): Rule(State.RECOGNISED, Capability.RECOGNISE),
    (State.PROPOSED, Action.DECLINE): Rule(State.NOT_RECOGNISED, Capability.RECOGNISE, needs_reason=True),
    (State.RECOGNISED, Action.ISSUE_CERTIFICATE): Rule(State.CERTIFIED, Capability.RECOGNISE),
    (State.RECOGNISED, Action.REVOKE): Rule(State.REVOKED, Capability.RECOGNISE, needs_reason=True),
    (State.CERTIFIED, Action.REVOKE): Rule(State.REVOKED, Capability.RECOGNISE, needs_reason=True),
}

# A recognised assessment never changes again; a correction is a revocation and a new assessment.
FROZEN_STATES = frozenset({State.RECOGNISED, State.CERTIFIED, State.REVOKED, State.NOT_RECOGNISED})
# Sent in and not yet decided by the council: what the review board, the home's «Hồ sơ chờ thẩm
# định», the dossiers' list and a results import all call waiting for review.
WAITING_FOR_REVIEW = (State.SUBMITTED, State.UNDER_REVIEW)
# States in which the title counts as held (for statistics and dependency facts).
HOLDING_STATES = frozenset({State.RECOGNISED, State.CERTIFIED})
# States of an assessment still on its way: a title that depends on this one waits for its result.
IN_PROGRESS_STATES = frozenset(
    {State.REGISTERED, State.SELF_ASSESSING, State.SUBMITTED, State.UNDER_REVIEW, State.RETURNED, State.PROPOSED}
)
# States that count as "self-assessed" in the tallies (the subject has submitted at least once).
SELF_ASSESSED_STATES = frozenset(
    {
        State.SUBMITTED,
        State.UNDER_REVIEW,
        State.RETURNED,
        State.PROPOSED,
        State.RECOGNISED,
        State.NOT_RECOGNISED,
        State.CERTIFIED,
        State.REVOKED,
    }
)

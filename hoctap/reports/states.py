"""How a report moves, as data: (state, action) → rule, the pattern of assessments.states and
awards.states.

A report is written and sent by its own unit (the reporter) and decided on by the level above
(the reviewer); which users those are for one report is `services.actor_kinds`. Every move goes
through `services.transition`, for pages, the API and the demo alike."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import ReportState


class Action(models.TextChoices):
    SUBMIT = "submit", _("Gửi báo cáo")
    ACCEPT = "accept", _("Tiếp nhận")
    RETURN = "return", _("Trả lại")


# Who acts: the reporting unit's own officers, or those of a level above it.
REPORTER = "reporter"
REVIEWER = "reviewer"


@dataclass(frozen=True)
class Rule:
    to: str
    actor: str  # REPORTER or REVIEWER
    needs_reason: bool = False


TRANSITIONS: dict[tuple[str, str], Rule] = {
    # Sending freezes the figures as they are at that moment (services._send).
    (ReportState.DRAFT, Action.SUBMIT): Rule(ReportState.SUBMITTED, REPORTER),
    (ReportState.RETURNED, Action.SUBMIT): Rule(ReportState.SUBMITTED, REPORTER),
    (ReportState.SUBMITTED, Action.ACCEPT): Rule(ReportState.ACCEPTED, REVIEWER),
    (ReportState.SUBMITTED, Action.RETURN): Rule(ReportState.RETURNED, REVIEWER, needs_reason=True),
}

# An action has one actor whatever the state: who may never act is told "not found" before the
# state is looked at, so the answer never reveals more than the person may read.
ACTOR_OF: dict[str, str] = {action: rule.actor for (_state, action), rule in TRANSITIONS.items()}

# What a refusal says when the report is not in a state for the action (what to do next included).
NOT_NOW: dict[str, str] = {
    Action.SUBMIT: _("Báo cáo này đã được gửi."),
    Action.ACCEPT: _("Chỉ tiếp nhận được báo cáo đã gửi."),
    Action.RETURN: _("Chỉ trả lại được báo cáo đã gửi."),
}

# What the page says once the move is made.
DONE: dict[str, str] = {
    Action.SUBMIT: _("Đã gửi báo cáo; số liệu đã được chốt."),
    Action.ACCEPT: _("Đã tiếp nhận báo cáo."),
    Action.RETURN: _("Đã trả lại báo cáo."),
}


def actions_for(state: str, kinds: set[str]) -> list[str]:
    """The actions a user who is `kinds` (REPORTER, REVIEWER) may take on a report in `state`."""
    return [action for (from_state, action), rule in TRANSITIONS.items() if from_state == state and rule.actor in kinds]

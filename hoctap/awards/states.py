"""How a nomination moves, as data: (status, action) → rule, the pattern of assessments.states.

Each level decides on what is before it: it honours a nomination itself, forwards it to the level
above (which may also follow its own honour), or declines it with a reason. Who may act is the
level the nomination stands at (`services.can_decide`); what they may do is this table."""

from dataclasses import dataclass

from .models import NEXT_STAGE, DecisionAction, NominationStatus


@dataclass(frozen=True)
class Rule:
    """Where an action leaves a nomination. Moving up and needing a reason are properties of the
    step, not of who takes it, so the page, the API and the demo cannot disagree about them."""

    to: str
    moves_up: bool = False  # the nomination goes on to the next stage (none above the centre)
    needs_reason: bool = False


# Per status, in the order the page offers the buttons.
TRANSITIONS: dict[tuple[str, str], Rule] = {
    (NominationStatus.DRAFT, DecisionAction.PROPOSE): Rule(NominationStatus.PENDING, moves_up=True),
    (NominationStatus.DRAFT, DecisionAction.HONOUR): Rule(NominationStatus.HONOURED),
    (NominationStatus.PENDING, DecisionAction.PROPOSE): Rule(NominationStatus.PENDING, moves_up=True),
    (NominationStatus.PENDING, DecisionAction.HONOUR): Rule(NominationStatus.HONOURED),
    (NominationStatus.PENDING, DecisionAction.DECLINE): Rule(NominationStatus.DECLINED, needs_reason=True),
    # A level that honoured a nomination may still put it forward to the level above.
    (NominationStatus.HONOURED, DecisionAction.PROPOSE): Rule(NominationStatus.PENDING, moves_up=True),
}


def rule_for(status: str, stage: str, action: str) -> Rule | None:
    """The rule of `action` on a nomination in `status` at `stage`, or None when it is not allowed."""
    rule = TRANSITIONS.get((status, action))
    if rule is None or (rule.moves_up and stage not in NEXT_STAGE):
        return None
    return rule


def actions_for(status: str, stage: str) -> list[str]:
    """The buttons of a nomination in `status` at `stage`, in the table's order. The page draws
    exactly these, so a button never leads to a refusal (nothing to propose to above the centre)."""
    return [
        action for (from_status, action) in TRANSITIONS if from_status == status and rule_for(status, stage, action)
    ]

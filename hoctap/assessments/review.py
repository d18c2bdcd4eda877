"""Review at commune scale: one screen per village and campaign, a row per subject.

Rows carry the self-score and the council's score side by side; a reviewer accepts self-scores
(one row, or every achieving row at once where the campaign allows, after confirming their count),
changes a row's scores, or returns it with a reason. Each row action is one `workflow.transition`,
so the same checks apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.scoping import Scope
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.territory.models import Unit

from .evidence import assessments_with_shared_files
from .lists import name_matches
from .models import Assessment, Campaign, StaleAssessment
from .states import WAITING_FOR_REVIEW, Action, State
from .subjects import OWNER_PREFETCH, SUBJECT_RELATIONS, display_name
from .workflow import TransitionRefused, allowed_actions, save_answers, transition


@dataclass
class Row:
    assessment: Assessment
    name: str
    actions: list[str]
    shared_files: bool
    evidence_count: int

    @property
    def self_total(self):
        return _summary(self.assessment.self_result)

    @property
    def council_total(self):
        return _summary(self.assessment.review_result)

    @property
    def can_accept(self) -> bool:
        return worth_proposing(self.assessment.self_result) and self.reviewable

    @property
    def reviewable(self) -> bool:
        """The reviewer can act on this row now (accept, change its scores, return it)."""
        return Action.START_REVIEW in self.actions or Action.PROPOSE in self.actions

    @property
    def bulk_acceptable(self) -> bool:
        return self.assessment.state in WAITING_FOR_REVIEW and self.can_accept


def worth_proposing(result: dict) -> bool:
    """The self-score achieved the title, or missed it only because of titles other dossiers were
    still waiting for (a family's adults holding the citizen title): the proposal scores again with
    the facts at review time (`workflow.transition`, PROPOSE), which may meet them now, and refuses
    with the plain reason if they still do not."""
    if result.get("achieved"):
        return True
    if not result.get("unmet_dependencies") or result.get("failed_floors") or result.get("failed_mandatory"):
        return False
    total, pass_mark = result.get("total"), result.get("pass_mark")
    if total is None or pass_mark is None:
        return True  # a levels set: the levels are counted again with the facts of now
    return Decimal(str(total)) >= Decimal(str(pass_mark))


def _summary(result: dict) -> str:
    if not result:
        return "—"
    total = result.get("total")
    name = result.get("classification_name_vi", "")
    return f"{total} · {name}" if total is not None else name


# A board page: small enough for a phone on a slow link (≈ 10 KB of cards), enough to work through.
BOARD_PAGE_SIZE = 25
BOARD_ORDER = ("household__sort_key", "person__sort_key", "pk")


class BoardFilter(models.TextChoices):
    """What the board shows: the state groups a reviewer works through."""

    ALL = "", gettext_lazy("Tất cả hồ sơ")
    WAITING = "waiting", gettext_lazy("Chờ thẩm định")
    RETURNED = "returned", gettext_lazy("Đã trả lại")
    PROPOSED = "proposed", gettext_lazy("Đã đề nghị công nhận")
    NOT_SUBMITTED = "not_submitted", gettext_lazy("Chưa nộp")
    DECIDED = "decided", gettext_lazy("Đã có quyết định")


FILTER_STATES = {
    BoardFilter.WAITING: WAITING_FOR_REVIEW,
    BoardFilter.RETURNED: (State.RETURNED,),
    BoardFilter.PROPOSED: (State.PROPOSED,),
    BoardFilter.NOT_SUBMITTED: (State.REGISTERED, State.SELF_ASSESSING),
    BoardFilter.DECIDED: (State.RECOGNISED, State.NOT_RECOGNISED, State.CERTIFIED, State.REVOKED),
}


@dataclass(frozen=True)
class Board:
    """Which of a unit's dossiers the board shows: a state group and part of a name."""

    show: str = BoardFilter.ALL
    q: str = ""

    @classmethod
    def from_query(cls, data) -> Board:
        show = data.get("show", "")
        return cls(show=show if show in BoardFilter.values else BoardFilter.ALL, q=data.get("q", "").strip()[:100])

    def query(self) -> dict[str, str]:
        return {key: value for key, value in (("show", self.show), ("q", self.q)) if value}

    def assessments(self, scope: Scope, campaign: Campaign, unit: Unit):
        """The dossiers shown, scoped and in the board's order (no rows built yet)."""
        assessments = scope.filter(Assessment.objects.filter(campaign=campaign, unit__path__startswith=unit.path))
        if self.show:
            assessments = assessments.filter(state__in=FILTER_STATES[self.show])
        if self.q:
            assessments = assessments.filter(name_matches(self.q))
        return assessments.order_by(*BOARD_ORDER)


def board_counts(scope: Scope, campaign: Campaign, unit: Unit, board: Board) -> dict[str, int]:
    """How many dossiers each filter shows (with the board's name search), in one query."""
    by_state = dict(
        Board(q=board.q)
        .assessments(scope, campaign, unit)
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    counts = {BoardFilter.ALL: sum(by_state.values())}
    for show, states in FILTER_STATES.items():
        counts[show] = sum(by_state.get(state, 0) for state in states)
    return counts


def board_page(scope: Scope, campaign: Campaign, unit: Unit, board: Board, number) -> tuple[Page, list[Row]]:
    """One page of the board and its rows, in a fixed number of queries whatever the village's size."""
    page = Paginator(_loaded(board.assessments(scope, campaign, unit)), BOARD_PAGE_SIZE).get_page(number)
    return page, _built(scope, list(page.object_list))


def rows_for(scope: Scope, campaign: Campaign, unit: Unit, board: Board | None = None) -> list[Row]:
    """Every row of one village (or commune) for one campaign (that the board shows), in a fixed
    number of queries."""
    return _rows(scope, (board or Board()).assessments(scope, campaign, unit))


def row_for(scope: Scope, assessment: Assessment) -> Row | None:
    """One row, as the review screen shows it (for htmx updates)."""
    rows = _rows(scope, Assessment.objects.filter(pk=assessment.pk))
    return rows[0] if rows else None


def _rows(scope: Scope, assessments) -> list[Row]:
    return _built(scope, list(_loaded(scope.filter(assessments)).order_by(*BOARD_ORDER)))


def _loaded(assessments):
    return assessments.select_related(*SUBJECT_RELATIONS, "campaign").prefetch_related(*OWNER_PREFETCH, "state_changes")


def _built(scope: Scope, assessments: list[Assessment]) -> list[Row]:
    # A village's rows share one or two criteria sets: read once and shared, rather than joined into
    # every row (each a copy of the set's YAML: a third of the board's queryset time, 491 rows).
    sets = CriteriaSetVersion.objects.in_bulk({a.criteria_set_id for a in assessments})
    for assessment in assessments:
        assessment.criteria_set = sets[assessment.criteria_set_id]
    evidence_counts = dict(
        Assessment.objects.filter(pk__in=[a.pk for a in assessments])
        .annotate(n=Count("evidence"))
        .values_list("pk", "n")
    )
    shared = assessments_with_shared_files(a.pk for a in assessments)
    return [
        Row(a, display_name(a), allowed_actions(scope, a), a.pk in shared, evidence_counts.get(a.pk, 0))
        for a in assessments
    ]


def accept_self_score(scope: Scope, assessment: Assessment, *, expected_version: int | None = None) -> Assessment:
    """The council agrees with the self-assessment: take it up if needed and propose it as scored."""
    if assessment.state == State.SUBMITTED:
        assessment = transition(scope, assessment, Action.START_REVIEW, expected_version=expected_version)
        expected_version = assessment.version
    return transition(
        scope, assessment, Action.PROPOSE, expected_version=expected_version, answers=dict(assessment.self_answers)
    )


def change_scores(
    scope: Scope, assessment: Assessment, answers: dict, *, expected_version: int | None = None, propose: bool = True
) -> Assessment:
    """The council's own scores for a row; proposed for recognition when they achieve the title."""
    if assessment.state == State.SUBMITTED:
        assessment = transition(scope, assessment, Action.START_REVIEW, expected_version=expected_version)
        expected_version = assessment.version
    assessment = save_answers(scope, assessment, answers, expected_version=expected_version)
    if propose:
        return transition(scope, assessment, Action.PROPOSE, expected_version=assessment.version)
    return assessment


def return_row(scope: Scope, assessment: Assessment, reason: str, *, expected_version: int | None = None) -> Assessment:
    if assessment.state == State.SUBMITTED:
        if not reason.strip():
            raise TransitionRefused(
                _("Cần ghi lý do để «%(action)s».") % {"action": Action.RETURN.label},
                code="missing_reason",
                field="reason",
            )
        assessment = transition(scope, assessment, Action.START_REVIEW, expected_version=expected_version)
        expected_version = assessment.version
    return transition(scope, assessment, Action.RETURN, reason=reason, expected_version=expected_version)


def bulk_rows(rows: list[Row]) -> list[Row]:
    """The rows a bulk accept would take: achieving self-scores this reviewer may accept now (the
    rows showing an "accept" button), so the count asked for is the count that will be accepted."""
    return [row for row in rows if row.bulk_acceptable]


def accept_all(scope: Scope, campaign: Campaign, unit: Unit, *, confirmed: dict[int, int]) -> tuple[int, list[str]]:
    """Accept the achieving self-scores of the village that the reviewer confirmed.

    `confirmed` maps each assessment the reviewer was shown (with the count) to the version they
    saw. Without it nothing is accepted: a bulk accept is always a two-step action, whichever
    client sends it. A row changed since (by another reviewer, a resubmission) is not accepted
    but named, so the reviewer looks at it again; rows that appeared since are left for later.
    """
    if not campaign.allow_bulk_accept:
        raise TransitionRefused(_("Đợt này không cho phép chấp nhận điểm tự chấm hàng loạt."), code="not_allowed")
    if not confirmed:
        raise TransitionRefused(
            _("Chưa xác nhận: hãy bấm «Chấp nhận điểm tự chấm của mọi hồ sơ đạt», xem số hồ sơ rồi xác nhận."),
            code="not_confirmed",
        )
    accepted, refused = 0, []
    # Only the rows confirmed (the filter they were counted under is not needed again): rows that
    # appeared since, or that the filter no longer shows, are not taken along.
    shown = Board().assessments(scope, campaign, unit).filter(pk__in=list(confirmed))
    for row in _rows(scope, shown):
        seen = confirmed[row.assessment.pk]
        if seen != row.assessment.version or not row.bulk_acceptable:
            refused.append(
                _("%(name)s: hồ sơ đã thay đổi từ lúc bạn xác nhận, hãy xem lại dòng này.") % {"name": row.name}
            )
            continue
        try:
            accept_self_score(scope, row.assessment, expected_version=seen)
            accepted += 1
        except (TransitionRefused, StaleAssessment) as refusal:
            refused.append(f"{row.name}: {' '.join(refusal.messages)}")
    return accepted, refused

"""Two reviewers act on the same assessment at the same moment: one wins, the other is told the
record changed, nothing is lost or half-written.

On PostgreSQL the two run in two threads, each with its own database connection, released together
by a barrier, so the row lock and the version check meet real concurrency. SQLite serialises
writers anyway; there the same steps run one after the other and the test asserts that sequential
behaviour, so the test runs (and means something) on both databases.
"""

import threading

import pytest
from django.db import connection, connections

from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment, StaleAssessment, StateChange
from hoctap.assessments.states import Action, State
from tests.assessments.conftest import full_answers, scope_of

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(*jobs):
    """Run each job; on PostgreSQL concurrently (one thread and connection each), else in order.
    Returns each job's result or the exception it raised."""
    results = [None] * len(jobs)

    def run(index, job, barrier=None):
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # the loser's refusal is the point of the test
            results[index] = error
        finally:
            if barrier is not None:
                connections.close_all()

    if connection.vendor != "postgresql":
        for index, job in enumerate(jobs):
            run(index, job)
        return results
    barrier = threading.Barrier(len(jobs))
    threads = [threading.Thread(target=run, args=(index, job, barrier)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def under_review(family_assessment, users):
    village, commune = scope_of(users["village_officer"]), scope_of(users["commune_officer"])
    answers = full_answers(family_assessment.criteria_set, "9")
    assessment = workflow.transition(village, family_assessment, Action.START_SELF_ASSESSMENT)
    assessment = workflow.transition(village, assessment, Action.SUBMIT, answers=answers)
    return workflow.transition(commune, assessment, Action.START_REVIEW)


def test_two_reviewers_on_one_assessment_one_wins_the_other_is_told(under_review, users):
    version = under_review.version
    steps_before = StateChange.objects.filter(assessment=under_review).count()
    propose = lambda: workflow.transition(  # noqa: E731
        scope_of(users["commune_officer"]),
        Assessment.objects.get(pk=under_review.pk),
        Action.PROPOSE,
        expected_version=version,
    )
    send_back = lambda: workflow.transition(  # noqa: E731
        scope_of(users["commune_approver"]),
        Assessment.objects.get(pk=under_review.pk),
        Action.RETURN,
        reason="Thiếu minh chứng",
        expected_version=version,
    )
    results = run_together(propose, send_back)
    winners = [r for r in results if isinstance(r, Assessment)]
    losers = [r for r in results if isinstance(r, StaleAssessment)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "Hồ sơ đã được người khác cập nhật" in losers[0].messages[0]
    stored = Assessment.objects.get(pk=under_review.pk)
    assert stored.state == winners[0].state and stored.version == version + 1
    assert StateChange.objects.filter(assessment=under_review).count() == steps_before + 1
    if connection.vendor != "postgresql":
        assert stored.state == State.PROPOSED  # in order: the first job won


def test_two_reviewers_on_two_rows_both_keep_their_scores(under_review, users, people):
    from hoctap.assessments.review import change_scores
    from hoctap.criteria.titles import Title
    from tests.assessments.conftest import YEAR

    village = scope_of(users["village_officer"])
    other = workflow.register(village, Title.FAMILY, people["neighbour"], YEAR)
    other = workflow.transition(village, other, Action.START_SELF_ASSESSMENT)
    other = workflow.transition(village, other, Action.SUBMIT, answers=full_answers(other.criteria_set, "9"))
    first_code = next(iter(full_answers(under_review.criteria_set)))
    results = run_together(
        lambda: change_scores(
            scope_of(users["commune_officer"]),
            Assessment.objects.get(pk=under_review.pk),
            {first_code: "8"},
            expected_version=under_review.version,
            propose=False,
        ),
        lambda: change_scores(
            scope_of(users["commune_approver"]),
            Assessment.objects.get(pk=other.pk),
            {first_code: "7"},
            expected_version=other.version,
            propose=False,
        ),
    )
    assert all(isinstance(r, Assessment) for r in results), results
    assert Assessment.objects.get(pk=under_review.pk).review_answers[first_code] == "8"
    assert Assessment.objects.get(pk=other.pk).review_answers[first_code] == "7"


def test_two_requests_open_the_same_years_national_default_at_once(published):
    """A year nobody prepared, asked for by two requests at once: one national default is made
    (the unique constraint holds), both get it."""
    from hoctap.assessments.campaigns import campaign_for
    from hoctap.assessments.models import Campaign
    from hoctap.criteria.titles import Title

    results = run_together(
        lambda: campaign_for(Title.FAMILY, 2033, None), lambda: campaign_for(Title.FAMILY, 2033, None)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Campaign.objects.filter(year=2033, title=Title.FAMILY).count() == 1
    assert results[0].pk == results[1].pk

"""Decisions in one commune at the same time: no lost count, no deadlock.

On PostgreSQL the work runs in 8 threads with their own connections, started together; households
and their members' learning-citizen assessments are recognised at the same time (the citizen
indicators of a household and of its members interact), while new registrations arrive. On SQLite,
which serialises writers, the same work runs one after another; both end with the same assertions.
"""

import threading

import pytest
from django.db import connection, connections

from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.stats import recompute
from hoctap.stats.models import CitizenTally, Tally
from tests.stats.conftest import Maker

THREADS = 8


def run_together(work: list[list[tuple]], act) -> list[str]:
    """`act(*item)` for each thread's items: on PostgreSQL in THREADS threads with their own
    connections, released together; on SQLite (one writer at a time) one list after another.
    Returns the errors (a deadlock or a lost update shows up here or in the counts)."""
    errors = []

    def run(items, barrier=None):
        try:
            if barrier is not None:
                barrier.wait(timeout=30)
            for item in items:
                act(*item)
        except Exception as error:
            errors.append(repr(error))
        finally:
            if barrier is not None:
                connections.close_all()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(len(work))
        threads = [threading.Thread(target=run, args=(items, barrier)) for items in work]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    else:
        for items in work:
            run(items)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_in_one_commune(small_map):
    make = Maker()
    village = small_map["village_a"]
    households, people, work = [], [], [[] for _ in range(THREADS)]
    for index in range(24):
        household = make.household(village)
        person = make.person(household, birth_year=1980 + index % 20, skill="basic")
        households.append(household)
        people.append(person)
        family = make.register(Title.FAMILY, household, 2026)
        citizen = make.register(Title.CITIZEN, person, 2026)
        for assessment in (family, citizen):
            for state in (State.SELF_ASSESSING, State.SUBMITTED, State.UNDER_REVIEW, State.PROPOSED):
                assessment = make.move(assessment, state, "good" if state == State.PROPOSED else None)
        # the household and its member are decided by different threads, at the same time
        work[index % THREADS].append(("decide", family.pk))
        work[(index + 1) % THREADS].append(("decide", citizen.pk))
    extra = [make.household(small_map["village_a"]) for _ in range(THREADS)]
    for index in range(THREADS):
        work[index].append(("register", extra[index].pk))
    make.campaign(Title.FAMILY, 2026)

    def act(kind, pk):
        from hoctap.assessments.models import Assessment
        from hoctap.registry.models import Household

        if kind == "decide":
            make.move(Assessment.objects.get(pk=pk), State.RECOGNISED)
        else:
            make.register(Title.FAMILY, Household.objects.get(pk=pk), 2026)

    errors = run_together(work, act)

    assert not errors, errors
    commune = Tally.objects.get(unit=small_map["commune_a"], year=2026, title="family", classification="")
    assert (commune.registered, commune.recognised) == (24 + THREADS, 24)
    citizens = Tally.objects.get(unit=village, year=2026, title="citizen", classification="")
    assert citizens.recognised == 24
    indicators = CitizenTally.objects.get(unit=village, year=2026)
    assert (indicators.adults_in_groups, indicators.adults_in_groups_citizens, indicators.citizens_digital) == (
        24,
        24,
        24,
    )
    report = recompute.verify()
    assert report.ok, "\n".join(map(str, report.differences))


@pytest.mark.django_db(transaction=True)
def test_a_unit_recognised_twice_at_once_counts_once_in_the_years_both_cover(small_map):
    """Two decisions on one organisation (2024, and its raised level in 2025, each valid 3 years)
    made at the same moment by different threads: the years both cover count it once."""
    from hoctap.registry.models import Organisation

    make = Maker()
    organisations, work = [], [[] for _ in range(THREADS)]
    for index in range(THREADS // 2):
        org = make.organisation(small_map["village_a"])
        organisations.append(org)
        for offset, year in enumerate((2024, 2025)):
            assessment = make.register(Title.UNIT, org, year)
            for state in (State.SELF_ASSESSING, State.SUBMITTED, State.UNDER_REVIEW, State.PROPOSED):
                assessment = make.move(assessment, state, "level_1" if state == State.PROPOSED else None)
            work[2 * index + offset].append(assessment.pk)

    def act(pk):
        from hoctap.assessments.models import Assessment

        make.move(Assessment.objects.get(pk=pk), State.RECOGNISED)

    errors = run_together([[(pk,) for pk in items] for items in work], act)

    assert not errors, errors
    rows = {
        row.year: (row.recognised, row.carried)
        for row in Tally.objects.filter(unit=small_map["commune_a"], title="unit", classification="")
    }
    n = len(organisations)
    assert rows == {2024: (n, 0), 2025: (n, 0), 2026: (0, n), 2027: (0, n), 2028: (0, n)}
    assert Organisation.objects.count() == n
    report = recompute.verify()
    assert report.ok, "\n".join(map(str, report.differences))

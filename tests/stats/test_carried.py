"""A recognition of year Y holds in Y and the validity's years after it (`criteria.validity`: 3 for
learning units and commune learning communities, TT 24/25; 1 for the yearly titles) and counts in
each of them, once per subject, wherever the subject lives now; live counters equal a recount after
every step."""

import pytest

from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.stats import recompute
from hoctap.stats.figures import figures
from hoctap.stats.indicators import Indicator
from hoctap.stats.models import RecordedTally, Tally
from hoctap.stats.tallies import Holding, carried_years

# -- the rule, on its own ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "holdings, expected",
    [
        ([Holding(1, 2024, 1)], {1: [2025]}),
        ([Holding(1, 2024, 3)], {1: [2025, 2026, 2027]}),
        # raised to a higher level in 2025: the 2025 recognition counts from then on, the subject once
        ([Holding(1, 2024, 3), Holding(2, 2025, 3)], {2: [2026, 2027, 2028]}),
        # a later one-year recognition covers its own year and the next: the earlier one carries 2027
        ([Holding(1, 2024, 3), Holding(2, 2025, 1)], {2: [2026], 1: [2027]}),
        ([Holding(1, 2023, 3), Holding(2, 2028, 3)], {1: [2024, 2025, 2026], 2: [2029, 2030, 2031]}),
        # recognised again every year: each year is its own recognition, nothing carried
        ([Holding(1, 2024, 1), Holding(2, 2025, 1)], {2: [2026]}),
    ],
)
def test_carried_years(holdings, expected):
    assert carried_years(holdings) == expected
    assert carried_years(list(reversed(holdings))) == expected


# -- in the counters ----------------------------------------------------------------------------


def counts(unit, year, title=Title.UNIT):
    row = Tally.objects.filter(unit=unit, year=year, title=title, classification="").first()
    return (row.recognised, row.carried) if row else (0, 0)


def assert_recount_equal():
    report = recompute.verify()
    assert report.ok, "\n".join(map(str, report.differences[:10]))


def test_a_learning_unit_counts_for_its_year_and_three_more_once(make, small_map):
    commune = small_map["commune_a"]
    org = make.organisation(small_map["village_a"])
    first = make.recognise(make.register(Title.UNIT, org, 2024), "level_1")
    assert [counts(commune, year) for year in (2024, 2025, 2026, 2027, 2028)] == [
        (1, 0),
        (0, 1),
        (0, 1),
        (0, 1),
        (0, 0),
    ]
    assert counts(small_map["village_a"], 2026) == (0, 1)
    assert_recount_equal()
    # the 2025 rate counts it: 1 of 1 organisation
    value = figures(commune, [2025]).value(Indicator.UNIT, 2025)
    assert (value.numerator, value.has_data) == (1, True)

    upgraded = make.recognise(make.register(Title.UNIT, org, 2025), "level_2")
    assert [counts(commune, year) for year in (2024, 2025, 2026, 2027, 2028, 2029)] == [
        (1, 0),
        (1, 0),
        (0, 1),
        (0, 1),
        (0, 1),
        (0, 0),
    ]
    by_class = Tally.objects.filter(unit=commune, year=2026, title=Title.UNIT, classification="level_2").get()
    assert by_class.carried == 1
    assert_recount_equal()

    make.move(upgraded, State.REVOKED)  # the 2024 recognition holds again for 2025 to 2027
    assert [counts(commune, year) for year in (2025, 2026, 2027, 2028)] == [(0, 1), (0, 1), (0, 1), (0, 0)]
    assert_recount_equal()
    make.move(first, State.REVOKED)
    assert not Tally.objects.filter(carried__gt=0).exists()
    assert_recount_equal()


def test_carried_years_move_with_the_subject(make, small_map):
    org = make.organisation(small_map["village_a"])
    make.recognise(make.register(Title.UNIT, org, 2025))
    org.unit = small_map["village_b"]
    org.save()
    assert counts(small_map["commune_a"], 2026) == (0, 0)
    assert counts(small_map["commune_b"], 2026) == (0, 1) and counts(small_map["village_b"], 2027) == (0, 1)
    assert_recount_equal()


def test_an_old_map_recognition_carried_past_the_reform_counts_in_todays_commune(make, small_map):
    org = make.organisation(small_map["village_b"])
    make.recognise(make.register(Title.UNIT, org, 2024, recorded_unit=small_map["old_commune_b"]))
    recorded = dict(
        RecordedTally.objects.filter(classification="", title=Title.UNIT).values_list("year", "recorded_unit_id")
    )
    assert recorded == {
        2024: small_map["old_commune_b"].pk,
        2025: small_map["commune_b"].pk,
        2026: small_map["commune_b"].pk,
        2027: small_map["commune_b"].pk,
    }
    assert_recount_equal()


def test_a_one_year_title_holds_through_the_next_year_as_its_certificate_says(make, small_map):
    household = make.household(small_map["village_a"])
    make.recognise(make.register(Title.FAMILY, household, 2024))
    assert [counts(small_map["commune_a"], year, Title.FAMILY) for year in (2024, 2025, 2026)] == [
        (1, 0),
        (0, 1),
        (0, 0),
    ]
    assert_recount_equal()
    make.recognise(make.register(Title.FAMILY, household, 2025))  # recognised again: counted once
    assert [counts(small_map["commune_a"], year, Title.FAMILY) for year in (2024, 2025, 2026, 2027)] == [
        (1, 0),
        (1, 0),
        (0, 1),
        (0, 0),
    ]
    assert_recount_equal()


def test_staff_of_a_learning_unit_count_in_every_year_it_holds(make, small_map):
    from hoctap.stats.models import CitizenTally

    org = make.organisation(small_map["village_a"])
    for _ in range(2):
        make.person(make.household(small_map["village_a"]), birth_year=1985, employer=org)
    unit = make.recognise(make.register(Title.UNIT, org, 2024))
    staff = dict(
        CitizenTally.objects.filter(unit=small_map["village_a"], year__gt=0).values_list("year", "staff_in_units")
    )
    assert staff == {2024: 2, 2025: 2, 2026: 2, 2027: 2}
    assert_recount_equal()
    make.move(unit, State.REVOKED)
    assert not CitizenTally.objects.filter(year__gt=0, staff_in_units__gt=0).exists()
    assert_recount_equal()

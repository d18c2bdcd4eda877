from decimal import Decimal
from fractions import Fraction

import pytest

from hoctap.stats.models import Target
from hoctap.stats.progress import Status, projected_year, status, trend
from hoctap.stats.targets import Targets, seed_provincial_targets
from hoctap.territory.models import Era, Level, UnitLineage
from hoctap.territory.rollup import percent
from tests.conftest import make_unit

# -- projection -------------------------------------------------------------------------------


def test_rising_trend_gives_the_first_year_at_or_above_the_target():
    # 50, 55, 60 → +5 a year → 70 in 2026
    assert projected_year([(2022, 50), (2023, 55), (2024, 60)], 70) == 2026
    # exactly on a whole year is that year, not the next (exact fractions, no float rounding)
    assert projected_year([(2022, Fraction(100, 3)), (2023, Fraction(110, 3))], Fraction(130, 3)) == 2025


def test_least_squares_over_noisy_years():
    line = trend([(2022, 40), (2023, 50), (2024, 45), (2025, 55)])
    assert line.slope == Fraction(4)  # least squares: (n·Σxy − Σx·Σy) / (n·Σx² − (Σx)²)
    # 47.5 at mid-2023 + 4 a year reaches 70 at 2029.125: the first whole year is 2030
    assert projected_year([(2022, 40), (2023, 50), (2024, 45), (2025, 55)], 70) == 2030


@pytest.mark.parametrize(
    "points",
    [
        [(2022, 60), (2023, 60), (2024, 60)],  # flat
        [(2022, 60), (2023, 55), (2024, 50)],  # falling
        [(2024, 60)],  # one year: no trend
        [],
        [(2024, 60), (2024, 62)],  # one distinct year
    ],
)
def test_flat_falling_or_too_little_data_gives_none(points):
    assert projected_year(points, 70) is None


def test_a_target_already_passed_by_the_trend_gives_a_past_year():
    assert projected_year([(2022, 60), (2023, 70), (2024, 80)], 65) == 2023


def test_missing_values_are_left_out():
    assert projected_year([(2022, None), (2023, 50), (2024, 60)], 70) == 2025


def test_status():
    assert status(70, 70, None, None) == Status.MET  # reaching the target exactly is meeting it
    assert status(Fraction(6999, 100), 70, 2025, 2025) == Status.ON_TRACK
    assert status(60, 70, 2026, 2025) == Status.BEHIND
    assert status(60, 70, None, 2025) == Status.BEHIND  # flat or falling: never on track
    assert status(None, 70, 2025, 2025) is None
    assert status(60, None, None, None) is None


def test_percent():
    assert percent(1, 3) == Fraction(100, 3)
    assert percent(5, 0) is None and percent(5, None) is None


# -- which target applies ---------------------------------------------------------------------


@pytest.fixture
def map_with_targets(small_map):
    m = small_map
    # old Thái Bình (code 34) and old Cao Bằng (04) as in the plans
    old_cao_bang = make_unit(Level.PROVINCE, "04", "Tỉnh Cao Bằng", m["nation"], era=Era.LEGACY)
    written = seed_provincial_targets()
    assert written > 0 and seed_provincial_targets() == 0  # idempotent
    return {**m, "old_cao_bang": old_cao_bang}


def test_national_milestones_and_their_deadlines(map_with_targets):
    m = map_with_targets
    targets = Targets([m["commune_a"]])
    applied = targets.applied(m["commune_a"], "family", 2025)
    assert (applied.value, applied.deadline, applied.where) == (Decimal("70"), 2025, "national")
    applied = targets.applied(m["commune_a"], "family", 2027)
    assert (applied.value, applied.deadline, applied.where) == (Decimal("80"), 2030, "milestone")
    assert targets.applied(m["commune_a"], "family", 2031).deadline == 2030
    assert targets.applied(m["commune_a"], "chair_in_clc", 2028).value == Decimal("100")
    assert targets.applied(m["commune_a"], "citizen", 2025) is None  # no national target for it


def test_a_commune_inherits_its_old_province_steps_and_its_own_target_wins(map_with_targets):
    m = map_with_targets
    # commune B was formed from a Thái Bình commune: Thái Bình's 2024 step applies to it
    targets = Targets([m["commune_a"], m["commune_b"], m["village_b"]])
    applied = targets.applied(m["commune_b"], "family", 2024)
    assert (applied.value, applied.where) == (Decimal("65"), "predecessor")
    assert targets.applied(m["village_b"], "family", 2024).value == Decimal("65")
    assert targets.applied(m["commune_a"], "family", 2024).where == "milestone"
    Target.objects.create(indicator="family", year=2024, unit=m["province"], value=62, source="tỉnh")
    Target.objects.create(indicator="family", year=2024, unit=m["commune_b"], value=68, source="xã")
    targets = Targets([m["commune_a"], m["commune_b"]])
    assert targets.applied(m["commune_a"], "family", 2024).value == Decimal("62")  # the province's
    assert targets.applied(m["commune_b"], "family", 2024).value == Decimal("68")  # its own


def test_old_provinces_that_disagree_give_no_inherited_target(map_with_targets):
    m = map_with_targets
    old_district = make_unit(Level.DISTRICT, "040", "Huyện Hòa An", m["old_cao_bang"], era=Era.LEGACY)
    old_commune = make_unit(Level.COMMUNE, "01001", "Xã Bế Triều", old_district, era=Era.LEGACY)
    UnitLineage.objects.create(old_unit=old_commune, new_unit=m["commune_b"], is_partial=True)
    targets = Targets([m["commune_b"]])
    # Thái Bình 65% and Cao Bằng has no family step: still one value → inherited
    assert targets.applied(m["commune_b"], "family", 2024).value == Decimal("65")
    # for citizens both plans say 35% in 2024: agree → inherited
    assert targets.applied(m["commune_b"], "workers_citizens", 2024).value == Decimal("35")
    Target.objects.filter(unit=m["old_cao_bang"], indicator="workers_citizens", year=2024).update(value=33)
    targets = Targets([m["commune_b"]])
    assert targets.applied(m["commune_b"], "workers_citizens", 2024).where == "milestone"

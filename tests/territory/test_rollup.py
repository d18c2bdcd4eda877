"""The shared roll-up: numbers that add up the hierarchy, rows spread to the child they sit under,
the children listed in the map's order, and a share that is unknown when nobody reported."""

from dataclasses import dataclass, field

import pytest

from hoctap.territory.rollup import Gathering, Share, Totals, percent

pytestmark = pytest.mark.django_db


@dataclass
class Counted(Totals):
    rows: int = 0
    people: int = 0
    notes: list = field(default_factory=list)  # not a number: neither added nor listed


def test_totals_add_subtract_and_list_their_numbers_only():
    assert Counted.numbers() == ("rows", "people")
    line = Counted(rows=2, people=30)
    line.add(Counted(rows=1, people=5, notes=["x"]))
    assert line.as_dict() == {"rows": 3, "people": 35} and line.notes == []
    assert line.minus(Counted(rows=1, people=10)).as_dict() == {"rows": 2, "people": 25}
    assert line.as_dict() == {"rows": 3, "people": 35}  # minus leaves the line as it was


def test_rows_are_spread_to_the_child_they_sit_under(small_map):
    province, commune_a, commune_b = small_map["province"], small_map["commune_a"], small_map["commune_b"]
    gathering = Gathering(province, Counted)
    gathering.spread(small_map["village_a"].path, rows=1, people=4)
    gathering.spread(commune_a.path, rows=1, people=1)
    gathering.spread(province.path, rows=1, people=100)  # on the province itself: in the total only
    rollup = gathering.rollup(2025)
    assert rollup.total.as_dict() == {"rows": 3, "people": 105}
    assert [(child, line.as_dict()) for child, line in rollup.children] == [
        (commune_a, {"rows": 2, "people": 5}),
        (commune_b, {"rows": 0, "people": 0}),
    ]
    section = rollup.section()
    assert section.total == {"rows": 3, "people": 105} and section.children[0] == (commune_a, {"rows": 2, "people": 5})


def test_villages_are_listed_only_for_figures_kept_per_village(small_map):
    commune = small_map["commune_a"]
    assert Gathering(commune, Counted).children(villages=False) == []
    listed = Gathering(commune, Counted).children(villages=True)
    assert [child for child, _line in listed] == [small_map["village_a"]]


def test_lines_grouped_in_the_database_make_the_total(small_map):
    gathering = Gathering(small_map["province"], Counted)
    gathering.lines[small_map["commune_a"].pk].rows = 2
    gathering.lines[small_map["commune_b"].pk].rows = 5
    gathering.total_of_lines()
    assert gathering.total.rows == 7


def test_a_share_nobody_reported_is_unknown_and_says_so():
    assert Share(0, 0, 0, 104).rate is None
    assert Share(5, 10, 0, 104).rate is None  # numbers without a report are not a rate
    assert Share(3, 4, 1, 104).rate == 75
    assert Share(3, 4, 1, 104).coverage == "1/104 xã đã báo cáo"
    assert percent(1, 0) is None and percent(None, 4) == 0 and percent(1, 3) * 3 == 100

"""A report's sections are built with each underlying figure computed once (issue 18 §2, issue 14
§5): the titles, citizens, digital and capacity sections all stand on the same statistics roll-up
and the same targets (`stats.report_sections.roll_up`), which one build reads once
(`core.sections.one_build`), so building a report costs a fixed number of queries whatever the
number of units reporting. Before this, the roll-up and the targets were read once per section:
56 queries for the province report below instead of 23 (57 and 24 in a fresh process, which first
reads which old provinces became which new ones and keeps it)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.accounts.roles import Role
from hoctap.core.sections import one_build, shared
from hoctap.criteria.titles import Title
from hoctap.reports import sections
from hoctap.territory.models import Level
from tests.conftest import make_unit, make_user
from tests.reports import builders
from tests.reports.test_sections import YEAR, _draft, season  # noqa: F401  (season is a fixture)

pytestmark = pytest.mark.django_db

# The province report with every default section (titles, citizens, digital, capacity, funds,
# members, learning): 10 queries for the statistics roll-up and its targets, read once, and 13 for
# funds, members and learning.
BUILD_QUERIES = 23


def _build(report) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as captured:
        data = sections.live(report)
    return data, len(captured)


def _citizens_recognised(data) -> int:
    return data[sections.TITLES]["total"]["cells"][Title.CITIZEN]["recognised"]


def test_a_report_build_reads_each_figure_once(season, small_map, province_officer):
    report = _draft(province_officer, season, small_map["province"])
    sections.live(report)  # the process-wide lookups (old provinces of the new ones) are read once
    data, queries = _build(report)
    assert queries == BUILD_QUERIES
    assert _citizens_recognised(data) == 3
    # A third commune with its own recognised citizens: more rows, not more queries.
    commune_c = make_unit(Level.COMMUNE, "12003", "Xã Cẩm Phúc", small_map["province"])
    village_c = make_unit(Level.VILLAGE, "12003-001", "Thôn Nam", commune_c, division_type="Thôn")
    officer_c = make_user("officer_c", Role.COMMUNE_OFFICER, commune_c)
    builders.recognised_citizens(officer_c, village_c, 2, year=YEAR)
    data, queries = _build(report)
    assert queries == BUILD_QUERIES
    # Each build reads fresh figures: nothing is kept from the build before.
    assert _citizens_recognised(data) == 5
    assert str(commune_c.pk) in {row["key"] for row in data["citizens"]["rows"]}


def test_a_shared_figure_is_computed_once_per_build_and_never_outside_one():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with one_build():
        assert shared("figure", compute) == shared("figure", compute) == 1
        with one_build():  # a nested build joins the outer one
            assert shared("figure", compute) == 1
    assert shared("figure", compute) == 2 and shared("figure", compute) == 3
    with one_build():
        assert shared("figure", compute) == 4

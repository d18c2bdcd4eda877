"""A dashboard costs a fixed number of queries whatever the level and the number of children."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoctap.criteria import labels
from hoctap.criteria.titles import Title
from hoctap.registry.models import DeclaredTotals
from hoctap.stats import targets
from hoctap.stats.models import AssociationCapacity
from hoctap.territory.models import Level
from tests.conftest import make_unit

MAX_QUERIES = 21  # 20, and the unread count of the menu (notifications)


def populate(make, commune, villages=2, households=2):
    for v in range(villages):
        village = make_unit(
            Level.VILLAGE, f"{commune.code}-{v + 10:03d}", f"Thôn Số {v + 10}", commune, division_type="Thôn"
        )
        for h in range(households):
            household = make.household(village)
            person = make.person(household, birth_year=1980, skill="basic")
            for year in (2024, 2025):
                make.recognise(make.register(Title.FAMILY, household, year))
            if h == 0:
                make.recognise(make.register(Title.CITIZEN, person, 2025))
    DeclaredTotals.objects.create(commune=commune, year=2025, households=50)
    AssociationCapacity.objects.create(
        unit=commune,
        year=2025,
        officers=5,
        officers_in_clc=3,
        officers_and_members=40,
        briefed=40,
        chair_manages_clc=True,
    )


def count(client, unit, year=2025, map="current"):
    targets._LINEAGE_CACHE.clear()  # the same conditions for every count
    labels.forget()  # class names are read once per process; count that reading every time
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("stats:dashboard", args=[unit.pk]) + f"?year={year}&map={map}")
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_children(client, make, small_map, central_admin):
    client.force_login(central_admin)
    populate(make, small_map["commune_a"])
    populate(make, small_map["commune_b"])
    counts = {level: count(client, small_map[level]) for level in ("nation", "province", "commune_a")}
    for index in range(4):
        commune = make_unit(Level.COMMUNE, f"1210{index}", f"Xã Mới {index}", small_map["province"])
        populate(make, commune, villages=3)
    assert {level: count(client, small_map[level]) for level in ("nation", "province", "commune_a")} == counts
    assert max(counts.values()) <= MAX_QUERIES, counts


@pytest.mark.parametrize("level", ["nation", "province", "commune_a", "village_a", "old_province"])
@pytest.mark.parametrize("map", ["current", "recorded"])
def test_every_dashboard_within_the_bound(
    client, make, small_map, central_admin, level, map, django_assert_max_num_queries
):
    client.force_login(central_admin)
    populate(make, small_map["commune_a"])
    populate(make, small_map["commune_b"])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("stats:dashboard", args=[small_map[level].pk]) + f"?year=2024&map={map}")
    assert response.status_code == 200


def test_api_and_public_page_within_the_bound(client, make, small_map, central_admin, django_assert_max_num_queries):
    populate(make, small_map["commune_a"])
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(reverse("stats:public_province", args=["33"])).status_code == 200
    client.force_login(central_admin)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(f"/api/v1/stats/units/{small_map['nation'].pk}").status_code == 200

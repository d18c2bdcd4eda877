"""The inspections' world: three communes of one province with recognised learning citizens, and a
province officer who inspects them."""

import pytest

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.inspections import services
from tests.conftest import make_unit, make_user
from tests.reports import builders


@pytest.fixture
def third_commune(small_map):
    commune = make_unit("commune", "12003", "Xã Cẩm Giàng", small_map["province"])
    village = make_unit("village", "12003-001", "Thôn Trung", commune, division_type="Thôn")
    return commune, village, make_user("officer_c", Role.COMMUNE_OFFICER, commune)


@pytest.fixture
def recognised(small_map, officer_a, officer_b, third_commune):
    commune_c, village_c, officer_c = third_commune
    return {
        "a": builders.recognised_citizens(officer_a, small_map["village_a"], 6),
        "b": builders.recognised_citizens(officer_b, small_map["village_b"], 4),
        "c": builders.recognised_citizens(officer_c, village_c, 5),
    }


def plan(officer, small_map, communes, **extra):
    """An inspection of 2025 planned through the service (five findings unless told otherwise)."""
    fields = {
        "province": small_map["province"],
        "year": 2025,
        "communes": communes,
        "name": "Kiểm tra năm 2025",
        "actor": officer,
        **extra,
    }
    if "sample_size" not in extra and "sample_percent" not in extra:
        fields["sample_size"] = 5
    return services.plan(Scope(officer), **fields)


@pytest.fixture
def inspection(recognised, small_map, province_officer):
    """Every recognised assessment of communes A and B (10 of 10), drawn with seed 1."""
    return plan(province_officer, small_map, [small_map["commune_a"], small_map["commune_b"]], sample_size=10, seed=1)

"""The honest-coverage rule: a capacity figure says how many communes reported, and missing data
never becomes 100 % (Hưng Yên showed 100 % "chair manages the centre" from the 3 communes that
reported; IT training was 80 % of officers in centres against 40 % of all officers)."""

from fractions import Fraction

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoctap.stats.figures import CURRENT, figures
from hoctap.stats.models import AssociationCapacity
from hoctap.territory.models import Level
from tests.conftest import make_unit

COMMUNES = 6


def _province_with_communes(small_map):
    communes = [small_map["commune_a"], small_map["commune_b"]]
    for n in range(COMMUNES - 2):
        communes.append(make_unit(Level.COMMUNE, f"129{n:02d}", f"Xã Thêm {n}", small_map["province"]))
    return communes


def test_three_of_many_communes_reporting_is_not_100_percent(small_map):
    communes = _province_with_communes(small_map)
    for commune in communes[:3]:
        AssociationCapacity.objects.create(
            unit=commune,
            year=2025,
            chair_manages_clc=True,
            officers=10,
            officers_in_clc=5,
            officers_in_clc_it_trained=4,
            officers_and_members=200,
        )
    value = figures(small_map["province"], [2025], CURRENT).value("chair_in_clc", 2025)
    assert value.rate == 50 and (value.covered, value.expected) == (3, COMMUNES)
    officers = figures(small_map["province"], [2025], CURRENT).value("officers_it", 2025)
    assert officers.rate == 40  # 12 trained of 30 officers, not 12 of the 15 working in centres (80 %)
    assert figures(small_map["province"], [2024], CURRENT).value("chair_in_clc", 2024).has_data is False


def test_the_coverage_is_printed_on_the_dashboard(client, small_map, province_officer):
    _province_with_communes(small_map)
    AssociationCapacity.objects.create(
        unit=small_map["commune_a"], year=2025, chair_manages_clc=True, officers=3, officers_and_members=30
    )
    client.force_login(province_officer)
    page = client.get(f"/stats/units/{small_map['province'].pk}/?year=2025&focus=chair_in_clc").content.decode()
    assert f"1/{COMMUNES} xã đã báo cáo" in page


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports=st.lists(st.tuples(st.booleans(), st.integers(0, 9), st.integers(0, 9)), min_size=0, max_size=COMMUNES))
def test_missing_reports_never_make_a_full_share(small_map, reports):
    with transaction.atomic():
        communes = _province_with_communes(small_map)
        # Fewer reports than communes: the communes left over did not report.
        for commune, (chair, trained, extra) in zip(communes, reports, strict=False):
            AssociationCapacity.objects.create(
                unit=commune,
                year=2025,
                chair_manages_clc=chair,
                officers=trained + extra,
                officers_in_clc=trained,
                officers_in_clc_it_trained=trained,
                officers_and_members=trained + extra,
            )
        value = figures(small_map["province"], [2025], CURRENT).value("chair_in_clc", 2025)
        assert value.covered == len(reports) and value.expected == COMMUNES
        if reports:
            assert value.rate == Fraction(100 * sum(chair for chair, _t, _e in reports), COMMUNES)
            assert value.rate < 100 or len(reports) == COMMUNES
        else:
            assert not value.has_data
        transaction.set_rollback(True)

"""One set of records, two maps: today's Hưng Yên in 2024 is old Hưng Yên + old Thái Bình; a commune
split between two new ones is attributed by where each subject lives; declared counts that cannot
be split exactly are marked approximate."""

from fractions import Fraction

import pytest

from hoctap.criteria.titles import Title
from hoctap.registry.models import DeclaredTotals
from hoctap.stats.figures import CURRENT, RECORDED, figures
from hoctap.territory.models import Era, Level, UnitLineage
from tests.conftest import make_unit


@pytest.fixture
def two_eras(db):
    """Old: Hưng Yên (h1, h2), Thái Bình (t1, t2). New: Hưng Yên (c1 ← h1+h2, c2 ← t1, c3 ← part of t2),
    Nam Định (c4 ← the other part of t2)."""
    nation = make_unit(Level.NATION, "VN", "Việt Nam")
    old_hy = make_unit(Level.PROVINCE, "33", "Tỉnh Hưng Yên", nation, era=Era.LEGACY)
    old_tb = make_unit(Level.PROVINCE, "34", "Tỉnh Thái Bình", nation, era=Era.LEGACY)
    d_hy = make_unit(Level.DISTRICT, "323", "Huyện Kim Động", old_hy, era=Era.LEGACY)
    d_tb = make_unit(Level.DISTRICT, "336", "Huyện Vũ Thư", old_tb, era=Era.LEGACY)
    h1 = make_unit(Level.COMMUNE, "12001", "Xã Hùng An", d_hy, era=Era.LEGACY)
    h2 = make_unit(Level.COMMUNE, "12002", "Xã Ngọc Thanh", d_hy, era=Era.LEGACY)
    t1 = make_unit(Level.COMMUNE, "13001", "Xã Tân Hòa", d_tb, era=Era.LEGACY)
    t2 = make_unit(Level.COMMUNE, "13002", "Xã Minh Quang", d_tb, era=Era.LEGACY)
    new_hy = make_unit(Level.PROVINCE, "33", "Tỉnh Hưng Yên", nation)
    new_nd = make_unit(Level.PROVINCE, "31", "Tỉnh Ninh Bình", nation)
    c1 = make_unit(Level.COMMUNE, "20001", "Xã Kim Động", new_hy)
    c2 = make_unit(Level.COMMUNE, "20002", "Xã Tân Hòa", new_hy)
    c3 = make_unit(Level.COMMUNE, "20003", "Xã Vũ Thư", new_hy)
    c4 = make_unit(Level.COMMUNE, "20004", "Xã Minh Quang", new_nd)
    for old, new, partial in ((h1, c1, False), (h2, c1, False), (t1, c2, False), (t2, c3, True), (t2, c4, True)):
        UnitLineage.objects.create(old_unit=old, new_unit=new, is_partial=partial)
    villages = {
        c.code: make_unit(Level.VILLAGE, f"{c.code}-001", "Thôn Một", c, division_type="Thôn") for c in (c1, c2, c3, c4)
    }
    return locals()


def recognise_households(make, village, count, recognised, year, recorded):
    for index in range(count):
        household = make.household(village)
        a = make.register(Title.FAMILY, household, year, recorded_unit=recorded)
        if index < recognised:
            make.recognise(a)


@pytest.fixture
def data(make, two_eras):
    m = two_eras
    v = m["villages"]
    # 2024 (recorded on the old map): c1 was formed from two old communes, so its subjects name none
    recognise_households(make, v["20001"], 10, 6, 2024, None)
    recognise_households(make, v["20002"], 8, 4, 2024, m["t1"])
    recognise_households(make, v["20003"], 5, 5, 2024, m["t2"])
    recognise_households(make, v["20004"], 4, 1, 2024, m["t2"])
    # 2026, on the new map
    recognise_households(make, v["20003"], 2, 2, 2026, "auto")
    recognise_households(make, v["20004"], 2, 1, 2026, "auto")
    return m


def family(figs, year, child=None):
    return figs.value("family", year, child)


def test_current_map_counts_where_subjects_live(data):
    m = data
    figs = figures(m["new_hy"], [2024, 2026], CURRENT)
    assert family(figs, 2024).numerator == 6 + 4 + 5
    assert family(figs, 2024).denominator == 10 + 8 + 5 + 2  # registry: households living there now
    assert not family(figs, 2024).approximate
    by_child = {c.code: family(figs, 2024, c).numerator for c in figs.children}
    assert by_child == {"20001": 6, "20002": 4, "20003": 5}
    # the split commune t2: its subjects in Ninh Bình are counted there, by where they live
    assert family(figures(m["new_nd"], [2024], CURRENT), 2024).numerator == 1


def test_2024_for_todays_hung_yen_is_old_hung_yen_plus_old_thai_binh(data):
    m = data
    figs = figures(m["new_hy"], [2024], RECORDED)
    assert family(figs, 2024).numerator == 15
    parts = {c.pk: family(figs, 2024, c).numerator for c in figs.children}
    assert parts == {m["old_hy"].pk: 6, m["old_tb"].pk: 4 + 5}
    assert {c.era for c in figs.children} == {Era.LEGACY}


def test_old_thai_binh_on_the_old_map_includes_the_part_now_elsewhere(data):
    m = data
    figs = figures(m["old_tb"], [2024], RECORDED)
    assert family(figs, 2024).numerator == 4 + 5 + 1
    assert family(figs, 2024).denominator == 8 + 7 + 6  # registry counts of c2, c3, c4 (each wholly from TB)
    assert not family(figs, 2024).approximate
    t2 = figures(m["t2"], [2024], RECORDED)
    assert family(t2, 2024).numerator == 6  # recorded in t2: 5 now in c3, 1 now in c4


def test_a_commune_formed_from_several_is_shared_and_marked_approximate(data):
    m = data
    # c1's subjects name no old commune: old Hưng Yên as a whole is exact, each old commune approximate
    province = figures(m["old_hy"], [2024], RECORDED)
    assert family(province, 2024).numerator == 6
    assert not family(province, 2024).approximate
    h1 = figures(m["h1"], [2024], RECORDED)
    assert family(h1, 2024).numerator == Fraction(3)
    assert family(h1, 2024).approximate


def test_declared_counts_of_a_split_commune_are_approximate_on_the_old_map(data):
    m = data
    DeclaredTotals.objects.create(commune=m["c1"], year=2024, households=30)
    figs = figures(m["old_hy"], [2024], RECORDED)
    assert family(figs, 2024).denominator == 30
    h2 = figures(m["h2"], [2024], RECORDED)
    assert family(h2, 2024).denominator == 15 and family(h2, 2024).approximate
    current = figures(m["new_hy"], [2024], CURRENT)
    assert family(current, 2024).denominator == 30 + 8 + 7
    assert family(current, 2024).source == "mixed"


def test_new_years_on_the_old_map_go_through_the_lineage(data):
    m = data
    old_tb = figures(m["old_tb"], [2026], RECORDED)
    assert family(old_tb, 2026).numerator == 2 + 1
    new_hy = figures(m["new_hy"], [2026], RECORDED)
    assert family(new_hy, 2026).numerator == 2

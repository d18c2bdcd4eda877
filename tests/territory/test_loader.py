"""The map of both eras as loaded from vietnam-provinces: official figures, lineage, fixes, idempotence."""

import datetime
import hashlib
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from hoctap.territory.loader import (
    CURRENT_CENTRALLY_RUN,
    FIGURES,
    check_map,
    clean_name,
    figure_total,
    load_territories,
)
from hoctap.territory.models import Era, Level, Unit, UnitLineage

pytestmark = pytest.mark.django_db


def unit(era, level, code):
    return Unit.objects.get(era=era, level=level, code=code)


def count(era, level, **extra):
    return Unit.objects.filter(era=era, level=level, **extra).count()


def checksum():
    digest = hashlib.sha256()
    for row in Unit.objects.order_by("era", "level", "code").values_list(
        "era",
        "level",
        "code",
        "name",
        "short_name",
        "division_type",
        "is_centrally_run",
        "path",
        "name_folded",
        "sort_key",
        "valid_from",
        "valid_to",
        "has_no_source",
    ):
        digest.update(repr(row).encode())
    for row in UnitLineage.objects.order_by("old_unit__code", "new_unit__code", "old_unit__level").values_list(
        "old_unit__era", "old_unit__level", "old_unit__code", "new_unit__code", "is_partial", "effective_on"
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


# --- counts ------------------------------------------------------------------------------------


def test_current_counts_are_the_official_figures(loaded_map):
    assert count(Era.CURRENT, Level.NATION) == 1
    assert count(Era.CURRENT, Level.PROVINCE) == 34
    assert count(Era.CURRENT, Level.PROVINCE, division_type="tỉnh") == 28
    assert count(Era.CURRENT, Level.PROVINCE, division_type="thành phố trung ương") == 6
    assert count(Era.CURRENT, Level.DISTRICT) == 0
    assert count(Era.CURRENT, Level.COMMUNE) == 3321
    assert count(Era.CURRENT, Level.COMMUNE, division_type="xã") == 2621
    assert count(Era.CURRENT, Level.COMMUNE, division_type="phường") == 687
    assert count(Era.CURRENT, Level.COMMUNE, division_type="đặc khu") == 13


def test_legacy_counts_are_the_official_figures(loaded_map):
    assert count(Era.LEGACY, Level.PROVINCE) == 63
    assert count(Era.LEGACY, Level.DISTRICT) == 696
    assert count(Era.LEGACY, Level.COMMUNE) == 10_051
    assert not Unit.objects.filter(era=Era.LEGACY, level=Level.NATION).exists()


def test_figures_constant_matches_the_brief():
    # The constant, not the database: guards against "fixing" the check by editing the figures.
    assert figure_total(Era.CURRENT, Level.PROVINCE) == 34
    assert figure_total(Era.CURRENT, Level.COMMUNE) == 3321
    assert FIGURES[Era.CURRENT][Level.COMMUNE] == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert (figure_total(Era.LEGACY, Level.PROVINCE), figure_total(Era.LEGACY, Level.DISTRICT)) == (63, 696)
    assert figure_total(Era.LEGACY, Level.COMMUNE) == 10_051
    assert FIGURES["has_no_source"] == 5


def test_six_centrally_run_cities_on_the_current_map(loaded_map):
    cities = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, is_centrally_run=True)
    assert sorted(cities.values_list("short_name", flat=True)) == sorted(
        ["Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"]
    )
    assert set(cities.values_list("code", flat=True)) == CURRENT_CENTRALLY_RUN
    assert all(name.startswith("Thành phố ") for name in cities.values_list("name", flat=True))
    # The package's Python objects call these three "Thành phố … (trung ương)"; the law does not.
    for code, name in [("22", "Tỉnh Quảng Ninh"), ("24", "Tỉnh Bắc Ninh"), ("75", "Tỉnh Đồng Nai")]:
        province = unit(Era.CURRENT, Level.PROVINCE, code)
        assert (province.name, province.division_type, province.is_centrally_run) == (name, "tỉnh", False)


# --- the structure -------------------------------------------------------------------------------


def test_both_eras_hang_under_the_nation_and_paths_follow_parents(loaded_map):
    nation = unit(Era.CURRENT, Level.NATION, "VN")
    assert nation.name == "Việt Nam" and nation.parent is None and nation.path == f"/{nation.pk}/"
    assert Unit.objects.filter(level=Level.PROVINCE, parent=nation).count() == 34 + 63
    commune = Unit.objects.get(era=Era.LEGACY, level=Level.COMMUNE, name="Xã Minh Quang", parent__name="Huyện Vũ Thư")
    district, province = commune.parent, commune.parent.parent
    assert province.name == "Tỉnh Thái Bình" and province.parent == nation
    assert commune.path == f"/{nation.pk}/{province.pk}/{district.pk}/{commune.pk}/"
    assert [u.pk for u in commune.ancestors()] == [nation.pk, province.pk, district.pk]
    assert (
        Unit.objects.filter(path__startswith=province.path, level=Level.COMMUNE).count()
        == Unit.objects.filter(parent__parent=province).count()
    )


def test_codes_are_zero_padded_and_dates_mark_the_era(loaded_map):
    assert unit(Era.CURRENT, Level.PROVINCE, "04").short_name == "Cao Bằng"
    assert unit(Era.LEGACY, Level.DISTRICT, "001").name == "Quận Ba Đình"
    assert unit(Era.CURRENT, Level.COMMUNE, "00004").name == "Phường Ba Đình"
    lengths = {
        (era, level): {len(c) for c in Unit.objects.filter(era=era, level=level).values_list("code", flat=True)}
        for era, level in [
            (Era.CURRENT, Level.PROVINCE),
            (Era.LEGACY, Level.PROVINCE),
            (Era.LEGACY, Level.DISTRICT),
            (Era.CURRENT, Level.COMMUNE),
            (Era.LEGACY, Level.COMMUNE),
        ]
    }
    assert lengths == {
        (Era.CURRENT, Level.PROVINCE): {2},
        (Era.LEGACY, Level.PROVINCE): {2},
        (Era.LEGACY, Level.DISTRICT): {3},
        (Era.CURRENT, Level.COMMUNE): {5},
        (Era.LEGACY, Level.COMMUNE): {5},
    }
    legacy = Unit.objects.filter(era=Era.LEGACY)
    assert set(legacy.values_list("valid_from", "valid_to").distinct()) == {(None, datetime.date(2025, 6, 30))}
    current = Unit.objects.filter(era=Era.CURRENT).exclude(level=Level.NATION)
    assert set(current.values_list("valid_from", "valid_to").distinct()) == {(datetime.date(2025, 7, 1), None)}


# --- names -----------------------------------------------------------------------------------------


def test_all_names_are_nfc_and_prefixed(loaded_map):
    for name, short in Unit.objects.values_list("name", "short_name"):
        assert unicodedata.is_normalized("NFC", name) and unicodedata.is_normalized("NFC", short), name
        assert name == name.strip() and "  " not in name and "’" not in name
        assert name[0].isupper(), name


def test_lowercase_xa_bac_son_is_fixed(loaded_map):
    bac_son = unit(Era.CURRENT, Level.COMMUNE, "06325")
    assert (bac_son.name, bac_son.short_name) == ("Xã Bắc Sơn", "Bắc Sơn")
    assert not [n for n in Unit.objects.values_list("name", flat=True) if n.startswith("xã ")]
    assert unit(Era.LEGACY, Level.COMMUNE, "03727").name == "Xã Mường É"
    assert unit(Era.LEGACY, Level.DISTRICT, "058").name == "Thành phố Bắc Kạn"


def test_search_and_sort_columns_are_what_save_would_compute(loaded_map):
    from hoctap.core.text import fold, sort_key

    for u in Unit.objects.filter(level__in=[Level.PROVINCE, Level.NATION]):
        assert u.name_folded == fold(u.name) and u.sort_key == sort_key(u.short_name)
    assert Unit.objects.current().search("hung yen").filter(level=Level.PROVINCE).get().code == "33"


def test_clean_name():
    assert clean_name("xã Bắc Sơn", "xã") == ("Xã Bắc Sơn", "Bắc Sơn")
    assert clean_name("Thành phố Quảng Ninh", "tỉnh") == ("Tỉnh Quảng Ninh", "Quảng Ninh")
    assert clean_name("Xã Ea H’Leo", "xã") == ("Xã Ea H'Leo", "Ea H'Leo")
    assert clean_name("Phường  14", "phường") == ("Phường 14", "Phường 14")
    decomposed = unicodedata.normalize("NFD", "Xã Mường é")
    assert clean_name(decomposed, "xã") == ("Xã Mường É", "Mường É")


# --- lineage ---------------------------------------------------------------------------------------


def predecessor_names(era_level_code):
    return sorted(unit(*era_level_code).predecessors().values_list("name", flat=True))


def test_hung_yen_absorbed_thai_binh(loaded_map):
    assert predecessor_names((Era.CURRENT, Level.PROVINCE, "33")) == ["Tỉnh Hưng Yên", "Tỉnh Thái Bình"]
    assert unit(Era.CURRENT, Level.PROVINCE, "33").name == "Tỉnh Hưng Yên"


def test_tuyen_quang_absorbed_ha_giang(loaded_map):
    assert predecessor_names((Era.CURRENT, Level.PROVINCE, "08")) == ["Tỉnh Hà Giang", "Tỉnh Tuyên Quang"]


def test_cao_bang_and_son_la_are_unchanged(loaded_map):
    for code in ("04", "14"):
        new = unit(Era.CURRENT, Level.PROVINCE, code)
        (old,) = new.predecessors()
        assert (old.era, old.code, old.short_name, old.is_partial) == (Era.LEGACY, code, new.short_name, False)
        assert list(old.successors()) == [new]


def test_provinces_merge_whole(loaded_map):
    # The package's province table sends Tiền Giang partly to Tây Ninh because of one mislabelled
    # commune; the commune data says Tiền Giang went whole into Đồng Tháp.
    tien_giang = unit(Era.LEGACY, Level.PROVINCE, "82")
    assert [u.name for u in tien_giang.successors()] == ["Tỉnh Đồng Tháp"]
    assert not UnitLineage.objects.filter(old_unit__level=Level.PROVINCE, is_partial=True).exists()
    assert predecessor_names((Era.CURRENT, Level.PROVINCE, "80")) == ["Tỉnh Long An", "Tỉnh Tây Ninh"]


def test_a_commune_split_among_several_new_ones_is_partial(loaded_map):
    thuy_khue = unit(Era.LEGACY, Level.COMMUNE, "00112")  # Phường Thụy Khuê → Ba Đình, Tây Hồ
    successors = list(thuy_khue.successors())
    assert sorted(u.name for u in successors) == ["Phường Ba Đình", "Phường Tây Hồ"]
    assert all(u.is_partial for u in successors)
    assert UnitLineage.objects.filter(old_unit__level=Level.COMMUNE, is_partial=True).count() > 1000


def test_a_whole_merge_is_not_partial(loaded_map):
    ba_dinh = unit(Era.CURRENT, Level.COMMUNE, "00004")
    sources = {u.code: u.is_partial for u in ba_dinh.predecessors()}
    assert sources["00004"] is False and sources["00112"] is True


def test_lineage_is_complete(loaded_map):
    assert not Unit.objects.filter(era=Era.LEGACY, level=Level.COMMUNE, successor_links__isnull=True).exists()
    assert not Unit.objects.filter(
        era=Era.CURRENT, level=Level.COMMUNE, has_no_source=False, predecessor_links__isnull=True
    ).exists()
    assert not UnitLineage.objects.filter(old_unit__level=Level.DISTRICT).exists()
    assert not UnitLineage.objects.exclude(old_unit__era=Era.LEGACY, new_unit__era=Era.CURRENT).exists()


def test_five_island_special_zones_have_no_source(loaded_map):
    zones = Unit.objects.filter(has_no_source=True)
    assert sorted(zones.values_list("short_name", flat=True)) == [
        "Bạch Long Vĩ",
        "Côn Đảo",
        "Cồn Cỏ",
        "Hoàng Sa",
        "Lý Sơn",
    ]
    assert set(zones.values_list("era", "level", "division_type")) == {(Era.CURRENT, Level.COMMUNE, "đặc khu")}
    assert not zones.filter(predecessor_links__isnull=False).exists()


def test_stale_legacy_communes_get_successors(loaded_map):
    # In the package's legacy list but not in its conversion table (merged before 30/06/2025).
    phu_yen = unit(Era.LEGACY, Level.COMMUNE, "03898")  # Thị trấn Phù Yên
    assert [(u.name, u.is_partial) for u in phu_yen.successors()] == [("Xã Phù Yên", False)]
    unknown = unit(Era.LEGACY, Level.COMMUNE, "26935")  # Phường 14, Quận Bình Thạnh
    successors = list(unknown.successors())
    assert len(successors) == 5 and all(u.is_partial for u in successors)


# --- the check command -----------------------------------------------------------------------------


def test_territory_check_passes(loaded_map, capsys):
    call_command("territory_check")
    out = capsys.readouterr().out
    assert "Khớp số liệu chính thức" in out
    assert "3,321" in out and "10,051" in out


def test_territory_check_fails_when_a_unit_is_deleted(loaded_map):
    unit(Era.LEGACY, Level.COMMUNE, "00004").delete()
    with pytest.raises(CommandError):
        call_command("territory_check")
    assert any("legacy commune" in p for p in check_map().problems)


def test_territory_check_fails_on_a_missing_predecessor(loaded_map):
    UnitLineage.objects.filter(new_unit__era=Era.CURRENT, new_unit__code="00004").delete()
    problems = check_map().problems
    assert any("00004" in p for p in problems)


def test_territory_check_fails_on_a_wrong_type_or_path(loaded_map):
    Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, code="06325").update(division_type="phường")
    Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, code="00004").update(path="/1/")
    problems = check_map().problems
    assert any("«phường»" in p for p in problems) and any("path" in p for p in problems)


# --- idempotence -----------------------------------------------------------------------------------


def test_loading_twice_changes_nothing(loaded_map):
    assert sum(loaded_map.created.values()) == 14_166
    before = (Unit.objects.count(), UnitLineage.objects.count(), checksum())
    again = load_territories()
    assert not again.changed, (again.created, again.updated, again.lineage_created, again.lineage_deleted)
    assert (Unit.objects.count(), UnitLineage.objects.count(), checksum()) == before


def test_reload_repairs_a_changed_name_and_keeps_villages(loaded_map):
    commune = unit(Era.CURRENT, Level.COMMUNE, "06325")
    village = Unit.objects.create(
        era=Era.CURRENT,
        level=Level.VILLAGE,
        code="06325-001",
        name="Thôn Nà Pàn",
        short_name="Nà Pàn",
        division_type="Thôn",
        parent=commune,
    )
    Unit.objects.filter(pk=commune.pk).update(name="xã Bắc Sơn")
    UnitLineage.objects.filter(new_unit=commune).update(is_partial=True)
    result = load_territories()
    assert result.updated[(Era.CURRENT, Level.COMMUNE)] == 1 and result.lineage_updated >= 1
    commune.refresh_from_db()
    village.refresh_from_db()
    assert commune.name == "Xã Bắc Sơn" and village.path == f"{commune.path}{village.pk}/"
    assert not load_territories().changed

"""Disadvantaged-area designations: the rule of which unit carries which designation, a village
reading its commune's, the province setting them (form and Excel import, all or nothing, errors by
row and column), and nobody else."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import OutOfScope, Scope
from hoctap.core import imports as engine
from hoctap.territory.areas import designation_for, remove_designation, set_designation
from hoctap.territory.imports import AREA_DESIGNATIONS
from hoctap.territory.models import AreaDesignation, Designation, Level
from tests.conftest import make_unit, make_user

pytestmark = pytest.mark.django_db

BASIS = {"basis_number": "861/QĐ-TTg", "basis_date": datetime.date(2021, 6, 4), "basis_issuer": "Thủ tướng Chính phủ"}


def designate(unit, year, designation):
    return AreaDesignation.objects.create(unit=unit, year=year, designation=designation, **BASIS)


def test_a_village_reads_its_communes_designation_unless_it_has_its_own(small_map):
    commune, village = small_map["commune_a"], small_map["village_a"]
    assert designation_for(village, 2026) is None and designation_for(commune, 2026) is None
    designate(commune, 2026, Designation.ZONE_3)
    assert designation_for(commune, 2026).designation == "zone_3"
    inherited = designation_for(village, 2026)
    assert inherited.designation == "zone_3" and inherited.unit == commune
    assert designation_for(village, 2025) is None  # per year
    assert designation_for(small_map["village_b"], 2026) is None  # another commune
    other = make_unit(Level.VILLAGE, "12001-002", "Bản Phiêng", commune, division_type="Bản")
    designate(commune, 2027, Designation.ZONE_1)
    designate(other, 2027, Designation.VILLAGE_EXTREME)
    assert designation_for(other, 2027).designation == "village_extreme"
    assert designation_for(village, 2027).designation == "zone_1"
    # units that carry none: the province, and an old-map commune (its records read the current unit's)
    assert designation_for(small_map["province"], 2026) is None
    assert designation_for(small_map["old_commune_b"], 2024) is None


@pytest.mark.parametrize(
    "unit_key, designation, ok",
    [
        ("commune_a", "zone_3", True),
        ("commune_a", "village_extreme", False),
        ("village_a", "village_extreme", True),
        ("village_a", "zone_2", False),
        ("province", "zone_3", False),
        ("old_commune_b", "zone_3", False),
    ],
)
def test_which_unit_may_carry_which_designation(small_map, unit_key, designation, ok):
    record = AreaDesignation(unit=small_map[unit_key], year=2026, designation=designation, **BASIS)
    if ok:
        record.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            record.full_clean()
        assert "designation" in refused.value.message_dict


def test_one_designation_per_unit_and_year_and_the_basis_is_required(small_map):
    designate(small_map["commune_a"], 2026, "zone_3")
    with pytest.raises(ValidationError):
        AreaDesignation(unit=small_map["commune_a"], year=2026, designation="zone_2", **BASIS).full_clean()
    with pytest.raises(ValidationError) as missing:
        AreaDesignation(unit=small_map["commune_b"], year=2026, designation="zone_2").full_clean()
    assert {"basis_number", "basis_date", "basis_issuer"} <= set(missing.value.message_dict)


def test_only_the_province_sets_designations(small_map, officer_a, province_officer):
    commune = small_map["commune_a"]
    saved = set_designation(Scope(province_officer), commune, range(2024, 2027), designation="zone_3", **BASIS)
    assert [r.year for r in saved] == [2024, 2025, 2026]
    # setting again replaces the years it names
    set_designation(Scope(province_officer), commune, [2026], designation="zone_1", **BASIS)
    assert (
        designation_for(commune, 2026).designation == "zone_1"
        and designation_for(commune, 2025).designation == "zone_3"
    )
    with pytest.raises(OutOfScope):  # a commune officer does not class their own commune
        set_designation(Scope(officer_a), commune, [2027], designation="zone_3", **BASIS)
    other_province = make_unit(Level.PROVINCE, "04", "Tỉnh Cao Bằng", small_map["nation"])
    elsewhere = make_user("cao_bang", Role.PROVINCE_OFFICER, other_province)
    with pytest.raises(OutOfScope):
        set_designation(Scope(elsewhere), commune, [2027], designation="zone_3", **BASIS)
    with pytest.raises(ValidationError):
        set_designation(Scope(province_officer), small_map["village_a"], [2027], designation="zone_3", **BASIS)
    with pytest.raises(ValidationError):  # the legal basis is part of the record
        set_designation(
            Scope(province_officer), commune, [2027], designation="zone_3", **{**BASIS, "basis_number": " "}
        )
    record = AreaDesignation.objects.get(unit=commune, year=2024)
    with pytest.raises(Http404):  # a commune officer does not classify areas: not found, not a hint
        remove_designation(Scope(officer_a), record)
    remove_designation(Scope(province_officer), record)
    assert designation_for(commune, 2024) is None


def test_the_unit_page_form_is_the_provinces(client, small_map, officer_a, province_officer):
    url = reverse("territory:unit_areas", args=[small_map["commune_a"].pk])
    data = {
        "designation": "zone_3",
        "year_from": 2025,
        "year_to": 2026,
        "basis_number": "861/QĐ-TTg",
        "basis_date": "2021-06-04",
        "basis_issuer": "Thủ tướng Chính phủ",
        "note": "",
    }
    client.force_login(officer_a)
    page = client.get(url)
    assert page.status_code == 200 and "Xã chưa được ghi loại vùng" in page.content.decode()
    assert client.post(url, data).status_code == 404
    assert not AreaDesignation.objects.exists()
    client.force_login(province_officer)
    response = client.post(url, data)
    assert response.status_code == 302
    assert sorted(AreaDesignation.objects.values_list("year", flat=True)) == [2025, 2026]
    page = client.get(url).content.decode()
    assert "Xã khu vực III" in page and "861/QĐ-TTg ngày 04/06/2021 của Thủ tướng Chính phủ" in page
    # a village is offered the village list only, and shows the commune's class it inherits
    village_url = reverse("territory:unit_areas", args=[small_map["village_a"].pk])
    refused = client.post(village_url, {**data, "designation": "zone_3"})
    assert refused.status_code == 200 and not AreaDesignation.objects.filter(unit=small_map["village_a"]).exists()
    assert "Theo loại vùng của xã" in refused.content.decode()
    wrong_order = client.post(url, {**data, "year_from": 2026, "year_to": 2024}).content.decode()
    assert "Năm kết thúc phải từ năm bắt đầu trở đi" in wrong_order
    client.force_login(officer_a)
    listing = client.get(reverse("territory:area_list") + "?year=2026").content.decode()
    assert "Xã An Lạc" in listing and "Nhập loại vùng từ Excel" not in listing
    # a village officer reads the commune's designation the village inherits
    client.force_login(make_user("thon_a", Role.VILLAGE_OFFICER, small_map["village_a"]))
    inherited = client.get(village_url).content.decode()
    assert "Theo loại vùng của xã" in inherited and "2026: xã khu vực III" in inherited


def _workbook(rows):
    workbook = load_workbook(io.BytesIO(engine.template_workbook(AREA_DESIGNATIONS)))
    sheet = workbook[AREA_DESIGNATIONS.sheet_title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "loai-vung.xlsx"
    return buffer


def test_import_names_every_error_by_row_and_column_and_writes_nothing(small_map, province_officer):
    day = datetime.datetime(2021, 6, 4)
    other_province = make_unit(Level.PROVINCE, "04", "Tỉnh Cao Bằng", small_map["nation"])
    make_unit(Level.COMMUNE, "01290", "Xã Bảo Lâm", other_province)
    scope = Scope(province_officer)
    bad = _workbook(
        [
            ["12001", 2026, "xã khu vực III", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", ""],  # 2: fine
            ["99999", 2026, "xã khu vực III", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", ""],  # 3: unknown code
            ["12001-001", 2026, "xã khu vực II", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", ""],  # 4: a village, a zone
            ["01290", 2026, "xã khu vực III", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", ""],  # 5: another province
            ["12001", 2026, "xã khu vực I", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", ""],  # 6: repeats row 2
            ["12002", 2026, "vùng cao", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", ""],  # 7: not in the list
            ["12002", 2027, "xã khu vực I", "861/QĐ-TTg", "04/06/2021", "Thủ tướng Chính phủ", ""],  # 8: date as text
        ]
    )
    result = engine.import_file(bad, AREA_DESIGNATIONS, scope=scope, actor=province_officer)
    assert not result.committed and not AreaDesignation.objects.exists()
    found = {(e["row"], e["header"]) for e in result.errors}
    assert found == {
        (3, "Mã đơn vị"),
        (4, "Loại vùng"),
        (5, "Mã đơn vị"),
        (6, "Mã đơn vị"),
        (7, "Loại vùng"),
        (8, "Ngày ban hành"),
    }
    reasons = {e["row"]: e["reason"] for e in result.errors}
    assert "thôn đặc biệt khó khăn" in reasons[4] and "ngoài địa bàn" in reasons[5]

    good = _workbook(
        [
            ["12001", 2025, "xã khu vực III", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", ""],
            ["12001", 2026, "zone_3", "861/QĐ-TTg", day, "Thủ tướng Chính phủ", "Giữ như 2025"],
            [
                "12002-001",
                2026,
                "Thôn đặc biệt khó khăn",
                "612/QĐ-UBDT",
                datetime.datetime(2021, 9, 16),
                "Ủy ban Dân tộc",
                "",
            ],
        ]
    )
    result = engine.import_file(good, AREA_DESIGNATIONS, scope=scope, actor=province_officer)
    assert result.committed and result.counts["designation"]["create"] == 3
    assert designation_for(small_map["village_a"], 2026).designation == "zone_3"
    assert designation_for(small_map["village_b"], 2026).basis_number == "612/QĐ-UBDT"
    again = engine.check_file(good, AREA_DESIGNATIONS, scope=scope, actor=province_officer)
    assert again.counts["designation"] == {"create": 0, "change": 0, "unchanged": 3}


def test_import_page_is_for_those_who_classify(client, small_map, officer_a, province_officer):
    url = reverse("territory:area_import")
    client.force_login(officer_a)
    assert client.get(url).status_code == 404
    client.force_login(province_officer)
    assert client.get(url + "?template=1")["Content-Type"].startswith("application/vnd.openxmlformats")
    good = _workbook(
        [["12001", 2026, "xã khu vực III", "861/QĐ-TTg", datetime.datetime(2021, 6, 4), "Thủ tướng Chính phủ", ""]]
    )
    response = client.post(url, {"file": good, "dry_run": ""})
    assert "Đã nhập 1 dòng loại vùng" in response.content.decode()
    assert designation_for(small_map["commune_a"], 2026).designation == "zone_3"


def test_the_list_shows_its_year_in_the_year_box(client, small_map, officer_a):
    """Opened without a year the list is this year's, named in the title; the year box was empty."""
    from django.utils import timezone

    client.force_login(officer_a)
    year = timezone.localdate().year
    page = client.get(reverse("territory:area_list")).content.decode()
    assert f"vùng khó khăn năm {year}" in page
    assert f'name="year" value="{year}"' in page

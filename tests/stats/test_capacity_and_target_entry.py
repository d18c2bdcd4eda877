import io
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from hoctap.accounts.roles import Role
from hoctap.core.imports import template_workbook
from hoctap.stats.figures import CURRENT, figures
from hoctap.stats.imports import TARGETS
from hoctap.stats.models import AssociationCapacity, Target
from tests.conftest import make_user

# -- association capacity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, field",
    [
        ({"officers": 5, "officers_in_clc": 6, "officers_and_members": 10}, "officers_in_clc"),
        (
            {"officers": 5, "officers_in_clc": 3, "officers_in_clc_it_trained": 4, "officers_and_members": 10},
            "officers_in_clc_it_trained",
        ),
        ({"officers": 12, "officers_and_members": 10}, "officers"),
        ({"officers_and_members": 10, "briefed": 11}, "briefed"),
        ({"officers_and_members": 10, "briefed_citizen": 11}, "briefed_citizen"),
    ],
)
def test_a_part_never_exceeds_its_whole_and_the_error_names_the_field(small_map, values, field):
    capacity = AssociationCapacity(unit=small_map["commune_a"], year=2025, **values)
    with pytest.raises(ValidationError) as raised:
        capacity.full_clean()
    assert field in raised.value.message_dict
    assert "không được lớn hơn" in " ".join(raised.value.message_dict[field])


def test_capacity_is_entered_for_a_commune_of_the_current_map(small_map):
    with pytest.raises(ValidationError) as raised:
        AssociationCapacity(unit=small_map["old_commune_b"], year=2024).full_clean()
    assert "unit" in raised.value.message_dict


def test_capacity_form_and_roll_up(client, small_map, officer_a, officer_b):
    client.force_login(officer_a)
    url = reverse("stats:capacity_edit", args=[small_map["commune_a"].pk, 2025])
    bad = {
        "officers": 4,
        "officers_in_clc": 5,
        "officers_in_clc_it_trained": 0,
        "officers_and_members": 100,
        "briefed": 50,
        "briefed_citizen": 50,
    }
    response = client.post(url, bad)
    assert response.status_code == 200 and "không được lớn hơn" in response.content.decode()
    assert not AssociationCapacity.objects.exists()
    good = {**bad, "officers": 8, "officers_in_clc_it_trained": 2, "chair_manages_clc": "on"}
    assert client.post(url, good).status_code == 302
    AssociationCapacity.objects.create(
        unit=small_map["commune_b"],
        year=2025,
        officers=6,
        officers_in_clc=4,
        officers_in_clc_it_trained=2,
        officers_and_members=100,
        briefed=100,
        briefed_citizen=20,
    )
    figs = figures(small_map["province"], [2025], CURRENT)
    assert figs.value("chair_in_clc", 2025).rate == 50  # one of the province's two communes
    assert (figs.value("chair_in_clc", 2025).covered, figs.value("chair_in_clc", 2025).expected) == (2, 2)
    assert figs.value("officers_it", 2025).rate == Fraction(200, 7)  # 4 trained of all 14 officers
    assert figs.value("briefed", 2025).rate == 75
    # the other commune's form is not there for officer A
    assert client.get(reverse("stats:capacity_edit", args=[small_map["commune_b"].pk, 2025])).status_code == 404


# -- targets: form and Excel import ------------------------------------------------------------


def test_target_form_is_scoped(client, small_map, officer_a, central_admin):
    client.force_login(officer_a)
    url = reverse("stats:target_create")
    response = client.post(
        url, {"indicator": "family", "year": 2026, "unit_code": "", "era": "current", "value": "75", "source": "x"}
    )
    assert "Chỉ quản trị trung ương" in response.content.decode()
    response = client.post(
        url, {"indicator": "family", "year": 2026, "unit_code": "12002", "era": "current", "value": "75"}
    )
    assert "ngoài địa bàn" in response.content.decode()
    response = client.post(
        url, {"indicator": "family", "year": 2026, "unit_code": "12001", "era": "current", "value": "75,5"}
    )
    assert response.status_code == 302
    assert Target.objects.get(unit=small_map["commune_a"], year=2026).value == 75.5


def _workbook(rows):
    workbook = load_workbook(io.BytesIO(template_workbook(TARGETS)))
    sheet = workbook[TARGETS.sheet_title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "chi-tieu.xlsx"
    return buffer


def test_import_reports_every_error_then_writes_all_or_nothing(client, small_map):
    province_officer = make_user("tinh", Role.PROVINCE_OFFICER, small_map["province"])
    client.force_login(province_officer)
    url = reverse("stats:target_import")
    label = dict(TARGETS.column("indicator").choices)
    bad = _workbook(
        [
            [str(label["family"]), 2026, "33", "mới", "72", "NQ tỉnh"],
            [str(label["clan"]), 2026, "99999", "mới", "60", ""],  # unknown unit
            [str(label["unit"]), 2026, "12001", "mới", "120", ""],  # not a percentage
            [str(label["family"]), 2026, "", "mới", "80", ""],  # national: not for a province officer
        ]
    )
    response = client.post(url, {"file": bad})
    body = response.content.decode()
    assert "3 lỗi" in body and not Target.objects.filter(year=2026).exists()
    good = _workbook(
        [
            [str(label["family"]), 2026, "33", "mới", "72", "NQ tỉnh"],
            [str(label["family"]), 2026, "12001", "mới", "74,5", ""],
        ]
    )
    response = client.post(url, {"file": good, "dry_run": ""})
    assert response.status_code == 200 and "Đã nhập 2 dòng" in response.content.decode()
    assert Target.objects.filter(unit__isnull=False).count() == 2
    # old Thái Bình is not this province officer's territory (today's Hưng Yên is)
    outside = _workbook([[str(label["clan"]), 2024, "34", "cũ", "60", "29/KH-KHKH"]])
    assert "ngoài địa bàn" in client.post(url, {"file": outside, "dry_run": ""}).content.decode()


@pytest.mark.parametrize("page", ["stats:target_import", "territory:area_import"])
def test_one_page_imports_refuse_what_is_not_a_workbook_on_the_file_field(client, small_map, page):
    """Both one-page imports take their file through one form (core.uploads.XlsxImportForm): a CSV named
    .xlsx is refused on the file field, as every upload is, before the engine reads it (the targets
    page let it through to the engine)."""
    client.force_login(make_user("tinh", Role.PROVINCE_OFFICER, small_map["province"]))
    csv = io.BytesIO("Chỉ tiêu;Năm\ngia đình;2026\n".encode())
    csv.name = "chi-tieu.xlsx"
    response = client.post(reverse(page), {"file": csv})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["file"] and "Excel" in errors["file"][0]

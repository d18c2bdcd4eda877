"""Village kinds are data: every kind the provinces use (tiểu khu in Sơn La, plei, buôn, sóc, khối…)
through the form and the import; hidden characters are refused in village names as in people's."""

import pytest

from hoctap.accounts.scoping import Scope
from hoctap.core.imports import import_file
from hoctap.registry.imports import VILLAGES
from hoctap.territory.village_kinds import village_kind_choices, village_kind_named, village_kinds
from tests.registry.conftest import xlsx

REQUIRED = ["Thôn", "Xóm", "Bản", "Buôn", "Plei", "Ấp", "Sóc", "Tổ dân phố", "Khu phố", "Tiểu khu", "Khối", "Khu"]


def test_the_kinds_the_provinces_use_are_all_listed_once():
    names = [kind["name"] for kind in village_kinds()]
    assert set(REQUIRED) <= set(names)
    assert len(names) == len(set(names))
    assert all(kind["used_in"] for kind in village_kinds())
    assert village_kind_named("tieu khu") == "Tiểu khu" and village_kind_named("Hamlet") is None


@pytest.mark.django_db
@pytest.mark.parametrize("kind", REQUIRED)
def test_a_commune_officer_adds_a_village_of_every_kind(client_a, small_map, kind):
    commune = small_map["commune_a"]
    response = client_a.post(f"/units/{commune.pk}/villages/new/", {"division_type": kind, "short_name": "Số 3"})
    assert response.status_code == 302
    village = commune.children.get(short_name="Số 3")
    assert village.division_type == kind and village.name == f"{kind} Số 3"


@pytest.mark.django_db
def test_the_village_form_refuses_hidden_characters(client_a, small_map):
    commune = small_map["commune_a"]
    page = client_a.post(
        f"/units/{commune.pk}/villages/new/", {"division_type": "Bản", "short_name": "Nà\u202eLòa"}
    ).content.decode()
    assert (
        "Tên thôn, tổ dân phố có ký tự ẩn" in page and not commune.children.filter(short_name__contains="Lòa").exists()
    )


@pytest.mark.django_db
def test_the_village_import_takes_every_kind_with_or_without_diacritics(small_map, officer_a):
    rows = [
        ["12001", "tieu khu", "7", None],
        ["12001", "Plei", "Ngol", None],
        ["12001", "Sóc", "Mới", None],
        ["12001", "Bản", "Pá\u200bKhoang", None],
    ]
    result = import_file(xlsx(VILLAGES, rows), VILLAGES, scope=Scope(officer_a), actor=officer_a)
    assert not result.committed
    assert [(e["row"], "ký tự ẩn" in e["reason"]) for e in result.errors] == [(5, True)]
    result = import_file(xlsx(VILLAGES, rows[:3]), VILLAGES, scope=Scope(officer_a), actor=officer_a)
    assert result.committed, result.errors
    names = set(small_map["commune_a"].children.values_list("name", flat=True))
    assert {"Tiểu khu 7", "Plei Ngol", "Sóc Mới"} <= names
    assert len(village_kind_choices()) == len(village_kinds())


@pytest.mark.django_db
def test_a_taken_name_or_code_is_refused_by_the_service_the_page_calls(client_a, small_map, officer_a):
    """The rule lives in territory.services.create_village: the page shows its refusal on the field, and a
    caller that skips the form (a village change, an import) meets the same refusal."""
    from django.core.exceptions import ValidationError

    from hoctap.territory.services import create_village

    commune, village = small_map["commune_a"], small_map["village_a"]
    with pytest.raises(ValidationError) as refused:
        create_village(Scope(officer_a), commune, division_type=village.division_type, short_name=village.short_name)
    assert set(refused.value.message_dict) == {"short_name"}
    page = client_a.post(
        f"/units/{commune.pk}/villages/new/",
        {"division_type": village.division_type, "short_name": village.short_name.lower(), "code": village.code},
    ).content.decode()
    assert f"Xã này đã có {village.division_type} {village.short_name.lower()}." in page
    assert f"Mã {village.code} đã được dùng." in page
    assert commune.children.filter(name_folded=village.name_folded).count() == 1

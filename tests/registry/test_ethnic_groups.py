"""The ethnic-group list (54 groups, unique codes in both numberings), "not recorded" never becoming
Kinh on any path (form, API, import, export), and the 1979 numbering read from old records."""

import importlib
import json

import pytest
from django.utils import timezone

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.core.imports import import_file
from hoctap.privacy import services as privacy
from hoctap.registry.ethnicity import (
    _key,
    ethnic_groups,
    ethnicity_choices,
    ethnicity_name,
    from_1979_code,
    resolve_ethnicity,
)
from hoctap.registry.imports import HOUSEHOLDS
from hoctap.registry.models import Household, Person
from tests.registry.conftest import household_row, xlsx

VILLAGE_A = "12001-001"


def test_the_list_has_54_groups_with_unique_codes_in_both_numberings():
    groups = ethnic_groups()
    assert len(groups) == 54
    assert [g["code"] for g in groups] == [f"{n:02d}" for n in range(1, 55)]
    assert sorted(g["code_1979"] for g in groups) == [f"{n:02d}" for n in range(1, 55)]
    assert len({g["name"] for g in groups}) == 54


def test_the_codes_the_domain_notes_quote():
    named = {g["code"]: g["name"] for g in ethnic_groups()}
    assert [named[c] for c in ("01", "02", "03", "04", "05", "06", "07", "08", "09", "13")] == [
        "Kinh",
        "Tày",
        "Thái",
        "Mường",
        "Khơ Me",
        "Hoa",
        "Nùng",
        "H'Mông",
        "Dao",
        "Sán Chay",
    ]
    # the 1979 list numbers the same groups differently: 04 Hoa, 05 Khơ-me, 06 Mường
    assert [ethnicity_name(from_1979_code(c)) for c in ("04", "05", "06")] == ["Hoa", "Khơ Me", "Mường"]


def test_no_name_or_alias_names_two_groups():
    seen = {}
    for group in ethnic_groups():
        for name in (group["name"], *group["aliases"]):
            assert seen.setdefault(_key(name), group["code"]) == group["code"], name


@pytest.mark.parametrize(
    "text, code",
    [
        ("Mông", "08"),
        ("H'Mông", "08"),
        ("hmong", "08"),
        ("Mèo", "08"),
        ("tay", "02"),
        ("Khmer", "05"),
        ("8", "08"),
        ("08", "08"),
        ("Ê-đê", "11"),
        ("Người Sao Hỏa", None),
        ("55", None),
    ],
)
def test_names_and_codes_resolve(text, code):
    assert resolve_ethnicity(text) == code


def test_not_recorded_comes_first_and_is_not_kinh():
    assert ethnicity_choices()[0][0] == "" and str(ethnicity_choices()[0][1]) == "Chưa ghi nhận"
    assert ethnicity_name("") == "Chưa ghi nhận"


@pytest.mark.django_db
def test_a_person_saved_without_ethnicity_is_not_recorded(small_map):
    person = Person.objects.create(full_name="Hà Văn Tương", sex="male", birth_year=1980, unit=small_map["village_a"])
    person.refresh_from_db()
    assert person.ethnicity == "" and person.get_ethnicity_display() == "Chưa ghi nhận"


def consent_to_ethnicity(officer, people):
    """The person's own consent to record their ethnicity, collected on paper (issue 19: no consent, no
    ethnicity, on every path)."""
    privacy.record_basis(
        Scope(officer),
        people,
        kind="consent_paper",
        covers="sensitive",
        collected_by="Hoàng Văn Cán",
        collected_on=timezone.localdate(),
    )


@pytest.mark.django_db
def test_form_keeps_not_recorded_and_records_a_group(client_a, small_map, officer_a):
    base = {
        "sex": "male",
        "birth_year": "1980",
        "occupation_group": "farmer",
        "digital_skill": "none",
        "unit": small_map["village_a"].pk,
    }
    client_a.post("/registry/people/new/", {**base, "full_name": "Nông Văn Dền"})
    refused = client_a.post("/registry/people/new/", {**base, "full_name": "Thào A Dình", "ethnicity": "08"})
    assert "Người mới chưa có phiếu đồng ý riêng về việc ghi dân tộc" in refused.content.decode()
    assert not Person.objects.filter(full_name="Thào A Dình").exists()
    client_a.post("/registry/people/new/", {**base, "full_name": "Thào A Dình"})
    dinh = Person.objects.get(full_name="Thào A Dình")
    edit = {**base, "full_name": "Thào A Dình", "ethnicity": "08", "unit": dinh.unit_id}
    assert "chưa có phiếu đồng ý riêng" in client_a.post(f"/registry/people/{dinh.pk}/edit/", edit).content.decode()
    consent_to_ethnicity(officer_a, [dinh])
    client_a.post(f"/registry/people/{dinh.pk}/edit/", edit)
    assert dict(Person.objects.values_list("full_name", "ethnicity")) == {"Nông Văn Dền": "", "Thào A Dình": "08"}
    page = client_a.get(f"/registry/people/{Person.objects.get(full_name='Nông Văn Dền').pk}/").content.decode()
    assert "Chưa ghi nhận" in page
    form = client_a.get("/registry/people/new/").content.decode()
    assert "H&#x27;Mông" in form and "Chưa ghi nhận" in form


@pytest.mark.django_db
def test_api_takes_a_code_or_a_name_and_shows_both(client, officer_a, small_map):
    _, token = ApiToken.issue(officer_a, "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(body):
        return client.post("/api/v1/registry/people", data=json.dumps(body), content_type="application/json", **auth)

    def patch(person, body):
        return client.patch(
            f"/api/v1/registry/people/{person['id']}", data=json.dumps(body), content_type="application/json", **auth
        )

    base = {"sex": "male", "birth_year": 1980, "unit": small_map["village_a"].pk}
    refused = post({**base, "full_name": "Hà Văn Tương", "ethnicity": "Tày"})
    assert refused.status_code == 422 and "phiếu đồng ý riêng" in json.dumps(refused.json(), ensure_ascii=False)
    by_name = post({**base, "full_name": "Hà Văn Tương"}).json()
    by_code = post({**base, "full_name": "Lầu Thị Mai"}).json()
    blank = post({**base, "full_name": "Nông Văn Dền"}).json()
    assert patch(by_name, {"ethnicity": "Tày"}).status_code == 422  # no consent yet
    consent_to_ethnicity(officer_a, Person.objects.filter(pk__in=[by_name["id"], by_code["id"]]))
    assert patch(by_name, {"ethnicity": "Tày"}).json()["ethnicity"] is None  # sensitive: only when asked for
    assert patch(by_code, {"ethnicity": "08"}).status_code == 200

    def get(person):
        return client.get(f"/api/v1/registry/people/{person['id']}?include_sensitive=true", **auth).json()

    by_name, by_code, blank = get(by_name), get(by_code), get(blank)
    assert (by_name["ethnicity"], by_name["ethnicity_name"]) == ("02", "Tày")
    assert (by_code["ethnicity"], by_code["ethnicity_name"]) == ("08", "H'Mông")
    assert (blank["ethnicity"], blank["ethnicity_name"]) == ("", "Chưa ghi nhận")
    refused = patch(by_code, {"ethnicity": "Sao Hỏa"})
    assert refused.status_code == 422 and "ethnicity" in json.dumps(refused.json())


@pytest.mark.django_db
def test_import_reads_names_2008_codes_1979_codes_and_blank(small_map, officer_a):
    rows = [
        household_row("H1", VILLAGE_A, "Hà Văn Tương", ethnicity="Tày", head=True),
        household_row("H1", VILLAGE_A, "Lầu Thị Mai", ethnicity="", birth_year=1990) + ["08"],
        household_row("H1", VILLAGE_A, "Nông Văn Dền", ethnicity="", birth_year=1970),
        household_row("H1", VILLAGE_A, "Triệu Thị Hoa", ethnicity="09", birth_year=1985),
    ]
    scope = Scope(officer_a)
    # New people have no consent yet: the rows naming a group are refused, on the column the file used.
    refused = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=scope, actor=officer_a)
    assert not refused.committed and not Person.objects.exists()
    assert [(e["row"], e["header"]) for e in refused.errors] == [
        (2, "Dân tộc"),
        (3, "Mã dân tộc cũ (danh mục 1979)"),
        (5, "Dân tộc"),
    ]
    assert "tải lại tệp có cột Dân tộc" in refused.errors[0]["reason"]
    # The documented way: the list without ethnicity, the consent forms recorded, the same file again.
    blank = [row[:7] + [""] + row[8:12] for row in rows]  # the Dân tộc and old-code cells left empty
    assert import_file(xlsx(HOUSEHOLDS, blank), HOUSEHOLDS, scope=scope, actor=officer_a).committed
    consent_to_ethnicity(officer_a, Person.objects.exclude(full_name="Nông Văn Dền"))
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=scope, actor=officer_a)
    assert result.committed, result.errors
    assert dict(Person.objects.values_list("full_name", "ethnicity")) == {
        "Hà Văn Tương": "02",
        "Lầu Thị Mai": "08",
        "Nông Văn Dền": "",
        "Triệu Thị Hoa": "09",
    }


@pytest.mark.django_db
def test_import_refuses_unknown_groups_and_contradicting_old_codes(small_map, officer_a):
    rows = [
        household_row("H1", VILLAGE_A, "An", ethnicity="Sao Hỏa", head=True),
        household_row("H1", VILLAGE_A, "Bình", ethnicity="Tày", birth_year=1990) + ["04"],
        household_row("H1", VILLAGE_A, "Chi", birth_year=1991) + ["77"],
    ]
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert not result.committed and not Household.objects.exists()
    assert [(e["row"], e["header"]) for e in result.errors] == [
        (2, "Dân tộc"),
        (3, "Mã dân tộc cũ (danh mục 1979)"),
        (4, "Mã dân tộc cũ (danh mục 1979)"),
    ]


@pytest.mark.django_db
def test_export_shows_names_and_not_recorded(client_a, small_map):
    Person.objects.create(
        full_name="Thào A Dình", sex="male", birth_year=1980, unit=small_map["village_a"], ethnicity="08"
    )
    Person.objects.create(full_name="Nông Văn Dền", sex="male", birth_year=1980, unit=small_map["village_a"])
    response = client_a.get("/registry/people/export/?format=csv&sensitive=1")  # asked for (issue 19)
    text = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()
    assert "H'Mông" in text and "Chưa ghi nhận" in text and "Kinh" not in text


@pytest.mark.parametrize(
    "old, new",
    [
        ("Kinh", ""),
        ("kinh", ""),
        ("", ""),
        ("Mông", "08"),
        ("H'Mông", "08"),
        ("Tày", "02"),
        ("Dao", "09"),
        ("Sao Hỏa", ""),
    ],
)
def test_the_data_migration_does_not_invent_ethnicity(old, new):
    """Stored "Kinh" was what every path put in a blank: it becomes not recorded, like unknown text."""
    migration = importlib.import_module("hoctap.registry.migrations.0005_ethnicity_as_gso_code")
    assert migration.new_code(old) == new

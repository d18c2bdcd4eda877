"""Names on every input path (person form, household form, API, Excel import, citizen sign-up):
the same cases through each.

* Characters nobody can see (direction overrides and isolates, zero-width ones) are refused with a
  message naming the field.
* The same name and birth year is a hint to confirm, never a refusal; two different valid ID
  numbers are two different people.
* Look-alike letters (Ð U+00D0 for Đ U+0110) fold together for search and hints.
"""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.assessments import citizens
from hoctap.assessments.models import CitizenSignup
from hoctap.core.imports import import_file
from hoctap.core.text import fold, invisible_characters, normalise
from hoctap.registry.imports import HOUSEHOLDS, ORGANISATIONS
from hoctap.registry.models import Household, Person
from hoctap.registry.services import likely_duplicates
from tests.registry.conftest import household_row, xlsx

pytestmark = pytest.mark.django_db

VILLAGE_A = "12001-001"
HIDDEN = [
    pytest.param("Giàng A\u202ePáo", id="right-to-left override U+202E"),
    pytest.param("Lầu Thị\u2066Mai\u2069", id="isolate U+2066-U+2069"),
    pytest.param("Hà Văn\u200bTương", id="zero-width space U+200B"),
    pytest.param("Nông Văn\u200dDền", id="zero-width joiner U+200D"),
    pytest.param("\ufeffThào A Dình", id="byte order mark U+FEFF"),
]
PAO, PAO_TILDE = "Giàng A Páo", "Giàng A Pão"  # fold alike: a hint, never a refusal
ID_1, ID_2 = "014090001111", "014090002222"  # two valid, different ID numbers


@pytest.fixture
def api(client, officer_a):
    _, token = ApiToken.issue(officer_a, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(method, url, body=None):
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
        return getattr(client, method)(f"/api/v1/registry{url}", **kwargs, **headers)

    return call


@pytest.fixture
def household(small_map):
    household = Household.objects.create(code="H0100", village=small_map["village_a"])
    first = Person.objects.create(full_name=PAO, sex="male", birth_year=1990, household=household, id_number=ID_1)
    household.head = first
    household.save()
    return household


def person_post(small_map, name, **extra):
    return {
        "full_name": name,
        "sex": "male",
        "birth_year": "1990",
        "occupation_group": "farmer",
        "digital_skill": "none",
        "unit": small_map["village_a"].pk,
        **extra,
    }


def signup_post(small_map, name, username, **extra):
    return {
        "full_name": name,
        "birth_year": "1990",
        "sex": "male",
        "province": small_map["province"].pk,
        "commune": small_map["commune_a"].pk,
        "occupation_group": "farmer",
        "username": username,
        "password": "mat-khau-rat-dai-2025",
        "notice_version": "1",
        "consent": "on",
        **extra,
    }


# -- invisible characters: refused on every path, naming the field -------------------------------


@pytest.mark.parametrize("name", HIDDEN)
def test_person_form_refuses_hidden_characters(client_a, small_map, name):
    page = client_a.post("/registry/people/new/", person_post(small_map, name)).content.decode()
    assert "Họ và tên có ký tự ẩn" in page
    assert not Person.objects.exists()


@pytest.mark.parametrize("name", HIDDEN)
def test_api_refuses_hidden_characters(api, small_map, name):
    response = api(
        "post", "/people", {"full_name": name, "sex": "male", "birth_year": 1990, "unit": small_map["village_a"].pk}
    )
    assert response.status_code == 422
    assert "Họ và tên có ký tự ẩn" in json.dumps(response.json(), ensure_ascii=False)
    assert not Person.objects.exists()


@pytest.mark.parametrize("name", HIDDEN)
def test_import_refuses_hidden_characters(small_map, officer_a, name):
    result = import_file(
        xlsx(HOUSEHOLDS, [household_row("H1", VILLAGE_A, name, head=True)]),
        HOUSEHOLDS,
        scope=Scope(officer_a),
        actor=officer_a,
    )
    assert not result.committed
    assert [(e["row"], e["header"]) for e in result.errors] == [(2, "Họ và tên")]
    assert "Họ và tên có ký tự ẩn" in result.errors[0]["reason"]
    assert not Person.objects.exists()


@pytest.mark.parametrize("name", HIDDEN)
def test_staff_import_refuses_hidden_characters(small_map, officer_a, name):
    row = ["Trường Tiểu học An Lạc", "Trường học", None, "12001", None, name, "Nam", None, 1990, None, None, None, None]
    result = import_file(xlsx(ORGANISATIONS, [row]), ORGANISATIONS, scope=Scope(officer_a), actor=officer_a)
    assert not result.committed and "có ký tự ẩn" in result.errors[0]["reason"]


@pytest.mark.parametrize("name", HIDDEN)
def test_sign_up_refuses_hidden_characters(client, small_map, name):
    page = client.post("/signup/", signup_post(small_map, name, "pao")).content.decode()
    assert "Họ và tên có ký tự ẩn" in page
    assert not CitizenSignup.objects.exists()


def test_household_form_and_village_form_refuse_hidden_characters(client_a, small_map):
    from tests.registry.test_pages import members_data

    page = client_a.post(
        "/registry/households/new/",
        members_data(
            {
                "full_name": "Thào A\u202eDình",
                "sex": "male",
                "birth_year": "1980",
                "occupation_group": "farmer",
                "digital_skill": "none",
            },
            village=small_map["village_a"],
        ),
    ).content.decode()
    assert "Họ và tên có ký tự ẩn" in page and not Household.objects.exists()


# -- the same name and birth year: a hint, never a refusal -----------------------------------------


def test_person_form_saves_a_namesake_with_a_hint(client_a, small_map, household):
    response = client_a.post(
        "/registry/people/new/", person_post(small_map, PAO_TILDE, household=household.pk), follow=True
    )
    assert Person.objects.filter(household=household).count() == 2
    assert "có thể trùng người" in response.content.decode()


def test_person_form_gives_no_hint_between_two_different_id_numbers(client_a, small_map, household):
    response = client_a.post(
        "/registry/people/new/", person_post(small_map, PAO_TILDE, household=household.pk, id_number=ID_2), follow=True
    )
    assert Person.objects.filter(household=household).count() == 2
    assert "có thể trùng người" not in response.content.decode()


def test_api_saves_a_namesake_with_a_warning(api, small_map, household):
    response = api(
        "post", "/people", {"full_name": PAO_TILDE, "sex": "male", "birth_year": 1990, "household": household.pk}
    )
    assert response.status_code == 201
    assert [w["reason"] for w in response.json()["warnings"]] == ["same_name_and_birth_year"]
    different = api(
        "post",
        "/people",
        {"full_name": PAO, "sex": "male", "birth_year": 1990, "household": household.pk, "id_number": ID_2},
    )
    assert different.status_code == 201
    # only the namesake without an ID number may be the same person; the one with ID_1 is not
    hinted = {w["person_id"] for w in different.json()["warnings"]}
    assert hinted == {response.json()["id"]}
    assert Person.objects.filter(household=household).count() == 3


def test_import_keeps_two_namesakes_with_different_id_numbers_in_one_household(small_map, officer_a):
    rows = [
        household_row("H1", VILLAGE_A, PAO, birth_year=1990, id_number=ID_1, head=True),
        household_row("H1", VILLAGE_A, PAO_TILDE, birth_year=1990, id_number=ID_2),
    ]
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert result.committed, result.errors
    assert sorted(Person.objects.values_list("id_number", flat=True)) == [ID_1, ID_2]
    assert [note["row"] for note in result.notes] == [3]  # a hint to check, on the second row
    again = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert again.committed and again.counts["person"] == {"create": 0, "change": 0, "unchanged": 2}


def test_import_keeps_two_namesakes_without_id_numbers_and_a_reupload_changes_nothing(small_map, officer_a):
    rows = [
        household_row("H1", VILLAGE_A, "Lầu Thị Mai", birth_year=1995, head=True),
        household_row("H1", VILLAGE_A, "Lầu Thị Mai", birth_year=1995, sex="Nữ"),
    ]
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert result.committed and Person.objects.count() == 2
    again = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert again.counts["person"] == {"create": 0, "change": 0, "unchanged": 2}  # each row found its own
    assert Person.objects.count() == 2


def test_import_adds_a_namesake_with_another_id_number_to_an_existing_household(small_map, officer_a, household):
    rows = [household_row("H0100", VILLAGE_A, PAO_TILDE, birth_year=1990, id_number=ID_2)]
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=Scope(officer_a), actor=officer_a)
    assert result.committed and result.counts["person"]["create"] == 1
    assert Person.objects.get(id_number=ID_1).full_name == PAO  # not overwritten by the namesake
    assert "số CCCD khác" in result.notes[0]["text"]


def test_sign_up_of_a_namesake_waits_for_the_commune(client, small_map):
    client.post("/signup/", signup_post(small_map, PAO, "pao1"))
    client.logout()
    page = client.post("/signup/", signup_post(small_map, PAO_TILDE, "pao2"), follow=True)
    assert page.status_code == 200
    statuses = dict(CitizenSignup.objects.values_list("user__username", "status"))
    assert statuses == {"pao1": CitizenSignup.Status.CREATED, "pao2": CitizenSignup.Status.PENDING}


def test_sign_up_with_two_different_id_numbers_creates_two_people(small_map, officer_a):
    data = {
        "password": "mat-khau-rat-dai-2025",
        "birth_year": 1990,
        "sex": "male",
        "commune": small_map["commune_a"],
        "occupation_group": "farmer",
        "notice_version": 1,
    }
    first = citizens.sign_up(username="pao1", full_name=PAO, id_number=ID_1, **data)
    second = citizens.sign_up(username="pao2", full_name=PAO_TILDE, id_number=ID_2, **data)
    # An ID number typed online waits for the commune to see the card (issue 16 §4) ...
    assert first.status == second.status == CitizenSignup.Status.PENDING
    scope = Scope(officer_a)
    first = citizens.link(scope, first, None)
    # ... and two different numbers are two people: the first is no candidate for the second.
    assert list(citizens.candidates_for(scope, second)) == []
    second = citizens.link(scope, second, None)
    assert first.person != second.person
    assert {first.person.id_number, second.person.id_number} == {ID_1, ID_2}


# -- look-alike letters ----------------------------------------------------------------------------


def test_eth_and_d_with_stroke_are_one_letter_for_search_and_hints(client_a, officer_a, small_map):
    stored = Person.objects.create(
        full_name="\u00d0inh Thị Hoa", sex="female", birth_year=1988, unit=small_map["village_a"]
    )
    assert stored.full_name == "Đinh Thị Hoa"  # stored with the Vietnamese letter
    assert list(Person.objects.search("đinh")) == [stored] == list(Person.objects.search("\u00d0INH"))
    hints = likely_duplicates(
        Scope(officer_a), full_name="Đinh Thị Hoa", birth_year=1988, commune=small_map["commune_a"]
    )
    assert [hint.person for hint in hints] == [stored]


LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyÐðĐàáảãạ "
INVISIBLE = [
    chr(c)
    for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F]
]


@given(st.text(alphabet=LETTERS, max_size=30))
def test_fold_reads_eth_as_d(name):
    assert fold(name.replace("Ð", "Đ").replace("ð", "đ")) == fold(name)
    assert "ð" not in fold(name) and "đ" not in fold(name)


@given(st.text(alphabet=LETTERS, max_size=30))
def test_visible_names_are_accepted_and_normalise_is_idempotent(name):
    assert invisible_characters(name) == []
    assert normalise(normalise(name)) == normalise(name)
    assert fold(normalise(name)) == fold(name)


@given(st.text(alphabet=LETTERS, min_size=1, max_size=30), st.sampled_from(INVISIBLE), st.data())
def test_any_hidden_character_anywhere_is_found_at_its_position(name, hidden, data):
    at = data.draw(st.integers(min_value=0, max_value=len(name)))
    spoiled = name[:at] + hidden + name[at:]
    assert invisible_characters(spoiled)[0] == len(__import__("unicodedata").normalize("NFC", name[:at])) + 1

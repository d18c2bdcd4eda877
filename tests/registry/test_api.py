"""/api/v1/registry/: the same validation (422 naming fields), scoping, masking and duplicate warnings."""

import json

import pytest

from hoctap.accounts.models import ApiToken
from hoctap.registry.models import ClanBranch, Household, Organisation, Person

FULL_ID = "034075001234"


@pytest.fixture
def api(client, officer_a):
    _, token = ApiToken.issue(officer_a, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(method, url, body=None):
        kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
        return getattr(client, method)(f"/api/v1/registry{url}", **kwargs, **headers)

    return call


def test_lists_and_details_mask_id_numbers(api, household_a):
    people = api("get", "/people").json()
    assert people["count"] == 2
    assert {p["id_number"] for p in people["items"]} == {"********1234", ""}
    detail = api("get", f"/households/{household_a.pk}").json()
    assert detail["head_name"] == "Nguyễn Văn An" and detail["member_count"] == 2
    assert FULL_ID not in json.dumps(detail)
    assert FULL_ID not in json.dumps(api("get", f"/people/{household_a.head_id}").json())


def test_an_id_number_is_searched_by_post_only(api, household_a):
    assert api("get", f"/people?q={FULL_ID}").status_code == 422
    found = api("post", "/people/search", {"q": FULL_ID}).json()
    assert [p["full_name"] for p in found["items"]] == ["Nguyễn Văn An"]
    assert api("post", "/households/search", {"q": FULL_ID}).json()["count"] == 1
    assert api("get", "/people?q=TRAN thi").json()["count"] == 1


def test_create_a_household_with_members_and_get_duplicate_warnings(api, small_map, household_a):
    response = api(
        "post",
        "/households",
        {
            "village": small_map["village_a"].pk,
            "address": "Xóm 4",
            "members": [
                {"full_name": "nguyễn văn an", "sex": "male", "birth_year": 1975},
                {
                    "full_name": "Lò Thị Mai",
                    "sex": "female",
                    "birth_date": "1990-02-01",
                    "is_head": True,
                },
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "H0002" and body["head_name"] == "Lò Thị Mai" and len(body["members"]) == 2
    assert [w["reason"] for w in body["warnings"]] == ["same_name_and_birth_year"]
    assert body["warnings"][0]["person_id"] == household_a.head_id


def test_validation_errors_are_422_with_field_names(api, small_map, household_a):
    response = api(
        "post", "/households", {"village": small_map["village_a"].pk, "members": [{"full_name": "X", "sex": "robot"}]}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"members.0.sex", "members.0.birth_year"}
    response = api(
        "post",
        "/people",
        {"full_name": "Y", "sex": "male", "birth_year": 1990, "id_number": FULL_ID, "household": household_a.pk},
    )
    assert response.status_code == 422 and "id_number" in response.json()["errors"]
    assert api("post", "/people", {"full_name": "Z"}).status_code == 422  # schema errors name fields too
    twins = api(
        "post",
        "/households",
        {
            "village": small_map["village_a"].pk,
            "members": [
                {"full_name": name, "sex": "male", "birth_year": 1990, "id_number": "034090005555"}
                for name in ("P", "Q")
            ],
        },
    )
    assert twins.status_code == 422 and list(twins.json()["errors"]) == ["members.1.id_number"]
    assert Person.objects.count() == 2


def test_writes_outside_the_scope_are_refused(api, small_map):
    other = Household.objects.create(code="B1", village=small_map["village_b"])
    assert api("post", "/households", {"village": small_map["village_b"].pk}).status_code == 422
    assert api("patch", f"/households/{other.pk}", {"address": "x"}).status_code == 404
    assert api("get", f"/households/{other.pk}").status_code == 404
    assert (
        api(
            "patch",
            f"/households/{Household.objects.create(code='A9', village=small_map['village_a']).pk}",
            {"village": small_map["village_b"].pk},
        ).status_code
        == 422
    )


def test_update_is_partial(api, household_a):
    response = api("patch", f"/households/{household_a.pk}", {"address": "Xóm 9"})
    assert response.status_code == 200 and response.json()["address"] == "Xóm 9"
    household_a.refresh_from_db()
    assert household_a.code == "H0001" and household_a.address == "Xóm 9"
    person = api("patch", f"/people/{household_a.head_id}", {"digital_skill": "proficient"}).json()
    assert person["digital_skill"] == "proficient" and person["full_name"] == "Nguyễn Văn An"


def test_people_clans_and_organisations(api, small_map):
    organisation = api(
        "post", "/organisations", {"name": "Trường THCS An Lạc", "kind": "school", "unit": small_map["commune_a"].pk}
    )
    assert organisation.status_code == 201
    organisation_id = organisation.json()["id"]
    staff = api(
        "post", "/people", {"full_name": "Cô Hạnh", "sex": "female", "birth_year": 1988, "employer": organisation_id}
    )
    assert staff.status_code == 201 and staff.json()["unit_id"] == small_map["commune_a"].pk
    assert api("get", f"/organisations/{organisation_id}").json()["staff_count"] == 1
    clan = api("post", "/clans", {"name": "Họ Đặng", "commune": small_map["commune_a"].pk})
    assert clan.status_code == 201
    renamed = api("patch", f"/clans/{clan.json()['id']}", {"branch": "Chi 3"}).json()
    assert renamed["branch"] == "Chi 3" and ClanBranch.objects.get().branch_folded == "chi 3"
    assert api("get", "/clans").json()["count"] == 1
    assert api("patch", f"/organisations/{organisation_id}", {"kind": "kindergarten"}).json()["kind"] == "kindergarten"
    assert Organisation.objects.get().kind == "kindergarten"


def test_denominators(api, small_map, household_a):
    rows = api("get", f"/denominators/{small_map['commune_a'].pk}/2025").json()
    assert {r["kind"]: (r["value"], r["source"]) for r in rows}["households"] == (1, "registry")
    assert api("get", f"/denominators/{small_map['commune_b'].pk}/2025").status_code == 404

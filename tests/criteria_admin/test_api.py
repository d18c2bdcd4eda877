"""/api/v1/criteria: list, detail with the full tree, YAML, score, validate; the same scoping."""

import pytest

from hoctap.accounts.models import ApiToken

from .conftest import store, yaml_of

pytestmark = pytest.mark.django_db


def bearer(user):
    _, token = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def own_set(small_map, published):
    return store("citizen-hung-yen", 1, province=small_map["province"])


def test_list_is_scoped(client, officer_a, province_officer, province_officer_b, own_set, published):
    listed = client.get("/api/v1/criteria/", **bearer(province_officer)).json()
    assert "citizen-hung-yen" in {item["code"] for item in listed["items"]}
    assert listed["count"] == len(published) + 1
    other = client.get("/api/v1/criteria/?title=citizen", **bearer(province_officer_b)).json()
    assert [item["code"] for item in other["items"]] == ["citizen-677-2022"]
    national = client.get("/api/v1/criteria/?national=false", **bearer(province_officer)).json()
    assert [item["province_id"] for item in national["items"]] == [own_set.province_id]


def test_detail_has_the_full_tree(client, officer_a, published):
    version = published["unit-tt24-2023"]
    body = client.get(f"/api/v1/criteria/{version.pk}", **bearer(officer_a)).json()
    assert body["code"] == "unit-tt24-2023" and body["status"] == "partial"
    assert body["required_facts"] == list(version.definition.required_facts())
    assert body["classification_codes"] == ["not_achieved", "level_1", "level_2"]
    tree = body["definition"]
    assert tree["gaps"] and tree["criteria"][0]["indicators"][0]["code"] == "TC1.1"
    assert tree["dependencies"][0]["value"] == "0.90"  # decimals as strings


def test_yaml_export(client, officer_a, published):
    version = published["citizen-677-2022"]
    response = client.get(f"/api/v1/criteria/{version.pk}/yaml", **bearer(officer_a))
    assert response["Content-Type"].startswith("application/yaml")
    assert response.content.decode().startswith("# hoctap-status: CẢNH BÁO")
    assert 'filename="citizen-677-2022-v2-partial.yaml"' in response["Content-Disposition"]


def test_score(client, officer_a, published):
    version = published["citizen-677-2022"]
    template = client.get(f"/api/v1/criteria/{version.pk}/score", **bearer(officer_a)).json()
    assert list(template["answers"]) == [f"CS{n}" for n in range(1, 11)] and template["facts"] == {}
    answers = {code: "9" for code in template["answers"]} | {"CS10": 8.5}
    response = client.post(
        f"/api/v1/criteria/{version.pk}/score",
        {"answers": answers, "group": "officials"},
        content_type="application/json",
        **bearer(officer_a),
    )
    assert response.status_code == 200
    result = response.json()
    assert (result["total"], result["classification"], result["group"]) == ("89.5", "achieved", "officials")


def test_score_problems_are_422_with_field_names(client, officer_a, published):
    version = published["citizen-677-2022"]
    response = client.post(
        f"/api/v1/criteria/{version.pk}/score",
        {"answers": {"CS1": "11", "CSX": 1}, "area_class": "city", "group": "nobody"},
        content_type="application/json",
        **bearer(officer_a),
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {
        "payload.answers.CS1",
        "payload.answers.CSX",
        "payload.answers.CS2",
        "payload.area_class",
        "payload.group",
    } <= fields
    missing = client.post(
        f"/api/v1/criteria/{version.pk}/score", {}, content_type="application/json", **bearer(officer_a)
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "payload.answers"


def test_score_facts_problems_name_the_fact(client, officer_a, published):
    version = published["unit-tt24-2023"]
    answers = {i.code: True for i in version.definition.indicators}
    response = client.post(
        f"/api/v1/criteria/{version.pk}/score",
        {"answers": answers, "facts": {"members_citizen_share": "nhiều"}},
        content_type="application/json",
        **bearer(officer_a),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["payload.facts.members_citizen_share"]


def test_validate(client, officer_a):
    good = client.post(
        "/api/v1/criteria/validate", {"yaml": yaml_of()}, content_type="application/json", **bearer(officer_a)
    ).json()
    assert good["valid"] and good["code"] == "citizen-677-2022" and good["problems"] == []
    bad = client.post(
        "/api/v1/criteria/validate",
        {"yaml": yaml_of().replace("status: partial", "status: x")},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **bearer(officer_a),
    ).json()
    [problem] = bad["problems"]
    assert not bad["valid"] and problem["path"] == "status" and problem["line"] == 11
    assert problem["message"] == problem["message_en"]
    assert (
        client.post("/api/v1/criteria/validate", {}, content_type="application/json", **bearer(officer_a)).status_code
        == 422
    )


def test_another_province_gets_404_everywhere(client, province_officer_b, officer_a, own_set):
    assert client.get(f"/api/v1/criteria/{own_set.pk}", **bearer(officer_a)).status_code == 200  # read below
    for user in (province_officer_b,):
        headers = bearer(user)
        assert client.get(f"/api/v1/criteria/{own_set.pk}", **headers).status_code == 404
        assert client.get(f"/api/v1/criteria/{own_set.pk}/yaml", **headers).status_code == 404
        assert client.get(f"/api/v1/criteria/{own_set.pk}/score", **headers).status_code == 404
        answers = {i.code: "9" for i in own_set.definition.indicators}
        assert (
            client.post(
                f"/api/v1/criteria/{own_set.pk}/score", {"answers": answers}, content_type="application/json", **headers
            ).status_code
            == 404
        )


def test_anonymous_is_refused(client, published):
    assert client.get("/api/v1/criteria/").status_code == 401

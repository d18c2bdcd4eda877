import pytest

from hoctap.accounts.models import ApiToken


@pytest.fixture
def api_a(client, officer_a):
    _, token = ApiToken.issue(officer_a, "test")
    return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_token_required(client, small_map):
    assert client.get("/api/v1/units/").status_code == 401
    assert client.get("/api/v1/units/", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401


def test_units_are_scoped_and_searchable(api_a, small_map):
    body = api_a("/api/v1/units/?level=commune").json()
    assert [u["name"] for u in body["items"]] == ["Xã An Lạc"]
    assert api_a("/api/v1/units/?q=an%20lac").json()["count"] == 1


def test_unit_detail_has_lineage_and_children(client, small_map, officer_b):
    _, token = ApiToken.issue(officer_b, "t")
    body = client.get(f"/api/v1/units/{small_map['commune_b'].pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [c["name"] for c in body["children"]] == ["Thôn Đoài"]
    assert [p["name"] for p in body["predecessors"]] == ["Xã Minh Quang"]


def test_me(api_a):
    body = api_a("/api/v1/me/").json()
    assert body["username"] == "officer_a"
    assert body["assignments"][0]["role"] == "commune_officer"


def test_openapi_schema_and_docs_need_sign_in(client, officer_a):
    assert client.get("/api/v1/openapi.json").status_code == 302
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(officer_a)
    schema = client.get("/api/v1/openapi.json").json()
    # Schemas once shared a name across apps and the docs showed one app's fields for the other's.
    names = set(schema["components"]["schemas"])
    assert {
        "ReportTransitionIn",
        "TransitionIn",
        "FindingScoreIn",
        "ScoreIn",
        "NominationDecisionIn",
        "DecisionIn",
        "NominationDecisionOut",
        "DecisionOut",
    } <= names
    transition = schema["paths"]["/api/v1/reports/{report_id}/transitions"]["post"]
    assert transition["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/ReportTransitionIn")
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page


def test_only_the_token_digest_is_stored(officer_a):
    api_token, token = ApiToken.issue(officer_a, "x")
    assert token not in (api_token.digest, api_token.prefix) and len(api_token.digest) == 64

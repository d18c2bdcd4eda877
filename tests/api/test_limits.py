"""Every number a request carries is range-checked (issue 16 §2): page sizes, offsets, ids, years,
number filters; an invalid honours stage, "²" in a name, multipart without a boundary, a malformed
certificate code. Each answers 4xx (or an ordinary page), never 5xx. One regression test per cause
the outside probe found."""

import time

import pytest
from django.urls import reverse

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.core.limits import FIRST_YEAR, LAST_YEAR, MAX_PAGE_SIZE, ascii_int, parse_year
from hoctap.core.text import sort_key
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

HUGE = 10**20  # beyond any 64-bit integer column
INT64 = 2**63  # one past BigAutoField's largest id

PAGED_GETS = [
    "/api/v1/units/",
    "/api/v1/criteria/",
    "/api/v1/registry/households",
    "/api/v1/registry/people",
    "/api/v1/registry/clans",
    "/api/v1/registry/organisations",
    "/api/v1/campaigns/",
    "/api/v1/assessments/",
    "/api/v1/decisions/",
    "/api/v1/reports/",
    "/api/v1/exports/",
    "/api/v1/inspections/",
    "/api/v1/awards/self-reports",
    "/api/v1/awards/nominations",
    "/api/v1/awards/records",
]
PAGED_POSTS = ["/api/v1/registry/households/search", "/api/v1/registry/people/search"]
YEAR_FILTERS = [
    "/api/v1/campaigns/",
    "/api/v1/assessments/",
    "/api/v1/decisions/",
    "/api/v1/reports/",
    "/api/v1/inspections/",
    "/api/v1/awards/self-reports",
    "/api/v1/stats/targets",
]


@pytest.fixture
def api(client, province_officer):
    _, token = ApiToken.issue(province_officer, "limits")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    class Api:
        def get(self, url, **params):
            return client.get(url, params, **headers)

        def post(self, url, data=None, **extra):
            return client.post(url, data or {}, content_type="application/json", **{**headers, **extra})

    return Api()


def errors_of(response):
    return {error["field"].removeprefix("payload.") for error in response.json().get("errors", [])}


def test_page_size_and_offset_are_bounded_on_every_list(api):
    for url in PAGED_GETS:
        assert api.get(url, limit=HUGE).status_code == 422, url
        assert "limit" in errors_of(api.get(url, limit=MAX_PAGE_SIZE + 1)), url
        assert api.get(url, offset=HUGE).status_code == 422, url
        assert api.get(url, limit=0).status_code == 422, url
        assert api.get(url, limit=MAX_PAGE_SIZE, offset=10**9).status_code == 200, url
    for url in PAGED_POSTS:
        assert api.post(f"{url}?limit={HUGE}", {"q": ""}).status_code == 422, url
        assert api.post(f"{url}?offset={HUGE}", {"q": ""}).status_code == 422, url
        assert api.post(f"{url}?limit={MAX_PAGE_SIZE}", {"q": ""}).status_code == 200, url


def test_a_list_without_limit_pages_by_fifty(api, small_map):
    body = api.get("/api/v1/units/", era="legacy").json()
    assert body["count"] == 3 and len(body["items"]) == 3
    assert len(api.get("/api/v1/units/", era="legacy", limit=1).json()["items"]) == 1


@pytest.mark.parametrize("value", [HUGE, INT64, -1, 0])
def test_id_filters_and_path_ids_out_of_range_are_4xx(api, value):
    assert api.get("/api/v1/criteria/", province_id=value).status_code == 422
    assert api.get("/api/v1/units/", parent_id=value).status_code == 422
    assert api.get("/api/v1/assessments/", campaign_id=value).status_code == 422
    for url in (
        f"/api/v1/units/{value}",
        f"/api/v1/registry/people/{value}",
        f"/api/v1/criteria/{value}/yaml",
        f"/api/v1/stats/units/{value}",
        f"/api/v1/exports/{value}/download",
    ):
        assert api.get(url).status_code in (404, 422), url


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, LAST_YEAR + 1, 60000, INT64, HUGE, -2025])
def test_years_out_of_range_are_422(api, small_map, year):
    for url in YEAR_FILTERS:
        assert "year" in errors_of(api.get(url, year=year)), url
    commune = small_map["commune_a"].pk
    assert api.get(f"/api/v1/registry/denominators/{commune}/{year}").status_code in (404, 422)
    assert api.get("/api/v1/reports/board", report_type="x", year=year, unit_id=commune).status_code == 422
    assert "year" in errors_of(api.post("/api/v1/exports/", {"kind": "households", "unit_id": commune, "year": year}))
    assert "year" in errors_of(api.post("/api/v1/reports/", {"report_type": "x", "unit_id": commune, "year": year}))


def test_stats_for_a_far_year_are_refused_at_once(client, small_map):
    """The probe: /api/v1/stats/units?year=60000 took 10 s of a citizen's request."""
    citizen = make_user("citizen", Role.CITIZEN, small_map["commune_a"])
    _, token = ApiToken.issue(citizen, "t")
    started = time.monotonic()
    response = client.get(
        f"/api/v1/stats/units/{small_map['province'].pk}", {"year": 60000}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 422 and "year" in errors_of(response)
    assert time.monotonic() - started < 2
    ok = client.get(
        f"/api/v1/stats/units/{small_map['province'].pk}", {"year": LAST_YEAR}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert ok.status_code == 200 and ok.json()["year"] == LAST_YEAR


def test_payload_numbers_are_bounded(api, small_map):
    body = {
        "name": "Kiểm tra",
        "province_id": small_map["province"].pk,
        "year": 2025,
        "commune_ids": [HUGE],
        "seed": HUGE,
        "sample_size": HUGE,
    }
    assert errors_of(api.post("/api/v1/inspections/", body)) >= {"commune_ids.0", "seed", "sample_size"}
    person = {"full_name": "Nguyễn Văn A", "sex": "male", "birth_year": HUGE, "unit": HUGE}
    assert errors_of(api.post("/api/v1/registry/people", person)) >= {"birth_year", "unit"}


def test_an_unknown_honours_stage_is_422(api, small_map):
    for url in ("/api/v1/awards/honours", "/api/v1/awards/honours.xlsx"):
        response = api.get(url, occasion="x", stage="galaxy", unit_id=small_map["province"].pk)
        assert response.status_code == 422 and "stage" in errors_of(response), url


def test_superscript_digits_in_names_sort_and_sign_up(client, small_map):
    assert sort_key("Lê Văn²") == sort_key("Lê Văn")  # "²" is not a digit of the alphabet; it is skipped
    assert sort_key("Tổ 2") != sort_key("Tổ")
    response = client.post(
        reverse("signup"),
        {
            "full_name": "Nguyễn Văn ²",
            "birth_year": "1990",
            "sex": "male",
            "province": small_map["province"].pk,
            "commune": small_map["commune_a"].pk,
            "occupation_group": "farmers",
            "username": "nguyenvan2",
            "password": "correct-horse-battery-9",
            "notice_version": "1",
            "consent": "on",
        },
    )
    assert response.status_code in (200, 302)
    # Anonymous visitors choosing a province "²" (the probe's 500 at /signup/): the form just asks again.
    for province in ("²", "١", "99999999999999999999999"):
        again = client.post(reverse("signup"), {"province": province, "step": "province"})
        assert again.status_code == 200 and again.context["form"]["commune"].field.queryset.count() == 0
    # A year typed as "²⁰²⁵" is no year at all, whatever str.isdigit() thinks.
    assert parse_year("²⁰²⁵") is None and parse_year("2025") == 2025 and ascii_int("٣") is None


def test_superscript_digits_through_the_api(api, small_map):
    response = api.post(
        "/api/v1/registry/people",
        {"full_name": "Trần ² Bình", "sex": "male", "birth_year": 1980, "unit": small_map["village_a"].pk},
    )
    assert response.status_code < 500


def test_multipart_without_boundary_is_400(api, client, officer_a):
    response = api.post("/api/v1/assessments/1/evidence", "x", CONTENT_TYPE="multipart/form-data")
    assert response.status_code == 400
    client.force_login(officer_a)
    page = client.post(reverse("registry:household_create"), "x", content_type="multipart/form-data")
    assert page.status_code == 400


def test_declared_totals_for_a_year_past_64_bits_is_404(client, officer_a, small_map):
    client.force_login(officer_a)
    url = reverse("registry:totals_edit", args=[small_map["commune_a"].pk, INT64])
    assert client.get(url).status_code == 404
    assert client.get(reverse("registry:totals_list"), {"year": "²⁰²⁵"}).status_code == 200


@pytest.mark.parametrize("code", ["a/b", "../../etc", "²", "ＡＢＣ", "x" * 500, "%2F"])
def test_malformed_certificate_codes_are_not_genuine(client, api, code):
    page = client.get("/verify/", {"code": code})
    assert page.status_code == 404 and page.context["result"].status == "invalid"
    assert api.get(f"/api/v1/verify/{code}").status_code in (200, 404)

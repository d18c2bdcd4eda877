"""/api/v1/learning/ through the scope and the services' rules: the commune officer records, a
refused field is a 422 naming it, the province reads figures with coverage and cannot write."""

import datetime
import json

import pytest
from django.utils import timezone

from hoctap.accounts.models import ApiToken
from hoctap.learning.models import CentreClass, LiteracyDeclaration

pytestmark = pytest.mark.django_db
LAST = timezone.localdate().year - 1


def _api(client, user):
    _, token = ApiToken.issue(user, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(method, url, body=None):
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(
            url, data=json.dumps(body, default=str), content_type="application/json", **headers
        )

    return call


def test_commune_officer_records_and_province_reads(client, small_map, officer_a, province_officer):
    api = _api(client, officer_a)
    a = small_map["commune_a"].pk
    body = {
        "commune_id": a,
        "topic": "health",
        "name": "Phòng chống sốt xuất huyết",
        "started_on": datetime.date(LAST, 6, 3),
        "sessions": 1,
        "participants": 60,
        "held_by": "Trạm Y tế xã",
    }
    created = api("post", "/api/v1/learning/classes", body)
    assert created.status_code == 201, created.content
    bad = api("post", "/api/v1/learning/classes", {**body, "topic": "magic", "held_by": ""})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"topic", "held_by"}
    updated = api("put", f"/api/v1/learning/classes/{created.json()['id']}", {**body, "participants": 65})
    assert updated.json()["participants"] == 65 and CentreClass.objects.get().participants == 65
    assert (
        api(
            "post",
            "/api/v1/learning/week",
            {"commune_id": a, "date": datetime.date(LAST, 10, 2), "activity": "Ngày hội đọc sách", "participants": 200},
        ).status_code
        == 201
    )
    declaration = {
        "commune_id": a,
        "year": LAST,
        "population_15_35": 800,
        "literate_15_35": 792,
        "population_15_60": 1900,
        "literate2_15_60": 1700,
        "literacy_level": 2,
        "primary_level": 3,
        "lower_secondary_level": 2,
        "preschool": True,
        "declared_by": "Phó Chủ tịch UBND xã",
        "document": "Báo cáo PCGD-XMC",
        "document_number": "12/BC-UBND",
        "document_date": datetime.date(LAST, 11, 20),
    }
    refused = api("put", "/api/v1/learning/declarations", {**declaration, "literate_15_35": 900})
    assert refused.status_code == 422 and "literate_15_35" in refused.json()["errors"]
    assert api("put", "/api/v1/learning/declarations", declaration).status_code == 200
    assert LiteracyDeclaration.objects.get().literate_15_35 == 792

    reader = _api(client, province_officer)
    figures = reader("get", f"/api/v1/learning/units/{small_map['province'].pk}?year={LAST}").json()
    totals = figures["totals"]
    assert (totals["classes"], totals["participants"], totals["week_participants"]) == (1, 65, 200)
    assert totals["by_topic"]["health"] == {"classes": 1, "participants": 65}
    assert totals["literate_15_35_share"] == {
        "numerator": 792,
        "denominator": 800,
        "rate": 99.0,
        "covered": 1,
        "expected": 2,
    }
    assert (
        totals["literacy_level_2_communes"]["numerator"] == 1
        and totals["literacy_level_2_communes"]["denominator"] == 2
    )
    lines = {child["code"]: child["totals"] for child in figures["children"]}
    assert lines["12002"]["literate_15_35_share"]["rate"] is None
    assert reader("post", "/api/v1/learning/classes", body).status_code == 404
    assert reader("put", "/api/v1/learning/declarations", declaration).status_code == 404
    assert len(reader("get", f"/api/v1/learning/classes?year={LAST}").json()["items"]) == 1


def test_another_communes_records_are_404(client, small_map, officer_a, officer_b):
    record = CentreClass.objects.create(
        commune=small_map["commune_b"],
        topic="law",
        name="Lớp B",
        started_on=datetime.date(LAST, 1, 5),
        participants=5,
        held_by="X",
    )
    api = _api(client, officer_a)
    assert api("get", f"/api/v1/learning/classes/{record.pk}").status_code == 404
    assert api("get", f"/api/v1/learning/units/{small_map['commune_b'].pk}").status_code == 404
    body = {
        "commune_id": small_map["commune_b"].pk,
        "topic": "law",
        "name": "Lớp B",
        "started_on": datetime.date(LAST, 1, 5),
        "participants": 5,
        "held_by": "X",
    }
    assert api("post", "/api/v1/learning/classes", body).status_code == 404
    assert api("get", "/api/v1/learning/classes").json()["items"] == []

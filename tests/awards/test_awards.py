import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from openpyxl import load_workbook

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import OutOfScope, Scope
from hoctap.awards import emulation, services
from hoctap.awards.exports import honour_list_xlsx
from hoctap.awards.models import NominationStatus, Stage
from hoctap.reports.xlsx import MOTTO_LINE, MOTTO_NATION

pytestmark = pytest.mark.django_db


def test_the_shipped_programme_has_the_son_la_levels_and_the_congress_years():
    programme = emulation.programme()
    assert [b.code for b in programme.bodies] == [
        "province_association",
        "department",
        "commune_association",
        "family_clan",
        "enterprise",
        "individual",
    ]
    assert all(b.criteria for b in programme.bodies)
    assert {o.year for o in programme.occasions if o.kind == "congress"} == {2023, 2025, 2028, 2030}
    assert {o.kind for o in programme.occasions} == {"congress", "five_year_review", "ten_year_review"}


def test_self_report_checks_criteria_and_level_then_submits(officer_a, small_map):
    scope = Scope(officer_a)
    commune = small_map["commune_a"]
    with pytest.raises(ValidationError) as error:
        services.save_self_report(
            scope, year=2025, body="province_association", body_name="Hội", unit=commune, answers={}
        )
    assert "unit_id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.save_self_report(
            scope,
            year=2025,
            body="commune_association",
            body_name="Hội Khuyến học xã An Lạc",
            unit=commune,
            answers={"P1": {"met": True}},
        )
    assert "answers" in error.value.message_dict
    report = services.save_self_report(
        scope,
        year=2025,
        body="commune_association",
        body_name="Hội Khuyến học xã An Lạc",
        unit=commune,
        answers={"C1": {"met": True, "note": "Nghị quyết 12"}},
    )
    with pytest.raises(ValidationError) as error:
        services.submit_self_report(scope, report, actor=officer_a)
    assert "C2" in str(error.value)
    report = services.save_self_report(
        scope,
        year=2025,
        body="commune_association",
        body_name=report.body_name,
        unit=commune,
        report=report,
        answers={code: {"met": code != "C4"} for code in ("C1", "C2", "C3", "C4")},
    )
    report = services.submit_self_report(scope, report, actor=officer_a)
    assert report.state == "submitted" and report.met_count == 3
    with pytest.raises(ValidationError):
        services.save_self_report(
            scope,
            year=2025,
            body="commune_association",
            body_name=report.body_name,
            unit=commune,
            answers={},
            report=report,
        )


def test_self_report_outside_the_territory_is_refused(officer_a, small_map):
    with pytest.raises(OutOfScope):
        services.save_self_report(
            Scope(officer_a),
            year=2025,
            body="commune_association",
            body_name="Hội xã Bình Minh",
            unit=small_map["commune_b"],
            answers={},
        )


def _nominate(officer, unit, name="Gia đình ông Nguyễn Văn An"):
    return services.create_nomination(
        Scope(officer),
        occasion="congress-2025",
        nominee_kind="family",
        nominee_name=name,
        unit=unit,
        achievements="Ba thế hệ cùng học; hai con đỗ đại học.",
        actor=officer,
    )


def test_a_nomination_moves_up_level_by_level(officer_a, province_officer, central_admin, small_map):
    nomination = _nominate(officer_a, small_map["village_a"])
    assert (nomination.stage, nomination.status) == (Stage.COMMUNE, NominationStatus.DRAFT)
    # Only the level holding it decides: the province cannot act before the commune proposes.
    with pytest.raises(Http404):
        services.transition(Scope(province_officer), nomination, "honour", actor=province_officer)
    nomination = services.transition(Scope(officer_a), nomination, "honour", actor=officer_a)
    nomination = services.transition(Scope(officer_a), nomination, "propose", actor=officer_a)
    assert (nomination.stage, nomination.status) == (Stage.PROVINCE, NominationStatus.PENDING)
    with pytest.raises(Http404):
        services.transition(Scope(officer_a), nomination, "honour", actor=officer_a)
    with pytest.raises(ValidationError) as error:
        services.transition(Scope(province_officer), nomination, "decline", actor=province_officer)
    assert "reason" in error.value.message_dict
    nomination = services.transition(Scope(province_officer), nomination, "honour", actor=province_officer)
    nomination = services.transition(Scope(province_officer), nomination, "propose", actor=province_officer)
    assert nomination.stage == Stage.CENTRAL
    nomination = services.transition(Scope(central_admin), nomination, "honour", actor=central_admin)
    assert nomination.status == NominationStatus.HONOURED
    assert services.available_actions(Scope(central_admin), nomination) == []
    for stage, unit in ((Stage.COMMUNE, "commune_a"), (Stage.PROVINCE, "province"), (Stage.CENTRAL, "nation")):
        listed = services.honour_list(Scope(central_admin), "congress-2025", stage, small_map[unit])
        assert list(listed) == [nomination]
    assert not services.honour_list(
        Scope(central_admin), "congress-2030", Stage.PROVINCE, small_map["province"]
    ).exists()


def test_declined_nomination_is_not_on_the_honour_list(officer_a, province_officer, small_map):
    nomination = _nominate(officer_a, small_map["commune_a"])
    services.transition(Scope(officer_a), nomination, "propose", actor=officer_a)
    nomination = services.transition(
        Scope(province_officer), nomination, "decline", actor=province_officer, reason="Chưa đủ tiêu chuẩn"
    )
    assert nomination.status == NominationStatus.DECLINED
    assert not services.honour_list(
        Scope(province_officer), "congress-2025", Stage.PROVINCE, small_map["province"]
    ).exists()


def test_honour_lists_are_scoped(officer_a, officer_b, province_officer, small_map):
    a = _nominate(officer_a, small_map["commune_a"], "Dòng họ Trần")
    b = _nominate(officer_b, small_map["commune_b"], "Dòng họ Lê")
    for officer, nomination in ((officer_a, a), (officer_b, b)):
        services.transition(Scope(officer), nomination, "honour", actor=officer)
    assert list(services.honour_list(Scope(officer_a), "congress-2025", Stage.COMMUNE, small_map["province"])) == [a]
    assert set(
        services.honour_list(Scope(province_officer), "congress-2025", Stage.COMMUNE, small_map["province"])
    ) == {a, b}


def test_award_records_are_validated(officer_a, small_map):
    scope = Scope(officer_a)
    fields = dict(
        kind="giay_khen",
        issuer="Chủ tịch Hội Khuyến học tỉnh Hưng Yên",
        decision_number="15/QĐ-HKH",
        decision_date=datetime.date(2025, 11, 20),
        recipient_name="Gia đình bà Lê Thị Hoa",
        recipient_kind="family",
        unit=small_map["commune_a"],
        actor=officer_a,
        today=datetime.date(2025, 12, 1),
    )
    award = services.record_award(scope, **fields)
    assert award.get_kind_display() == "Giấy khen"
    with pytest.raises(ValidationError) as error:
        services.record_award(scope, **fields)
    assert "decision_number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_award(scope, **{**fields, "decision_date": datetime.date(2026, 1, 1), "kind": "huan_chuong"})
    assert {"decision_date", "kind"} <= set(error.value.message_dict)


def test_honour_list_xlsx_has_the_administrative_header(officer_a, small_map):
    nomination = _nominate(officer_a, small_map["commune_a"], "Gia đình ông Đỗ Văn Đức")
    services.transition(Scope(officer_a), nomination, "honour", actor=officer_a)
    content = honour_list_xlsx(
        services.honour_list(Scope(officer_a), "congress-2025", Stage.COMMUNE, small_map["commune_a"]),
        occasion_code="congress-2025",
        stage=Stage.COMMUNE,
        unit=small_map["commune_a"],
    )
    sheet = load_workbook(io.BytesIO(content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert MOTTO_NATION in values and MOTTO_LINE in values
    assert "HỘI KHUYẾN HỌC XÃ AN LẠC" in values
    assert "Gia đình ông Đỗ Văn Đức" in values


def test_api_nominations_and_field_errors(client, officer_a, small_map):
    _, token = ApiToken.issue(officer_a, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    payload = {
        "occasion": "congress-2025",
        "nominee_kind": "citizen",
        "nominee_name": "Phạm Thị Thu",
        "unit_id": small_map["commune_a"].pk,
        "achievements": "Tự học tiếng Anh, dạy lại cho thôn.",
    }
    created = client.post("/api/v1/awards/nominations", json.dumps(payload), content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    nomination_id = created.json()["id"]
    decided = client.post(
        f"/api/v1/awards/nominations/{nomination_id}/decisions",
        json.dumps({"action": "honour"}),
        content_type="application/json",
        **auth,
    )
    assert decided.json()["status"] == "honoured"
    bad = client.post(
        "/api/v1/awards/nominations",
        json.dumps({**payload, "occasion": "congress-1999", "nominee_name": ""}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    assert {"occasion", "nominee_name"} <= set(bad.json()["errors"])
    missing = client.post(
        "/api/v1/awards/nominations", json.dumps({"occasion": "congress-2025"}), content_type="application/json", **auth
    )
    assert missing.status_code == 422
    assert "payload.nominee_name" in {e["field"] for e in missing.json()["errors"]}
    honours = client.get(
        f"/api/v1/awards/honours?occasion=congress-2025&stage=commune&unit_id={small_map['commune_a'].pk}", **auth
    )
    assert [n["nominee_name"] for n in honours.json()] == ["Phạm Thị Thu"]
    xlsx = client.get(
        f"/api/v1/awards/honours.xlsx?occasion=congress-2025&stage=commune&unit_id={small_map['commune_a'].pk}", **auth
    )
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")

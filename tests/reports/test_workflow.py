import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.reports import services
from hoctap.reports.models import Report, ReportEvent, ReportState
from tests.reports import builders

pytestmark = pytest.mark.django_db


def _draft(officer, annual, unit, results="Tuyên truyền sâu rộng; 2 công dân học tập được công nhận."):
    report = services.start_report(Scope(officer), annual, 2025, unit, actor=officer)
    return services.update_narrative(
        Scope(officer),
        report,
        {
            "results": results,
            "difficulties": "Thiếu kinh phí.",
            "proposals": "Tập huấn phần mềm.",
            "signer_name": "Nông Văn Dền",
        },
    )


def test_draft_submit_accept(annual, small_map, officer_a, province_officer):
    report = _draft(officer_a, annual, small_map["commune_a"])
    assert report.state == ReportState.DRAFT and report.due_date == datetime.date(2025, 12, 1)
    # The province reads the commune's report but does not write or send it on the commune's behalf.
    with pytest.raises(Http404):
        services.submit(Scope(province_officer), report, actor=province_officer)
    # The commune cannot accept its own report: that is the level above's decision.
    report = services.submit(Scope(officer_a), report, actor=officer_a)
    assert report.state == ReportState.SUBMITTED and report.snapshot is not None
    with pytest.raises(Http404):
        services.accept(Scope(officer_a), report, actor=officer_a)
    with pytest.raises(ValidationError) as error:
        services.update_narrative(Scope(officer_a), report, {"results": "sửa sau khi gửi"})
    assert "state" in error.value.message_dict
    report = services.accept(Scope(province_officer), report, actor=province_officer)
    assert report.state == ReportState.ACCEPTED and report.decided_by == province_officer
    with pytest.raises(ValidationError):
        services.return_report(Scope(province_officer), report, actor=province_officer, reason="muộn")
    assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) == ["submit", "accept"]


def test_return_with_reason_then_resubmit(annual, small_map, officer_a, province_officer):
    report = services.submit(Scope(officer_a), _draft(officer_a, annual, small_map["commune_a"]), actor=officer_a)
    first = report.first_submitted_at
    with pytest.raises(ValidationError) as error:
        services.return_report(Scope(province_officer), report, actor=province_officer, reason="  ")
    assert "reason" in error.value.message_dict
    report = services.return_report(
        Scope(province_officer), report, actor=province_officer, reason="Thiếu số liệu thôn Đông."
    )
    assert report.state == ReportState.RETURNED and report.return_reason == "Thiếu số liệu thôn Đông."
    report = services.update_narrative(Scope(officer_a), report, {"results": "Đã bổ sung số liệu thôn Đông."})
    report = services.submit(Scope(officer_a), report, actor=officer_a)
    assert report.state == ReportState.SUBMITTED and report.return_reason == ""
    assert report.first_submitted_at == first and report.submitted_at > first


def test_submit_needs_the_results_section(annual, small_map, officer_a):
    report = _draft(officer_a, annual, small_map["commune_a"], results="")
    with pytest.raises(ValidationError) as error:
        services.submit(Scope(officer_a), report, actor=officer_a)
    assert "results" in error.value.message_dict


def test_a_stale_edit_is_refused(annual, small_map, officer_a):
    report = _draft(officer_a, annual, small_map["commune_a"])
    services.update_narrative(Scope(officer_a), report, {"results": "bản 1"}, version=report.version)
    with pytest.raises(ValidationError) as error:
        services.update_narrative(Scope(officer_a), report, {"results": "bản cũ"}, version=report.version)
    assert "version" in error.value.message_dict


def test_a_report_type_the_province_does_not_ask_for_cannot_be_started(annual, small_map, officer_a):
    from hoctap.reports.models import ReportType

    with pytest.raises(ValidationError) as error:
        services.start_report(
            Scope(officer_a), ReportType.objects.get(code="mid_year"), 2025, small_map["commune_a"], actor=officer_a
        )
    assert "report_type" in error.value.message_dict
    with pytest.raises(Http404):
        services.start_report(Scope(officer_a), annual, 2025, small_map["commune_b"], actor=officer_a)


def test_submitted_figures_are_frozen_and_differences_shown(annual, small_map, officer_a):
    builders.recognised_citizens(officer_a, small_map["village_a"], 2)
    report = services.submit(Scope(officer_a), _draft(officer_a, annual, small_map["commune_a"]), actor=officer_a)
    frozen = report.snapshot["table"]
    village_row = next(row for row in frozen["rows"] if row["unit_id"] == small_map["village_a"].pk)
    assert village_row["cells"]["citizen"]["recognised"] == 2
    assert frozen["total"]["cells"]["citizen"]["recognised"] == 2
    assert services.differences(report) == []
    # Tallies move on after the report was sent: the report keeps what it sent.
    builders.recognised_citizens(officer_a, small_map["village_a"], 1)
    report = Report.objects.get(pk=report.pk)
    assert services.current_table(report) == frozen
    changes = {(d["unit_id"], d["title"], d["metric"]): d for d in services.differences(report)}
    village = changes[(small_map["village_a"].pk, "citizen", "recognised")]
    assert (village["frozen"], village["live"], village["delta"]) == (2, 3, 1)
    assert changes[(None, "citizen", "recognised")]["delta"] == 1
    assert changes[(None, "citizen", "registered")]["live"] == 3


def test_figures_are_frozen_in_the_official_language_whatever_the_screen(annual, small_map, officer_a):
    """Sent from an English screen, the record keeps Vietnamese labels (sections.snapshot runs in the
    official language): the level above reads the report as it was sent."""
    builders.recognised_citizens(officer_a, small_map["village_a"], 1)
    draft = _draft(officer_a, annual, small_map["commune_a"])
    with translation.override("en"):
        report = services.submit(Scope(officer_a), draft, actor=officer_a)
    labels = {title["code"]: title["label"] for title in report.snapshot["table"]["titles"]}
    assert labels["citizen"] == "Công dân học tập"
    assert "Learning" not in json.dumps(report.snapshot, ensure_ascii=False)


def test_the_table_carries_the_targets_that_apply(annual, small_map, officer_a):
    from hoctap.reports import figures
    from hoctap.stats.models import Target

    Target.objects.create(indicator="citizen", year=2025, unit=None, value=40, source="677/QĐ-TTg")
    Target.objects.create(indicator="citizen", year=2025, unit=small_map["province"], value="45.5", source="Tỉnh")
    Target.objects.create(indicator="family", year=2025, unit=small_map["commune_a"], value=72, source="Xã")
    table = figures.table(small_map["province"], 2025)
    rows = {row["unit_id"]: row["cells"] for row in table["rows"]}
    assert rows[small_map["commune_a"].pk]["family"]["target"] == "72.0"
    assert rows[small_map["commune_b"].pk]["citizen"]["target"] == "45.5"  # inherited from the province
    assert table["total"]["cells"]["citizen"]["target"] == "45.5"
    assert figures.table(small_map["nation"], 2025)["total"]["cells"]["citizen"]["target"] == "40.0"


def test_province_report_names_the_communes_outstanding(
    annual, small_map, officer_a, officer_b, province_officer, central_admin
):
    accepted = services.submit(Scope(officer_a), _draft(officer_a, annual, small_map["commune_a"]), actor=officer_a)
    services.accept(Scope(province_officer), accepted, actor=province_officer)
    _draft(officer_b, annual, small_map["commune_b"])  # commune B is still drafting
    report = _draft(province_officer, annual, small_map["province"])
    assert [(o.unit, o.state) for o in services.outstanding_children(report)] == [(small_map["commune_b"], "draft")]
    with pytest.raises(ValidationError) as error:
        services.submit(Scope(province_officer), report, actor=province_officer)
    assert "Xã Bình Minh" in error.value.message_dict["outstanding_note"][0]
    with pytest.raises(ValidationError):
        services.submit(
            Scope(province_officer), report, actor=province_officer, outstanding_note="Một xã chưa gửi báo cáo."
        )
    report = services.submit(
        Scope(province_officer),
        report,
        actor=province_officer,
        outstanding_note="Xã Bình Minh chưa gửi báo cáo do thay đổi cán bộ.",
    )
    assert report.snapshot["outstanding"] == [
        {"unit_id": small_map["commune_b"].pk, "name": "Xã Bình Minh", "state": "draft", "label": "Đang soạn"}
    ]
    assert [row["unit_id"] for row in report.snapshot["table"]["rows"]] == [
        small_map["commune_a"].pk,
        small_map["commune_b"].pk,
    ]
    # The province report goes to the centre.
    with pytest.raises(Http404):
        services.accept(Scope(province_officer), report, actor=province_officer)
    assert services.accept(Scope(central_admin), report, actor=central_admin).state == ReportState.ACCEPTED


def test_province_report_with_every_commune_accepted_needs_no_note(
    annual, small_map, officer_a, officer_b, province_officer
):
    for officer, unit in ((officer_a, "commune_a"), (officer_b, "commune_b")):
        report = services.submit(Scope(officer), _draft(officer, annual, small_map[unit]), actor=officer)
        services.accept(Scope(province_officer), report, actor=province_officer)
    report = services.submit(
        Scope(province_officer), _draft(province_officer, annual, small_map["province"]), actor=province_officer
    )
    assert report.snapshot["outstanding"] == []


def test_pages_and_transitions(client, annual, small_map, officer_a, province_officer):
    client.force_login(officer_a)
    assert client.get("/reports/").status_code == 200
    response = client.post(
        "/reports/start/", {"report_type": "annual", "year": 2025, "unit": small_map["commune_a"].pk}
    )
    report = Report.objects.get(unit=small_map["commune_a"])
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200 and "Gửi báo cáo lên cấp trên" in page.content.decode()
    paper = {
        "number": "",
        "place": "An Lạc",
        "dated": "",
        "signer_title": "Chủ tịch",
        "signer_name": "Nông Văn Dền",
        "recipients": report.recipients,
    }
    saved = client.post(
        f"/reports/{report.pk}/",
        {
            "results": "Kết quả tốt.",
            "difficulties": "",
            "proposals": "",
            "outstanding_note": "",
            "version": report.version,
            **paper,
        },
    )
    assert saved.status_code == 302
    report.refresh_from_db()
    # The submit button sits in the narrative form: what was typed is saved, then sent.
    response = client.post(
        f"/reports/{report.pk}/transition/",
        {
            "action": "submit",
            "version": report.version,
            "results": "Kết quả tốt, đã bổ sung.",
            "difficulties": "",
            "proposals": "Tập huấn.",
            "outstanding_note": "",
            **paper,
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.results == "Kết quả tốt, đã bổ sung."
    client.force_login(province_officer)
    board = client.get(f"/reports/?report_type=annual&year=2025&unit={small_map['province'].pk}")
    assert "Xã An Lạc" in board.content.decode() and "Xã Bình Minh" in board.content.decode()
    refused = client.post(f"/reports/{report.pk}/transition/", {"action": "return", "reason": ""})
    assert refused.status_code == 422
    client.post(f"/reports/{report.pk}/transition/", {"action": "return", "reason": "Bổ sung biểu."})
    assert Report.objects.get(pk=report.pk).state == ReportState.RETURNED
    assert client.get(f"/reports/{report.pk}/differences/").status_code == 200


def test_api_transitions_and_field_errors(client, annual, small_map, officer_a, province_officer):
    tokens = {user.username: ApiToken.issue(user, "t")[1] for user in (officer_a, province_officer)}

    def call(user, method, url, payload=None):
        return getattr(client, method)(
            url,
            json.dumps(payload) if payload is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[user.username]}",
        )

    created = call(
        officer_a,
        "post",
        "/api/v1/reports/",
        {"report_type": "annual", "year": 2025, "unit_id": small_map["commune_a"].pk},
    )
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    assert created.json()["due_date"] == "2025-12-01" and not created.json()["frozen"]
    empty = call(officer_a, "post", f"/api/v1/reports/{report_id}/transitions", {"action": "submit"})
    assert empty.status_code == 422 and "results" in empty.json()["errors"]
    bad = call(officer_a, "post", f"/api/v1/reports/{report_id}/transitions", {"action": "publish"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "payload.action"
    call(officer_a, "patch", f"/api/v1/reports/{report_id}", {"results": "Đạt kế hoạch."})
    unsigned = call(officer_a, "post", f"/api/v1/reports/{report_id}/transitions", {"action": "submit"})
    assert unsigned.status_code == 422 and "signer_name" in unsigned.json()["errors"]
    call(officer_a, "patch", f"/api/v1/reports/{report_id}", {"signer_name": "Nông Văn Dền"})
    sent = call(officer_a, "post", f"/api/v1/reports/{report_id}/transitions", {"action": "submit"})
    assert sent.status_code == 200 and sent.json()["state"] == "submitted" and sent.json()["frozen"]
    no_reason = call(province_officer, "post", f"/api/v1/reports/{report_id}/transitions", {"action": "return"})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["errors"]
    accepted = call(province_officer, "post", f"/api/v1/reports/{report_id}/transitions", {"action": "accept"})
    assert accepted.json()["state"] == "accepted"
    board = call(
        province_officer,
        "get",
        f"/api/v1/reports/board?report_type=annual&year=2025&unit_id={small_map['province'].pk}",
    )
    statuses = {row["unit_name"]: row["status"] for row in board.json()}
    assert statuses["Xã An Lạc"] == "accepted" and statuses["Xã Bình Minh"] == "not_started"
    assert call(officer_a, "get", f"/api/v1/reports/{report_id}/differences").json() == []
    assert call(officer_a, "get", "/api/v1/reports/types").status_code == 200


@pytest.mark.parametrize(
    "typed, field",
    [({"dated": "2024-12-31"}, "dated"), ({"place": "x" * 101}, "place"), ({"number": "15/QĐ-UBND"}, "number")],
)
def test_the_page_and_the_api_refuse_the_same_input(client, annual, small_map, officer_a, typed, field):
    """What a writer may change and how it is checked is the service's rule: the page's form and the
    API's PATCH offer the same fields (`services.EDITABLE_FIELDS`) and both refuse what it refuses."""
    report = _draft(officer_a, annual, small_map["commune_a"])
    page_fields = {name: getattr(report, name) or "" for name in services.EDITABLE_FIELDS}
    client.force_login(officer_a)
    page = client.post(f"/reports/{report.pk}/", {**page_fields, "version": report.version, **typed})
    assert page.status_code == 200 and page.context["narrative_form"].errors
    token = ApiToken.issue(officer_a, "t")[1]
    api = client.patch(
        f"/api/v1/reports/{report.pk}",
        json.dumps(typed),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 422 and field in api.json()["errors"]
    assert Report.objects.get(pk=report.pk).version == report.version


def test_the_board_opened_without_a_choice_shows_what_it_shows(client, annual, small_map, officer_a):
    """The board opens on the first report type, this year and the user's unit (its title says so);
    its choices read «— Chọn —» and an empty year."""
    import re

    from django.utils import timezone

    from hoctap.reports.models import ReportType

    client.force_login(officer_a)
    page = client.get("/reports/").content.decode()
    first = ReportType.objects.first()
    assert re.search(rf'<option value="{first.code}" selected>', page)
    assert f'name="year" value="{timezone.localdate().year}"' in page
    assert re.search(rf'<option value="{small_map["commune_a"].pk}" selected>', page)

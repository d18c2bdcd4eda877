"""Every awards page and action as each role meets it: the commune and the province write and
decide, the level above honours or declines (with a reason), a reader reads and cannot write, an
officer of another commune finds nothing; the page and the API refuse the same inputs, naming the
field; and what the honour list's workbook holds."""

import io
import json
import re

import pytest
from django.contrib.messages import get_messages
from openpyxl import load_workbook

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.audit.exports import export_entries
from hoctap.awards import services
from hoctap.awards.models import Award, EmulationSelfReport, Nomination, NominationStatus, Stage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

FULL_ANSWERS = {
    "C1": {"met": True},
    "C2": {"met": True},
    "C3": {"met": False, "note": "Chưa có quỹ"},
    "C4": {"met": True},
}


def _text(response) -> str:
    """The page's text without its tags and with its white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def reader(small_map):
    """A viewer of the province (a department that works with the association): reads, never writes."""
    return make_user("reader", Role.VIEWER, small_map["province"])


@pytest.fixture
def api(client):
    """Call the awards API as a user: `api(user).get(path)` / `.post(path, body)` / `.put(path, body)`."""

    class Caller:
        def __init__(self, user):
            _, token = ApiToken.issue(user, "t")
            self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        def get(self, path):
            return client.get(f"/api/v1/awards{path}", **self.auth)

        def post(self, path, body=None):
            return client.post(
                f"/api/v1/awards{path}", json.dumps(body or {}), content_type="application/json", **self.auth
            )

        def put(self, path, body):
            return client.put(f"/api/v1/awards{path}", json.dumps(body), content_type="application/json", **self.auth)

    return Caller


def _nominate(officer, unit, name="Gia đình bà Lò Thị Xuân", occasion="congress-2025"):
    return services.create_nomination(
        Scope(officer),
        occasion=occasion,
        nominee_kind="family",
        nominee_name=name,
        unit=unit,
        achievements="Ba thế hệ cùng học chữ và học nghề.",
        actor=officer,
    )


def _self_report(officer, unit, name="Hội Khuyến học xã An Lạc", answers=None):
    return services.save_self_report(
        Scope(officer),
        year=2025,
        body="commune_association",
        body_name=name,
        unit=unit,
        answers=answers or {},
    )


def _field_errors(response) -> set[str]:
    """The fields an API refusal names, whichever of its two shapes it has."""
    errors = response.json()["errors"]
    return set(errors) if isinstance(errors, dict) else {e["field"].removeprefix("payload.") for e in errors}


# -- a reader ---------------------------------------------------------------------------------------


def test_a_reader_reads_the_awards_but_is_offered_no_writing(client, reader, officer_a, small_map):
    nomination = _nominate(officer_a, small_map["village_a"])
    report = _self_report(officer_a, small_map["commune_a"])
    client.force_login(reader)
    index = client.get("/awards/")
    assert "Gia đình bà Lò Thị Xuân" in _text(index) and "Hội Khuyến học xã An Lạc" in _text(index)
    for url in ("/awards/nominations/new/", "/awards/emulation/new/", "/awards/records/new/"):
        assert f'href="{url}"' not in index.content.decode()
    page = client.get(f"/awards/nominations/{nomination.pk}/")
    assert "Gia đình bà Lò Thị Xuân" in _text(page)
    assert 'name="action"' not in page.content.decode()  # no decision forms
    assert "/awards/records/new/" not in page.content.decode()  # nor a link to a page that would be a 404
    sheet = client.get(f"/awards/emulation/{report.pk}/").content.decode()
    assert "Hội Khuyến học xã An Lạc" in sheet and 'name="submit"' not in sheet and "disabled" in sheet


def test_a_reader_writing_on_a_page_finds_nothing_and_nothing_changes(client, reader, officer_a, small_map):
    nomination = _nominate(officer_a, small_map["village_a"])
    report = _self_report(officer_a, small_map["commune_a"])
    client.force_login(reader)
    for url in ("/awards/nominations/new/", "/awards/emulation/new/", "/awards/records/new/"):
        assert client.get(url).status_code == 404
    posts = {
        "/awards/nominations/new/": {
            "occasion": "congress-2025",
            "nominee_kind": "family",
            "nominee_name": "Dòng họ Hà",
            "unit": small_map["village_a"].pk,
            "achievements": "Khuyến học ba đời.",
        },
        "/awards/emulation/new/": {
            "year": 2025,
            "body": "commune_association",
            "body_name": "Hội khác",
            "unit": small_map["commune_a"].pk,
        },
        f"/awards/nominations/{nomination.pk}/": {"action": "honour", "version": 1},
        f"/awards/emulation/{report.pk}/": {"met_C1": "on", "submit": "1"},
        f"/awards/records/new/?nomination={nomination.pk}": {"kind": "giay_khen"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    nomination.refresh_from_db()
    report.refresh_from_db()
    assert (nomination.status, nomination.version, Nomination.objects.count()) == (NominationStatus.DRAFT, 1, 1)
    assert (report.state, report.answers, EmulationSelfReport.objects.count()) == ("draft", {}, 1)
    assert not Award.objects.exists()


def test_a_reader_writing_through_the_api_is_refused_and_nothing_changes(api, reader, officer_a, small_map):
    nomination = _nominate(officer_a, small_map["village_a"])
    report = _self_report(officer_a, small_map["commune_a"])
    call = api(reader)
    assert call.get(f"/nominations/{nomination.pk}").json()["nominee_name"] == "Gia đình bà Lò Thị Xuân"
    assert call.get(f"/self-reports/{report.pk}").json()["body_name"] == "Hội Khuyến học xã An Lạc"
    decided = call.post(f"/nominations/{nomination.pk}/decisions", {"action": "honour", "version": 1})
    assert decided.status_code == 404
    created = call.post(
        "/nominations",
        {
            "occasion": "congress-2025",
            "nominee_kind": "family",
            "nominee_name": "Dòng họ Hà",
            "unit_id": small_map["village_a"].pk,
            "achievements": "Khuyến học ba đời.",
        },
    )
    # As on the pages, what a reader may not create is not there: a 404, not a 403 that would say
    # the unit lies outside their territory (it does not; they only read it).
    assert created.status_code == 404
    report_body = {"year": 2025, "body": "family_clan", "body_name": "Dòng họ Hà", "unit_id": small_map["commune_a"].pk}
    assert call.post("/self-reports", report_body).status_code == 404
    award = {
        "kind": "giay_khen",
        "issuer": "Chủ tịch Hội Khuyến học xã An Lạc",
        "decision_number": "07/QĐ-HKH",
        "decision_date": "2025-11-20",
        "recipient_name": "Dòng họ Hà",
        "recipient_kind": "clan",
        "unit_id": small_map["commune_a"].pk,
    }
    assert call.post("/records", award).status_code == 404
    assert not Award.objects.exists() and EmulationSelfReport.objects.count() == 1
    assert (
        call.put(
            f"/self-reports/{report.pk}",
            {
                "year": 2025,
                "body": "commune_association",
                "body_name": "Hội",
                "unit_id": small_map["commune_a"].pk,
            },
        ).status_code
        == 404
    )
    assert call.post(f"/self-reports/{report.pk}/submission").status_code == 404
    nomination.refresh_from_db()
    report.refresh_from_db()
    assert (nomination.status, Nomination.objects.count(), report.body_name) == (
        NominationStatus.DRAFT,
        1,
        "Hội Khuyến học xã An Lạc",
    )


# -- another commune --------------------------------------------------------------------------------


def test_another_communes_records_are_not_there_for_any_method_on_the_pages(client, officer_a, officer_b, small_map):
    nomination = _nominate(officer_b, small_map["village_b"], "Dòng họ Lê")
    report = _self_report(officer_b, small_map["commune_b"], "Hội Khuyến học xã Bình Minh")
    client.force_login(officer_a)
    for url in (
        f"/awards/nominations/{nomination.pk}/",
        f"/awards/emulation/{report.pk}/",
        f"/awards/records/new/?nomination={nomination.pk}",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "honour", "version": 1, "met_C1": "on"}).status_code == 404, url
    index = _text(client.get("/awards/"))
    assert "Dòng họ Lê" not in index and "Bình Minh" not in index
    nomination.refresh_from_db()
    report.refresh_from_db()
    assert (nomination.status, report.answers) == (NominationStatus.DRAFT, {})


def test_another_communes_records_are_not_there_for_any_method_in_the_api(api, officer_a, officer_b, small_map):
    nomination = _nominate(officer_b, small_map["village_b"], "Dòng họ Lê")
    report = _self_report(officer_b, small_map["commune_b"], "Hội Khuyến học xã Bình Minh")
    award = services.record_award(
        Scope(officer_b),
        kind="giay_khen",
        issuer="Chủ tịch Hội Khuyến học xã Bình Minh",
        decision_number="03/QĐ-HKH",
        decision_date=report.created_at.date(),
        recipient_name="Dòng họ Lê",
        recipient_kind="clan",
        unit=small_map["commune_b"],
        actor=officer_b,
        nomination=nomination,
    )
    call = api(officer_a)
    for path in (
        f"/nominations/{nomination.pk}",
        f"/nominations/{nomination.pk}/decisions",
        f"/self-reports/{report.pk}",
        f"/self-reports/{report.pk}/submission",
        f"/records/{award.pk}",
    ):
        assert call.get(path).status_code == 404, path
    assert call.post(f"/nominations/{nomination.pk}/decisions", {"action": "honour"}).status_code == 404
    assert call.post(f"/self-reports/{report.pk}/submission").status_code == 404
    body = {"year": 2025, "body": "commune_association", "body_name": "Hội", "unit_id": small_map["commune_a"].pk}
    assert call.put(f"/self-reports/{report.pk}", body).status_code == 404
    # Pointing a new record at the other commune, or an award at its nomination, is the same 404.
    assert call.post("/self-reports", {**body, "unit_id": small_map["commune_b"].pk}).status_code == 404
    assert (
        call.post(
            "/records",
            {
                "kind": "giay_khen",
                "issuer": "Chủ tịch Hội Khuyến học xã An Lạc",
                "decision_number": "04/QĐ-HKH",
                "decision_date": "2025-11-20",
                "recipient_name": "Dòng họ Lê",
                "recipient_kind": "clan",
                "unit_id": small_map["commune_a"].pk,
                "nomination_id": nomination.pk,
            },
        ).status_code
        == 404
    )
    for listing in ("/nominations", "/self-reports", "/records"):
        assert call.get(listing).json()["items"] == [], listing
    query = f"occasion=congress-2025&stage=commune&unit_id={small_map['commune_b'].pk}"
    assert call.get(f"/honours?{query}").status_code == 404
    assert call.get(f"/honours.xlsx?{query}").status_code == 404
    nomination.refresh_from_db()
    report.refresh_from_db()
    assert (nomination.status, report.body_name, Award.objects.count()) == (
        NominationStatus.DRAFT,
        "Hội Khuyến học xã Bình Minh",
        1,
    )


# -- moving up the levels on the pages ---------------------------------------------------------------


def test_the_province_declines_with_a_reason_which_the_commune_then_reads(
    client, officer_a, province_officer, small_map
):
    nomination = _nominate(officer_a, small_map["village_a"])
    client.force_login(officer_a)
    url = f"/awards/nominations/{nomination.pk}/"
    proposed = client.post(url, {"action": "propose", "version": 1})
    assert proposed.status_code == 302 and "Đã ghi quyết định." in _messages(proposed)
    client.force_login(province_officer)
    page = _text(client.get(url))
    assert "Cấp tỉnh" in page and "Chờ xét" in page
    assert "Biểu dương ở cấp này" in page and "Đề nghị lên cấp trên" in page and "Không chọn" in page
    # A decline without a reason is refused under the reason box; nothing moves.
    refused = client.post(url, {"action": "decline", "version": 2, "reason": "  "})
    assert refused.status_code == 200 and "Phải nêu lý do không chọn." in _text(refused)
    nomination.refresh_from_db()
    assert (nomination.status, nomination.version, nomination.decisions.count()) == ("pending", 2, 1)
    declined = client.post(url, {"action": "decline", "version": 2, "reason": "Chưa có minh chứng"})
    assert declined.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.stage, nomination.status) == (Stage.PROVINCE, NominationStatus.DECLINED)
    assert 'name="action"' not in client.get(url).content.decode()  # nothing more to decide
    client.force_login(officer_a)
    page = _text(client.get(url))
    assert "Không được chọn" in page and "Không chọn: Chưa có minh chứng (province_officer)" in page
    assert 'name="action"' not in client.get(url).content.decode()


def test_a_decision_on_a_nomination_that_has_none_left_says_to_reload(client, officer_a, province_officer, small_map):
    """Two province officers on the same page: one declines, the other honours from the old page."""
    nomination = _nominate(officer_a, small_map["village_a"])
    services.transition(Scope(officer_a), nomination, "propose", actor=officer_a)
    services.transition(Scope(province_officer), nomination, "decline", actor=province_officer, reason="Chưa đủ")
    client.force_login(province_officer)
    url = f"/awards/nominations/{nomination.pk}/"
    for stale in ({"action": "honour", "version": 2}, {"action": "honour"}):
        response = client.post(url, stale)
        assert response.status_code == 200 and "tải lại trang" in _text(response), stale
    nomination.refresh_from_db()
    assert (nomination.status, nomination.version) == (NominationStatus.DECLINED, 3)


def test_a_province_body_is_nominated_at_the_province_and_the_centre_honours_it(
    client, province_officer, central_admin, officer_a, small_map
):
    client.force_login(province_officer)
    created = client.post(
        "/awards/nominations/new/",
        {
            "occasion": "congress-2025",
            "nominee_kind": "unit",
            "nominee_name": "Sở Giáo dục và Đào tạo",
            "unit": small_map["province"].pk,
            "achievements": "Đưa học tập suốt đời vào mọi trường.",
        },
    )
    nomination = Nomination.objects.get()
    assert created.url == f"/awards/nominations/{nomination.pk}/"
    assert (nomination.stage, nomination.status) == (Stage.PROVINCE, NominationStatus.DRAFT)
    client.post(created.url, {"action": "propose", "version": 1})
    client.force_login(officer_a)  # a commune does not see the province's own nominations
    assert client.get(created.url).status_code == 404
    client.force_login(central_admin)
    page = _text(client.get(created.url))
    assert "Trung ương" in page and "Biểu dương ở cấp này" in page
    assert 'value="propose"' not in client.get(created.url).content.decode()  # nothing is above the centre
    client.post(created.url, {"action": "honour", "version": 2})
    nomination.refresh_from_db()
    assert (nomination.stage, nomination.status, nomination.version) == (Stage.CENTRAL, NominationStatus.HONOURED, 3)
    assert [(d.stage, d.action) for d in nomination.decisions.all()] == [
        (Stage.PROVINCE, "propose"),
        (Stage.CENTRAL, "honour"),
    ]


# -- the page and the API refuse alike --------------------------------------------------------------


def test_the_page_and_the_api_refuse_the_same_nomination_naming_the_field(client, api, officer_a, small_map):
    bad = {
        "occasion": "congress-1999",
        "nominee_kind": "family",
        "nominee_name": "Dòng họ Hà",
        "achievements": "",
    }
    client.force_login(officer_a)
    page = client.post("/awards/nominations/new/", {**bad, "unit": small_map["village_a"].pk})
    assert set(page.context["form"].errors) == {"occasion", "achievements"}
    response = api(officer_a).post("/nominations", {**bad, "unit_id": small_map["village_a"].pk})
    assert response.status_code == 422 and _field_errors(response) == {"occasion", "achievements"}
    # A nomination belongs to a village, a commune or a province of today's map.
    response = api(officer_a).post(
        "/nominations",
        {**bad, "occasion": "congress-2025", "achievements": "Có", "unit_id": small_map["old_commune_b"].pk},
    )
    assert response.status_code == 404
    assert not Nomination.objects.exists()


def test_the_page_and_the_api_refuse_a_self_report_at_the_wrong_level_naming_the_unit(
    client, api, officer_a, small_map
):
    bad = {"year": 2025, "body": "province_association", "body_name": "Hội Khuyến học xã An Lạc"}
    client.force_login(officer_a)
    page = client.post("/awards/emulation/new/", {**bad, "unit": small_map["commune_a"].pk})
    assert page.status_code == 200 and set(page.context["form"].errors) == {"unit"}
    message = page.context["form"].errors["unit"][0]
    assert message.startswith("Đối tượng này tự đánh giá ở cấp")
    response = api(officer_a).post("/self-reports", {**bad, "unit_id": small_map["commune_a"].pk})
    assert response.status_code == 422 and response.json()["errors"] == {"unit_id": [message]}
    unknown = api(officer_a).post("/self-reports", {**bad, "body": "club", "unit_id": small_map["commune_a"].pk})
    assert unknown.status_code == 422 and _field_errors(unknown) == {"body"}
    assert not EmulationSelfReport.objects.exists()


def test_the_page_and_the_api_refuse_a_second_self_report_of_the_same_body_and_year(client, api, officer_a, small_map):
    _self_report(officer_a, small_map["commune_a"])
    fields = {"year": 2025, "body": "commune_association", "body_name": "Hội Khuyến học xã An Lạc"}
    client.force_login(officer_a)
    page = client.post("/awards/emulation/new/", {**fields, "unit": small_map["commune_a"].pk})
    assert page.context["form"].errors["body_name"] == ["Tổ chức này đã có bản tự đánh giá năm 2025."]
    response = api(officer_a).post("/self-reports", {**fields, "unit_id": small_map["commune_a"].pk})
    assert response.status_code == 422 and response.json()["errors"] == {
        "body_name": ["Tổ chức này đã có bản tự đánh giá năm 2025."]
    }
    assert EmulationSelfReport.objects.count() == 1


def test_the_page_and_the_api_refuse_the_same_award_naming_the_field(client, api, officer_a, small_map):
    fields = {
        "kind": "giay_khen",
        "issuer": "Chủ tịch Hội Khuyến học xã An Lạc",
        "decision_number": "07/QĐ-HKH",
        "decision_date": "2025-11-20",
        "recipient_name": "Gia đình bà Lò Thị Xuân",
        "recipient_kind": "family",
    }
    call = api(officer_a)
    assert call.post("/records", {**fields, "unit_id": small_map["commune_a"].pk}).status_code == 201
    client.force_login(officer_a)
    page = client.post("/awards/records/new/", {**fields, "unit": small_map["commune_a"].pk})
    message = "Quyết định này đã được ghi cho người, tập thể này."
    assert page.status_code == 200 and page.context["form"].errors["decision_number"] == [message]
    again = call.post("/records", {**fields, "unit_id": small_map["commune_a"].pk})
    assert again.status_code == 422 and again.json()["errors"] == {"decision_number": [message]}
    wrong = call.post(
        "/records", {**fields, "kind": "huan_chuong", "issuer": " ", "unit_id": small_map["commune_a"].pk}
    )
    assert wrong.status_code == 422 and _field_errors(wrong) == {"kind", "issuer"}
    assert Award.objects.count() == 1


def test_the_honour_list_page_and_the_api_refuse_the_same_occasion_and_stage(client, api, officer_a, small_map):
    client.force_login(officer_a)
    unit = small_map["commune_a"].pk
    page = client.get(f"/awards/honours/?occasion=congress-1999&stage=district&unit={unit}")
    assert set(page.context["form"].errors) == {"occasion", "stage"}
    response = api(officer_a).get(f"/honours?occasion=congress-1999&stage=commune&unit_id={unit}")
    assert response.status_code == 422 and _field_errors(response) == {"occasion"}
    response = api(officer_a).get(f"/honours?occasion=congress-2025&stage=district&unit_id={unit}")
    assert response.status_code == 422 and _field_errors(response) == {"stage"}
    # A village is not a scope of an honour list: the page does not offer it, the API refuses it.
    village = small_map["village_a"].pk
    page = client.get(f"/awards/honours/?occasion=congress-2025&stage=commune&unit={village}")
    assert set(page.context["form"].errors) == {"unit"}
    for path in ("/honours", "/honours.xlsx"):
        response = api(officer_a).get(f"{path}?occasion=congress-2025&stage=commune&unit_id={village}")
        assert response.status_code == 422 and _field_errors(response) == {"unit"}, path


# -- the honour list's workbook ---------------------------------------------------------------------


def _rows(content: bytes) -> list[tuple]:
    return [
        tuple(c for c in row if c is not None)
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    ]


@pytest.fixture
def honoured(officer_a, officer_b, province_officer, small_map):
    """At the commune level of congress 2025: two honoured in commune A (one with an award), one in
    commune B; one of A's proposed on and declined by the province, one of A's for another congress."""
    clan = _nominate(officer_a, small_map["commune_a"], "Dòng họ Trần")
    family = _nominate(officer_a, small_map["village_a"], "Gia đình ông Đỗ Văn Đức")
    other = _nominate(officer_b, small_map["village_b"], "Gia đình bà Lê Thị Hoa")
    declined = _nominate(officer_a, small_map["village_a"], "Gia đình ông Vi Văn Lả")
    later = _nominate(officer_a, small_map["village_a"], "Gia đình ông Hà Văn Nam", occasion="congress-2030")
    for officer, nomination in ((officer_a, clan), (officer_a, family), (officer_b, other), (officer_a, later)):
        services.transition(Scope(officer), nomination, "honour", actor=officer)
    services.transition(Scope(officer_a), declined, "propose", actor=officer_a)
    services.transition(Scope(province_officer), declined, "decline", actor=province_officer, reason="Chưa đủ")
    services.record_award(
        Scope(officer_a),
        kind="giay_khen",
        issuer="Chủ tịch Hội Khuyến học xã An Lạc",
        decision_number="07/QĐ-HKH",
        decision_date=family.created_at.date().replace(year=2025, month=11, day=20),
        recipient_name=family.nominee_name,
        recipient_kind="family",
        unit=small_map["village_a"],
        actor=officer_a,
        nomination=family,
    )
    Nomination.objects.filter(pk=clan.pk).update(nominee_kind="clan")
    return {"clan": clan, "family": family, "other": other}


def test_the_honour_list_workbook_lists_who_was_honoured_at_that_level_with_their_awards(
    client, api, honoured, officer_a, small_map
):
    client.force_login(officer_a)
    query = f"occasion=congress-2025&stage=commune&unit={small_map['commune_a'].pk}"
    response = client.get(f"/awards/honours/?{query}&format=xlsx")
    assert response["Content-Disposition"].endswith(f'bieu-duong-congress-2025-{small_map["commune_a"].code}.xlsx"')
    rows = _rows(response.content)
    assert ("DANH SÁCH MÔ HÌNH HỌC TẬP TIÊU BIỂU ĐƯỢC BIỂU DƯƠNG",) in rows  # the title in capitals
    assert ("Đại hội biểu dương mô hình học tập tiêu biểu năm 2025 · Cấp xã · Xã An Lạc",) in rows
    header = rows.index(("STT", "Tên", "Loại", "Địa bàn", "Thành tích tiêu biểu", "Khen thưởng"))
    # Grouped by kind in the form's order (families, then clans…), then by place, then by name; the
    # declined one, the other congress's and the other commune's are not on it.
    assert [row for row in rows[header + 1 :] if row] == [
        (
            1,
            "Gia đình ông Đỗ Văn Đức",
            "Gia đình",
            "Thôn Đông",
            "Ba thế hệ cùng học chữ và học nghề.",
            "Giấy khen Chủ tịch Hội Khuyến học xã An Lạc, QĐ 07/QĐ-HKH ngày 20/11/2025",
        ),
        (2, "Dòng họ Trần", "Dòng họ", "Xã An Lạc", "Ba thế hệ cùng học chữ và học nghề."),
    ]
    # The export is in the audit log: who, which list, how many rows.
    entry = export_entries().get()
    assert entry.actor == officer_a
    assert entry.additional_data["rows"] == 2 and entry.additional_data["unit"] == small_map["commune_a"].code
    assert entry.additional_data["filters"] == {"occasion": "congress-2025", "stage": "commune"}
    # The API's workbook is the same list.
    from_api = api(officer_a).get(f"/honours.xlsx?{query.replace('unit=', 'unit_id=')}")
    assert [r for r in _rows(from_api.content) if r and isinstance(r[0], int)] == [
        r for r in rows if r and isinstance(r[0], int)
    ]
    assert export_entries().count() == 2


def test_the_province_list_of_communes_honours_holds_every_commune_and_an_empty_one_says_so(
    client, honoured, province_officer, small_map
):
    client.force_login(province_officer)
    page = _text(client.get(f"/awards/honours/?occasion=congress-2025&stage=commune&unit={small_map['province'].pk}"))
    for name in ("Gia đình ông Đỗ Văn Đức", "Dòng họ Trần", "Gia đình bà Lê Thị Hoa"):
        assert name in page
    assert "Vi Văn Lả" not in page and "Hà Văn Nam" not in page
    empty = _text(client.get(f"/awards/honours/?occasion=congress-2025&stage=province&unit={small_map['province'].pk}"))
    assert "Chưa có ai được biểu dương ở cấp này." in empty


# -- a self-report through the API --------------------------------------------------------------------


def test_a_self_report_through_the_api_is_drafted_checked_submitted_and_then_closed(api, officer_a, small_map):
    call = api(officer_a)
    body = {
        "year": 2025,
        "body": "commune_association",
        "body_name": "Hội Khuyến học xã An Lạc",
        "unit_id": small_map["commune_a"].pk,
        "answers": {"C1": {"met": True, "note": "Nghị quyết 12"}},
    }
    created = call.post("/self-reports", body)
    assert created.status_code == 201 and created.json()["state"] == "draft" and created.json()["met_count"] == 1
    report_id = created.json()["id"]
    assert call.get(f"/self-reports/{report_id}/submission").json() == {
        "state": "draft",
        "missing_criteria": ["C2", "C3", "C4"],
    }
    early = call.post(f"/self-reports/{report_id}/submission")
    assert early.status_code == 422 and early.json()["errors"] == {
        "answers": ["Chưa tự đánh giá các tiêu chí: C2, C3, C4."]
    }
    unknown = call.put(f"/self-reports/{report_id}", {**body, "answers": {"P1": {"met": True}}})
    assert unknown.status_code == 422 and _field_errors(unknown) == {"answers"}
    full = call.put(f"/self-reports/{report_id}", {**body, "answers": FULL_ANSWERS})
    assert full.json()["met_count"] == 3 and full.json()["answers"]["C3"] == {"met": False, "note": "Chưa có quỹ"}
    submitted = call.post(f"/self-reports/{report_id}/submission")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    report = EmulationSelfReport.objects.get()
    assert report.submitted_by == officer_a and report.submitted_at is not None
    again = call.post(f"/self-reports/{report_id}/submission")
    assert again.status_code == 422 and _field_errors(again) == {"state"}
    closed = call.put(f"/self-reports/{report_id}", {**body, "answers": {}})
    assert closed.status_code == 422 and closed.json()["errors"] == {
        "state": ["Bản tự đánh giá đã gửi thì không sửa được."]
    }
    report.refresh_from_db()
    assert report.met_count == 3
    assert [r["id"] for r in call.get("/self-reports?year=2025").json()["items"]] == [report_id]
    assert call.get("/self-reports?year=2024").json()["items"] == []


def test_the_province_reads_and_the_commune_reads_the_same_self_report_but_not_each_others(
    client, officer_a, officer_b, province_officer, small_map
):
    a = _self_report(officer_a, small_map["commune_a"])
    b = _self_report(officer_b, small_map["commune_b"], "Hội Khuyến học xã Bình Minh")
    client.force_login(province_officer)
    index = _text(client.get("/awards/"))
    assert "Hội Khuyến học xã An Lạc" in index and "Hội Khuyến học xã Bình Minh" in index
    client.force_login(officer_b)
    assert "Hội Khuyến học xã An Lạc" not in _text(client.get("/awards/"))
    assert client.get(f"/awards/emulation/{a.pk}/").status_code == 404
    assert "Hội Khuyến học xã Bình Minh" in _text(client.get(f"/awards/emulation/{b.pk}/"))


# -- other roles and the lists ------------------------------------------------------------------------


def test_a_commune_approver_decides_at_the_commune_and_a_citizen_finds_no_nominations(client, officer_a, small_map):
    approver = make_user("approver_a", Role.COMMUNE_APPROVER, small_map["commune_a"])
    citizen = make_user("citizen_a", Role.CITIZEN, small_map["village_a"])
    ours = _nominate(officer_a, small_map["village_a"])
    theirs = _nominate(
        make_user("officer_b2", Role.COMMUNE_OFFICER, small_map["commune_b"]), small_map["village_b"], "Dòng họ Lê"
    )
    client.force_login(approver)
    url = f"/awards/nominations/{ours.pk}/"
    assert client.post(url, {"action": "honour", "version": 1}).status_code == 302
    ours.refresh_from_db()
    assert ours.status == NominationStatus.HONOURED and ours.decisions.get().actor == approver
    # A citizen's role opens their own records only: the association's nominations are not there.
    client.force_login(citizen)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "propose", "version": 2}).status_code == 404
    assert "Lò Thị Xuân" not in _text(client.get("/awards/"))
    client.force_login(approver)
    assert client.get(f"/awards/nominations/{theirs.pk}/").status_code == 404
    assert "Dòng họ Lê" not in _text(client.get("/awards/"))
    ours.refresh_from_db()
    assert ours.version == 2


def test_the_award_form_offers_only_the_officers_own_places_and_an_award_for_a_nomination_carries_its_occasion(
    client, api, officer_a, small_map
):
    client.force_login(officer_a)
    form = client.get("/awards/records/new/")
    offered = {unit.pk for unit in form.context["form"].fields["unit"].queryset}
    assert offered == {small_map["commune_a"].pk, small_map["village_a"].pk}
    other = client.post(
        "/awards/records/new/",
        {
            "kind": "bang_khen",
            "issuer": "Chủ tịch UBND xã An Lạc",
            "decision_number": "01/QĐ-UBND",
            "decision_date": "2025-11-20",
            "recipient_name": "Dòng họ Lê",
            "recipient_kind": "clan",
            "unit": small_map["commune_b"].pk,
        },
    )
    assert set(other.context["form"].errors) == {"unit"} and not Award.objects.exists()
    nomination = _nominate(officer_a, small_map["village_a"])
    created = api(officer_a).post(
        "/records",
        {
            "kind": "bang_khen",
            "issuer": "Chủ tịch UBND xã An Lạc",
            "decision_number": "02/QĐ-UBND",
            "decision_date": "2025-11-20",
            "recipient_name": nomination.nominee_name,
            "recipient_kind": "family",
            "unit_id": small_map["village_a"].pk,
            "nomination_id": nomination.pk,
        },
    )
    assert created.status_code == 201
    assert (created.json()["nomination_id"], created.json()["occasion"]) == (nomination.pk, "congress-2025")
    page = _text(client.get(f"/awards/nominations/{nomination.pk}/"))
    assert "Bằng khen · Chủ tịch UBND xã An Lạc · QĐ 02/QĐ-UBND 20/11/2025" in page


def test_the_api_lists_nominations_by_occasion_and_status_and_shows_each_ones_decisions(
    api, officer_a, province_officer, small_map
):
    first = _nominate(officer_a, small_map["village_a"], "Gia đình ông Đỗ Văn Đức")
    second = _nominate(officer_a, small_map["village_a"], "Gia đình ông Hà Văn Nam", occasion="congress-2030")
    services.transition(Scope(officer_a), first, "propose", actor=officer_a)
    call = api(province_officer)
    everything = call.get("/nominations").json()["items"]
    assert [n["id"] for n in everything] == [second.pk, first.pk]  # the newest first
    pending = call.get("/nominations?status=pending").json()["items"]
    assert [(n["id"], n["stage"], n["unit_name"]) for n in pending] == [(first.pk, "province", "Thôn Đông")]
    assert [d["action"] for d in pending[0]["decisions"]] == ["propose"]
    assert [n["id"] for n in call.get("/nominations?occasion=congress-2030").json()["items"]] == [second.pk]
    assert [d["stage"] for d in call.get(f"/nominations/{first.pk}/decisions").json()] == ["commune"]


def test_the_api_programme_is_the_shipped_plan(api, reader):
    programme = api(reader).get("/programme").json()
    commune = next(b for b in programme["bodies"] if b["code"] == "commune_association")
    assert commune["territory"] == "commune"
    assert [c["code"] for c in commune["criteria"]] == ["C1", "C2", "C3", "C4"]
    assert {"code": "congress-2025", "year": 2025, "kind": "congress"}.items() <= next(
        o for o in programme["occasions"] if o["code"] == "congress-2025"
    ).items()

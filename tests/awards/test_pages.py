"""The awards pages as the officers use them: what each page says and what posting it changes."""

import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.awards import services
from hoctap.awards.models import Award, EmulationSelfReport, Nomination, NominationStatus, Stage

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _nominate_by_page(client, small_map, name="Gia đình bà Lò Thị Xuân"):
    return client.post(
        "/awards/nominations/new/",
        {
            "occasion": "congress-2025",
            "nominee_kind": "family",
            "nominee_name": name,
            "unit": small_map["village_a"].pk,
            "achievements": "Ba thế hệ cùng học chữ và học nghề.",
        },
    )


def test_a_commune_officer_nominates_honours_and_forwards_through_the_pages(client, officer_a, small_map):
    client.force_login(officer_a)
    response = _nominate_by_page(client, small_map)
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response.url == f"/awards/nominations/{nomination.pk}/"
    page = text(client.get(response.url))
    assert "Gia đình bà Lò Thị Xuân" in page and "Ba thế hệ cùng học chữ" in page and "Cấp xã" in page
    assert "Biểu dương ở cấp này" in page and "Đề nghị lên cấp trên" in page and "Không chọn" not in page
    assert "Chưa có quyết định." in page
    client.post(response.url, {"action": "honour", "version": nomination.version})
    page = text(client.get(response.url))
    assert "Được biểu dương" in page and "Biểu dương ở cấp này" not in page and "Biểu dương" in page
    client.post(response.url, {"action": "propose", "version": 2})
    nomination.refresh_from_db()
    assert (nomination.stage, nomination.status) == (Stage.PROVINCE, NominationStatus.PENDING)
    page = text(client.get(response.url))
    assert "Cấp tỉnh" in page and "Đề nghị lên cấp trên" in page  # the decision history names both steps
    assert "Biểu dương ở cấp này" not in page  # now the province decides, not the commune


def test_the_nomination_form_names_what_is_missing_and_keeps_what_was_typed(client, officer_a, small_map):
    client.force_login(officer_a)
    response = client.post(
        "/awards/nominations/new/",
        {
            "occasion": "congress-2025",
            "nominee_kind": "family",
            "nominee_name": "Dòng họ Hà",
            "unit": small_map["village_b"].pk,
            "achievements": "",
        },
    )
    assert response.status_code == 200 and not Nomination.objects.exists()
    errors = response.context["form"].errors
    assert set(errors) == {"unit", "achievements"}  # another commune's village is not offered
    assert 'value="Dòng họ Hà"' in response.content.decode()


def test_the_province_sees_a_commune_draft_but_cannot_decide_it_another_commune_cannot_open_it(
    client, officer_a, officer_b, province_officer, small_map
):
    client.force_login(officer_a)
    _nominate_by_page(client, small_map)
    nomination = Nomination.objects.get()
    client.force_login(province_officer)
    page = text(client.get(f"/awards/nominations/{nomination.pk}/"))
    assert "Gia đình bà Lò Thị Xuân" in page and "Biểu dương ở cấp này" not in page
    assert client.post(f"/awards/nominations/{nomination.pk}/", {"action": "honour"}).status_code == 404
    client.force_login(officer_b)
    assert client.get(f"/awards/nominations/{nomination.pk}/").status_code == 404
    assert "Lò Thị Xuân" not in text(client.get("/awards/"))


def test_the_index_lists_and_filters_by_occasion(client, officer_a, small_map):
    client.force_login(officer_a)
    _nominate_by_page(client, small_map)
    assert "Gia đình bà Lò Thị Xuân" in text(client.get("/awards/"))
    assert "Gia đình bà Lò Thị Xuân" in text(client.get("/awards/?occasion=congress-2025"))
    assert "Gia đình bà Lò Thị Xuân" not in text(client.get("/awards/?occasion=congress-2030"))


def test_an_award_is_recorded_from_a_nomination_and_a_future_date_is_refused(client, officer_a, small_map):
    client.force_login(officer_a)
    _nominate_by_page(client, small_map)
    nomination = Nomination.objects.get()
    form = client.get(f"/awards/records/new/?nomination={nomination.pk}")
    assert 'value="Gia đình bà Lò Thị Xuân"' in form.content.decode()  # prefilled from the nomination
    fields = {
        "nomination": nomination.pk,
        "kind": "giay_khen",
        "issuer": "Chủ tịch Hội Khuyến học xã An Lạc",
        "decision_number": "07/QĐ-HKH",
        "recipient_name": nomination.nominee_name,
        "recipient_kind": "family",
        "unit": small_map["village_a"].pk,
    }
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    refused = client.post("/awards/records/new/", {**fields, "decision_date": tomorrow.isoformat()})
    assert refused.status_code == 200 and "decision_date" in refused.context["form"].errors
    assert not Award.objects.exists()
    done = client.post("/awards/records/new/", {**fields, "decision_date": "2025-11-20"})
    assert done.status_code == 302
    award = Award.objects.get()
    assert award.nomination == nomination and award.decision_number == "07/QĐ-HKH"
    assert "07/QĐ-HKH" in text(client.get("/awards/"))


def test_the_honour_list_page_and_its_workbook(client, officer_a, small_map):
    client.force_login(officer_a)
    _nominate_by_page(client, small_map)
    nomination = Nomination.objects.get()
    services.transition(Scope(officer_a), nomination, "honour", actor=officer_a)
    query = f"occasion=congress-2025&stage=commune&unit={small_map['commune_a'].pk}"
    assert "Gia đình bà Lò Thị Xuân" in text(client.get(f"/awards/honours/?{query}"))
    workbook = client.get(f"/awards/honours/?{query}&format=xlsx")
    values = [c for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True) for c in row]
    assert "Gia đình bà Lò Thị Xuân" in values
    assert client.get("/awards/honours/?format=xlsx").status_code == 404  # no list chosen, no file


def test_the_self_report_page_saves_a_draft_then_submits_then_is_closed(client, officer_a, small_map):
    client.force_login(officer_a)
    response = client.post(
        "/awards/emulation/new/",
        {
            "year": 2025,
            "body": "commune_association",
            "body_name": "Hội Khuyến học xã An Lạc",
            "unit": small_map["commune_a"].pk,
        },
    )
    assert response.status_code == 302
    url = response.url
    page = text(client.get(url))
    assert "Hội Khuyến học xã An Lạc" in page and "Đang soạn" in page
    assert client.post(url, {"met_C1": "on", "note_C1": "Nghị quyết 12"}).status_code == 302
    assert "Nghị quyết 12" in client.get(url).content.decode() and "Đang soạn" in text(client.get(url))
    # On the page an unticked criterion is «not met»: submitting records 1 of 4 met.
    assert client.post(url, {"met_C1": "on", "note_C1": "Nghị quyết 12", "submit": "1"}).status_code == 302
    report = EmulationSelfReport.objects.get()
    assert report.state == "submitted" and report.met_count == 1
    assert "Đã gửi" in text(client.get(url))
    closed = client.post(url, {"met_C2": "on"})
    assert closed.status_code == 200 and "không sửa được" in text(closed)
    report.refresh_from_db()
    assert report.met_count == 1

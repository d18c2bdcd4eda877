"""The learning pages as a commune officer records and a province officer reads: errors named by
field, the source shown with the figures, coverage on the province's page, another commune's
records a 404, and the province's forms a 404 (it reads, the commune writes)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hoctap.learning import services
from hoctap.learning.models import CentreClass, LiteracyDeclaration, WeekActivity
from tests.learning.conftest import a_class, source

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_officer_records_a_class_an_activity_and_a_declaration(client_a, small_map):
    commune = small_map["commune_a"]
    assert client_a.get(reverse("learning:index")).url == reverse("learning:summary", args=[commune.pk])
    page = client_a.get(reverse("learning:summary", args=[commune.pk])).content.decode()
    assert "Chưa ghi lớp học nào" in page and "Xã chưa kê khai số liệu" in page

    bad = client_a.post(
        reverse("learning:class_create", args=[commune.pk]),
        {
            "topic": "digital",
            "name": "",
            "started_on": TODAY.isoformat(),
            "sessions": "2",
            "participants": "3 chục",
            "held_by": "Đoàn Thanh niên xã",
        },
    ).content.decode()
    assert "Ghi tên lớp, chuyên đề" in bad and "số nguyên" in bad and not CentreClass.objects.exists()
    response = client_a.post(
        reverse("learning:class_create", args=[commune.pk]),
        {
            "topic": "digital",
            "name": "Sử dụng dịch vụ công trực tuyến",
            "started_on": TODAY.isoformat(),
            "sessions": "2",
            "participants": "38",
            "held_by": "Đoàn Thanh niên xã",
        },
    )
    assert response.status_code == 302
    record = CentreClass.objects.get()
    edit = client_a.post(
        reverse("learning:class_edit", args=[record.pk]),
        {
            "topic": "digital",
            "name": "Sử dụng dịch vụ công trực tuyến",
            "started_on": TODAY.isoformat(),
            "sessions": "2",
            "participants": "40",
            "held_by": "Đoàn Thanh niên xã",
        },
    )
    assert edit.status_code == 302 and CentreClass.objects.get().participants == 40

    client_a.post(
        reverse("learning:week_create", args=[commune.pk]),
        {"date": TODAY.isoformat(), "activity": "Ngày hội đọc sách", "participants": "150"},
    )
    assert WeekActivity.objects.get().participants == 150

    url = reverse("learning:declare", args=[commune.pk]) + f"?year={TODAY.year}"
    bad = client_a.post(url, {**_form(source(TODAY.year)), "literate_15_35": "1200"}).content.decode()
    assert "không được lớn hơn số người 15–35 tuổi" in bad and not LiteracyDeclaration.objects.exists()
    assert client_a.post(url, _form(source(TODAY.year))).status_code == 302
    page = client_a.get(reverse("learning:summary", args=[commune.pk])).content.decode()
    assert "Sử dụng dịch vụ công trực tuyến" in page and "Kỹ năng số, tin học" in page
    assert "Ngày hội đọc sách" in page and "25/BC-UBND" in page and "99%" in page and "Mức độ 2" in page


def _form(data):
    out = {k: v for k, v in data.items() if k != "year"}
    out["document_date"] = data["document_date"].isoformat()
    out["preschool"] = "on" if data["preschool"] else ""
    return out


def test_the_province_reads_with_coverage_and_cannot_write(client, small_map, officer_a, province_officer):
    last = TODAY.year - 1
    from hoctap.accounts.scoping import Scope

    services.record_class(Scope(officer_a), small_map["commune_a"], **a_class(datetime.date(last, 4, 1)))
    services.declare(Scope(officer_a), small_map["commune_a"], **source(last))
    client.force_login(province_officer)
    province = small_map["province"]
    page = client.get(reverse("learning:summary", args=[province.pk]) + f"?year={last}").content.decode()
    assert "1/2 xã đã báo cáo" in page and "1 trong 2 xã" in page and "(chưa kê khai)" in page
    assert "Xã Bình Minh" in page and "Ghi lớp học" not in page
    commune = small_map["commune_a"]
    page = client.get(reverse("learning:summary", args=[commune.pk]) + f"?year={last}").content.decode()
    assert "Kỹ thuật trồng lúa" in page and "Ghi lớp học" not in page
    for name in ("learning:class_create", "learning:week_create", "learning:declare"):
        assert client.get(reverse(name, args=[commune.pk])).status_code == 404
    assert client.get(reverse("learning:class_edit", args=[CentreClass.objects.get().pk])).status_code == 404

    export = client.get(reverse("learning:summary_xlsx", args=[province.pk]) + f"?year={last}")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị" and rows[1][0] == "Tổng: Tỉnh Hưng Yên"
    header = list(rows[0])
    assert rows[1][header.index("Lớp học ở TTHTCĐ")] == 1 and rows[1][header.index("Tỷ lệ biết chữ 15–35 (%)")] == 99
    assert rows[1][header.index("Xã đã kê khai phổ cập, xóa mù chữ")] == 1
    assert {row[0] for row in rows[2:]} == {"Xã An Lạc", "Xã Bình Minh"}


def test_another_communes_records_are_hidden(client_a, small_map, officer_b):
    from hoctap.accounts.scoping import Scope

    record = services.record_class(
        Scope(officer_b), small_map["commune_b"], **a_class(datetime.date(TODAY.year, 1, 5), name="Lớp Bình Minh")
    )
    assert client_a.get(reverse("learning:class_edit", args=[record.pk])).status_code == 404
    assert client_a.get(reverse("learning:summary", args=[small_map["commune_b"].pk])).status_code == 404
    assert client_a.get(reverse("learning:class_create", args=[small_map["commune_b"].pk])).status_code == 404


def test_a_village_officer_reads_the_communes_totals_without_an_empty_list_beside_them(client, small_map, officer_a):
    """A village officer opens their commune's page: the totals count the commune's classes, and the
    list (which their scope leaves empty) is not shown: it said «Chưa ghi lớp học nào» beside them."""
    from hoctap.accounts.roles import Role
    from hoctap.accounts.scoping import Scope
    from tests.conftest import make_user

    commune = small_map["commune_a"]
    services.record_class(Scope(officer_a), commune, **a_class(datetime.date(TODAY.year, 1, 5)))
    services.record_week_activity(
        Scope(officer_a), commune, date=datetime.date(TODAY.year, 1, 6), activity="Ngày hội đọc sách", participants=40
    )
    client.force_login(make_user("village_officer_learning", Role.VILLAGE_OFFICER, small_map["village_a"]))
    assert client.get(reverse("learning:index")).url == reverse("learning:summary", args=[commune.pk])
    page = client.get(reverse("learning:summary", args=[commune.pk])).content.decode()
    assert "Kỹ thuật trồng lúa" not in page  # the list is the commune's
    assert "Chưa ghi lớp học nào" not in page and "Chưa ghi hoạt động Tuần lễ" not in page

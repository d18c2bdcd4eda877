"""Centre classes from Excel through the shared engine: every bad row named by row and column with
nothing written; a clean file written whole; the same file again changes nothing; a recorded class is
never changed through a file; the upload page offers the template to commune officers only."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.core import imports as engine
from hoctap.learning.imports import CLASSES
from hoctap.learning.models import CentreClass

pytestmark = pytest.mark.django_db
LAST = timezone.localdate().year - 1


def xlsx(rows):
    workbook = load_workbook(io.BytesIO(engine.template_workbook(CLASSES)))
    sheet = workbook[CLASSES.sheet_title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "lop-hoc.xlsx"
    return buffer


def row(
    name,
    *,
    commune="12001",
    topic="Nông nghiệp, chăn nuôi, nghề",
    start=datetime.date(LAST, 3, 1),
    end=None,
    sessions=2,
    participants=40,
    held_by="Trạm Khuyến nông",
):
    return [commune, topic, name, start, end, sessions, participants, held_by]


def test_bad_rows_are_named_and_nothing_is_written(officer_a):
    future = timezone.localdate() + datetime.timedelta(days=10)
    source = xlsx(
        [
            row("Kỹ thuật nuôi cá"),
            row("Lớp xã khác", commune="12002"),
            row("Chủ đề lạ", topic="Chiêm tinh"),
            row("Lớp tương lai", start=future),
            row("Kết thúc sớm", end=datetime.date(LAST, 2, 1)),
            row("Kỹ thuật nuôi cá"),
            row("Thiếu người", participants="bốn mươi"),
            row("Không ai tổ chức", held_by=None),
        ]
    )
    result = engine.import_file(source, CLASSES, scope=Scope(officer_a), actor=officer_a)
    assert not result.committed
    found = {(e["row"], e["header"]): e["reason"] for e in result.errors}
    assert "ngoài địa bàn" in found[(3, "Mã xã")]
    assert "danh mục" in found[(4, "Chủ đề")]
    assert "sau hôm nay" in found[(5, "Ngày bắt đầu")]
    assert "trước ngày bắt đầu" in found[(6, "Ngày kết thúc")]
    assert "dòng 2" in found[(7, "Tên lớp, chuyên đề")]
    assert "số nguyên" in found[(8, "Số người tham gia")]
    assert "bắt buộc" in found[(9, "Đơn vị, người tổ chức")]
    assert not CentreClass.objects.exists()
    report = load_workbook(io.BytesIO(engine.error_report(source, CLASSES, result.errors)))
    assert report[CLASSES.sheet_title]["A3"].comment is not None


def test_a_clean_file_is_written_whole_and_again_changes_nothing(officer_a):
    rows = [
        row("Kỹ thuật nuôi cá"),
        row(
            "Tin học cho người cao tuổi",
            topic="Kỹ năng số, tin học",
            sessions=None,
            participants=25,
            end=datetime.date(LAST, 3, 20),
        ),
    ]
    result = engine.import_file(xlsx(rows), CLASSES, scope=Scope(officer_a), actor=officer_a)
    assert result.committed, result.errors
    assert result.counts["class"]["create"] == 2
    digital = CentreClass.objects.get(topic="digital")
    assert (digital.sessions, digital.participants, digital.recorded_by) == (1, 25, officer_a)
    again = engine.import_file(xlsx(rows), CLASSES, scope=Scope(officer_a), actor=officer_a)
    assert again.committed and again.counts["class"] == {"create": 0, "change": 0, "unchanged": 2}
    changed = engine.import_file(
        xlsx([row("kỹ thuật nuôi cá", participants=41)]), CLASSES, scope=Scope(officer_a), actor=officer_a
    )
    assert not changed.committed and "«40»" in changed.errors[0]["reason"]
    assert CentreClass.objects.count() == 2


def test_the_upload_page_offers_the_template_to_commune_officers_only(client, small_map, officer_a, province_officer):
    client.force_login(officer_a)
    assert "Lớp học ở trung tâm học tập cộng đồng" in client.get(reverse("registry:import_start")).content.decode()
    client.force_login(province_officer)
    assert "Lớp học ở trung tâm học tập cộng đồng" not in client.get(reverse("registry:import_start")).content.decode()

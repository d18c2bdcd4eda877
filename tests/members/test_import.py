"""The association's Excel lists through the shared import engine and the registry's upload pages:
every bad row named by row and column with nothing written; a clean file written whole; the same
file again changes nothing; leaves and dues go through the same rules as the pages."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.core import imports as engine
from hoctap.members.imports import MEMBERS
from hoctap.members.models import Dues, Member, Membership
from hoctap.registry.models import ImportJob

pytestmark = pytest.mark.django_db
BRANCH = "Chi hội khuyến học thôn Đông"


def xlsx(rows):
    workbook = load_workbook(io.BytesIO(engine.template_workbook(MEMBERS)))
    sheet = workbook[MEMBERS.sheet_title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "hoi-vien.xlsx"
    return buffer


def row(
    name,
    *,
    commune="12001",
    branch=BRANCH,
    sex="Nam",
    birth=1960,
    card=None,
    joined=datetime.date(2020, 3, 1),
    left=None,
    reason=None,
    dues_year=None,
    dues=None,
    paid=None,
):
    return [commune, branch, name, sex, birth, card, joined, left, reason, dues_year, dues, paid]


def test_bad_rows_are_named_and_nothing_is_written(officer_a, branch_a, branch_b):
    future = datetime.date.today() + datetime.timedelta(days=30)
    source = xlsx(
        [
            row("Nguyễn Văn An", dues_year=2024, dues=50000),
            row("Trần Thị Bích", branch="Chi hội không có"),
            row("Lê Văn Cường", commune="12002", branch="Chi hội thôn Đoài Bình Minh"),
            row("Phạm Văn Dũng", joined=future),
            row("Vũ Thị Em", left=datetime.date(2021, 1, 1)),
            row("Đỗ Văn Giang", dues_year=2019, dues=50000),
            row("Nguyễn Văn An"),
            row("Hoàng Văn Hải", dues=30000),
        ]
    )
    result = engine.import_file(source, MEMBERS, scope=Scope(officer_a), actor=officer_a)
    assert not result.committed
    found = {(e["row"], e["header"]): e["reason"] for e in result.errors}
    assert "chưa có chi hội" in found[(3, "Chi hội")] and BRANCH in found[(3, "Chi hội")]
    assert "ngoài địa bàn" in found[(4, "Mã xã")]
    assert "sau hôm nay" in found[(5, "Ngày vào hội")]
    assert "lý do ra" in found[(6, "Lý do ra")]
    assert "chưa sinh hoạt" in found[(7, "Năm hội phí")]
    assert "Trùng hội viên" in found[(8, "Họ và tên")] and "dòng 2" in found[(8, "Họ và tên")]
    assert "ghi năm hội phí" in found[(9, "Năm hội phí")]
    assert (Member.objects.count(), Membership.objects.count(), Dues.objects.count()) == (0, 0, 0)
    report = load_workbook(io.BytesIO(engine.error_report(source, MEMBERS, result.errors)))
    assert report["Hội viên"]["B3"].comment is not None


def test_a_clean_list_is_written_whole_and_again_changes_nothing(officer_a, branch_a):
    rows = [
        row("Nguyễn Văn An", card="KH-001", dues_year=2024, dues=50000, paid=datetime.date(2024, 3, 5)),
        row("Trần Thị Bích", sex="Nữ", birth=1972, dues_year=2024, dues=50000),
        row("Lê Văn Cường", joined=datetime.date(2019, 1, 1), left=datetime.date(2023, 8, 1), reason="Từ trần"),
    ]
    result = engine.import_file(xlsx(rows), MEMBERS, scope=Scope(officer_a), actor=officer_a)
    assert result.committed, result.errors
    assert result.counts["member"]["create"] == 3 and result.counts["dues"]["create"] == 2
    assert Dues.objects.get(member__card_number="KH-001").paid_on == datetime.date(2024, 3, 5)
    assert Dues.objects.get(member__full_name="Trần Thị Bích").paid_on == datetime.date(2024, 12, 31)
    left = Membership.objects.get(member__full_name="Lê Văn Cường")
    assert (left.left_on, left.leave_reason) == (datetime.date(2023, 8, 1), "deceased")

    again = engine.import_file(xlsx(rows), MEMBERS, scope=Scope(officer_a), actor=officer_a)
    assert again.committed and again.counts["member"] == {"create": 0, "change": 0, "unchanged": 3}
    assert again.counts["dues"] == {"create": 0, "change": 0, "unchanged": 2}
    assert Member.objects.count() == 3 and Membership.objects.count() == 3

    # A later list: An leaves, Bích pays the next year, a wrong amount for a recorded year is refused.
    later = [
        row("Nguyễn Văn An", card="KH-001", left=datetime.date(2025, 1, 10), reason="Xin ra khỏi Hội"),
        row("Trần Thị Bích", sex="Nữ", birth=1972, dues_year=2025, dues=60000),
    ]
    result = engine.import_file(xlsx(later), MEMBERS, scope=Scope(officer_a), actor=officer_a)
    assert result.committed and result.counts["membership"]["change"] == 1
    wrong = engine.import_file(
        xlsx([row("Trần Thị Bích", sex="Nữ", birth=1972, dues_year=2024, dues=70000)]),
        MEMBERS,
        scope=Scope(officer_a),
        actor=officer_a,
    )
    assert not wrong.committed and "50.000 đ" in wrong.errors[0]["reason"]
    assert Dues.objects.count() == 3


def test_through_the_registry_upload_pages(client_a, branch_a):
    source = xlsx([row("Nguyễn Văn An")])
    response = client_a.post("/registry/imports/", {"template": "association_members", "file": source})
    job = ImportJob.objects.get()
    assert response.url == f"/registry/imports/{job.pk}/" and job.status == ImportJob.Status.CHECKED
    assert Member.objects.count() == 0
    client_a.post(f"/registry/imports/{job.pk}/commit/")
    assert Member.objects.get().full_name == "Nguyễn Văn An"


def test_every_template_the_upload_page_offers_can_be_uploaded(client_a, province_officer, client):
    """The registry's upload page offers every registered template its user may use; each must say
    which capability files its job (a template without one was a 500 on upload)."""
    from hoctap.core import imports as engine

    for template in engine.all_templates():
        assert template.capability, template.code
    from hoctap.stats.imports import TARGETS

    data = io.BytesIO(engine.template_workbook(TARGETS))
    data.name = "chi-tieu.xlsx"
    response = client_a.post("/registry/imports/", {"template": TARGETS.code, "file": data})
    assert response.status_code == 302 and ImportJob.objects.get().template == TARGETS.code

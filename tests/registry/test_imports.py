"""Excel imports: every error at once and nothing written; all rows or none; re-uploads change nothing."""

import datetime
import io

import pytest
from auditlog.models import LogEntry
from openpyxl import Workbook, load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.core.imports import check_file, error_report, import_file
from hoctap.core.uploads import UploadRejected, check_xlsx
from hoctap.registry.imports import CLANS, HOUSEHOLDS, ORGANISATIONS, VILLAGES
from hoctap.registry.models import ClanBranch, Household, ImportJob, Organisation, Person
from hoctap.territory.models import Unit
from tests.registry.conftest import household_row, xlsx

VILLAGE_A = "12001-001"
VILLAGE_B = "12002-001"


def thousand_rows():
    """1,000 people in 250 households of four members of village A, each with a valid, distinct CCCD."""
    rows = []
    for number in range(1000):
        household, member = divmod(number, 4)
        rows.append(
            household_row(
                f"H{household:04d}",
                VILLAGE_A,
                f"Người Số {number}",
                sex="Nam" if member % 2 else "Nữ",
                birth_year=1950 + number % 60,
                id_number=f"034{number:09d}",
                head=member == 0,
                address=f"Xóm {household % 7}" if member == 0 else "",
            )
        )
    return rows


# Ten spoiled rows (0-based index into the data, the column spoiled, the bad value).
PLANTED = [
    (10, 1, "99999-999"),  # unknown village code
    (101, 5, "12/03/1980"),  # a date typed as text
    (202, 3, "=A1"),  # a formula
    (303, 4, "X"),  # sex outside the list
    (404, 8, "12345"),  # a CCCD too short
    (505, 8, "999080001234"),  # a CCCD with no such province code
    (606, 3, None),  # the required name left empty
    (707, 6, 1850),  # a birth year out of range
    (808, 1, VILLAGE_B),  # a village of commune B: outside the uploader's territory
    (909, 3, "Người Số\u202e 909"),  # a right-to-left override hidden in a name
]


def planted_rows():
    rows = thousand_rows()
    for index, column, value in PLANTED:
        rows[index][column] = value
    return rows


@pytest.fixture
def scope_a(officer_a):
    return Scope(officer_a)


def test_a_thousand_rows_with_ten_planted_errors_report_exactly_those_and_write_nothing(small_map, officer_a, scope_a):
    rows = planted_rows()
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert not result.committed and not result.file_error
    assert result.rows == 1000
    assert result.error_count == 10, result.errors
    reported = sorted((e["row"], e["column"]) for e in result.errors)
    expected = sorted((index + 2, "ABCDEFGHIJKL"[column]) for index, column, _value in PLANTED)
    assert reported == expected
    assert all(e["reason"] for e in result.errors)
    assert Person.objects.count() == 0 and Household.objects.count() == 0
    by_row = {e["row"]: e for e in result.errors}
    assert "ngoài địa bàn" in by_row[810]["reason"]
    assert "dạng chữ" in by_row[103]["reason"]
    assert "công thức" in by_row[204]["reason"]
    assert "Họ và tên có ký tự ẩn" in by_row[911]["reason"] and "vị trí thứ 9" in by_row[911]["reason"]
    assert by_row[406]["value"] == "*2345"  # ID numbers are masked even in error reports


def test_the_corrected_file_imports_every_row_and_a_second_upload_changes_nothing(small_map, officer_a, scope_a):
    source = xlsx(HOUSEHOLDS, thousand_rows())
    dry_run = check_file(source, HOUSEHOLDS, scope=scope_a)
    assert dry_run.ok
    assert dry_run.counts == {
        "household": {"create": 250, "change": 0, "unchanged": 0},
        "person": {"create": 1000, "change": 0, "unchanged": 0},
    }
    assert Person.objects.count() == 0

    result = import_file(source, HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert result.committed and result.ok
    assert Person.objects.count() == 1000 and Household.objects.count() == 250
    household = Household.objects.get(code="H0001")
    assert household.head.full_name == "Người Số 4" and household.members.count() == 4
    assert household.name_folded == "nguoi so 4" and household.commune == small_map["commune_a"]
    assert household.address == "Xóm 1"
    assert Person.objects.filter(unit=small_map["village_a"], commune=small_map["commune_a"]).count() == 1000
    created_entries = LogEntry.objects.filter(action=LogEntry.Action.CREATE, actor=officer_a).count()
    assert created_entries == 1250
    masked = LogEntry.objects.get_for_object(Person.objects.get(id_number="034000000007")).get()
    assert "034000000007" not in str(masked.changes)

    snapshot = list(Person.objects.order_by("pk").values_list("pk", "updated_at"))
    entries = LogEntry.objects.count()
    again = import_file(xlsx(HOUSEHOLDS, thousand_rows()), HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert again.committed
    assert again.counts == {
        "household": {"create": 0, "change": 0, "unchanged": 250},
        "person": {"create": 0, "change": 0, "unchanged": 1000},
    }
    assert list(Person.objects.order_by("pk").values_list("pk", "updated_at")) == snapshot
    assert LogEntry.objects.count() == entries


def test_under_debug_an_import_leaves_no_query_log_behind(small_map, officer_a, scope_a, settings):
    """DEBUG (make run) keeps every query's SQL; an import's bulk inserts once took it to 330 MB."""
    from django.db import connection

    settings.DEBUG = True
    connection.queries_log.clear()
    result = import_file(xlsx(HOUSEHOLDS, thousand_rows()), HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert result.committed and Person.objects.count() == 1000
    assert len(connection.queries_log) <= 2  # the two counts just above, logged as usual
    assert "make_debug_cursor" not in vars(connection)  # the plain cursor was handed back


def test_a_changed_row_is_counted_and_written_as_a_change(small_map, officer_a, scope_a, household_a):
    rows = [
        household_row(
            "H0001",
            VILLAGE_A,
            "Nguyễn Văn An",
            birth_year=1975,
            id_number="034075001234",
            head=True,
            skill="Thành thạo",
        ),
        household_row(
            "H0001", VILLAGE_A, "Trần Thị Bích", sex="Nữ", birth_date=datetime.date(1978, 5, 2), birth_year=None
        ),
        household_row("H0001", VILLAGE_A, "Nguyễn Văn Cường", birth_year=2005),
    ]
    result = import_file(xlsx(HOUSEHOLDS, rows), HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert result.committed, result.errors
    assert result.counts["person"] == {"create": 1, "change": 2, "unchanged": 0}
    assert result.counts["household"] == {"create": 0, "change": 0, "unchanged": 1}
    head = Person.objects.get(id_number="034075001234")
    assert head.digital_skill == "proficient"
    update = LogEntry.objects.get_for_object(head).filter(action=LogEntry.Action.UPDATE).get()
    assert update.changes_dict["digital_skill"] == ["none", "proficient"]
    assert household_a.members.count() == 3


def test_a_row_for_another_commune_is_an_error(small_map, officer_a, scope_a):
    result = check_file(xlsx(HOUSEHOLDS, [household_row("H1", VILLAGE_B, "Lê Văn Bình")]), HOUSEHOLDS, scope=scope_a)
    assert [e["column"] for e in result.errors] == ["B"]
    assert "ngoài địa bàn" in result.errors[0]["reason"]


def test_a_village_officer_cannot_import_into_the_other_villages_of_the_commune(small_map, village_officer_a):
    other = Unit.objects.create(
        era="current",
        level="village",
        code="12001-002",
        name="Thôn Tây",
        short_name="Tây",
        division_type="Thôn",
        parent=small_map["commune_a"],
    )
    result = check_file(
        xlsx(HOUSEHOLDS, [household_row("H1", other.code, "Lê Văn Tây")]), HOUSEHOLDS, scope=Scope(village_officer_a)
    )
    assert "ngoài địa bàn" in result.errors[0]["reason"]


# -- bad files: each has its own message, and nothing is written --------------------------------


def _merge(sheet):
    sheet.merge_cells("A2:A3")


def _blank_row(sheet):
    sheet.insert_rows(3)


def _without_name_column(sheet):
    sheet.delete_cols(4)


def _without_head_column(sheet):
    sheet.delete_cols(12)


@pytest.mark.parametrize(
    "rows, transform, expected",
    [
        ([household_row("H1", VILLAGE_A, "An"), household_row("H1", VILLAGE_A, "Bình")], _merge, "ô gộp (A2:A3)"),
        ([household_row("H1", VILLAGE_A, "An")], _without_name_column, "Thiếu cột bắt buộc: Họ và tên"),
    ],
    ids=["merged cells", "missing column"],
)
def test_files_refused_as_a_whole(small_map, officer_a, scope_a, rows, transform, expected):
    result = import_file(xlsx(HOUSEHOLDS, rows, transform=transform), HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert expected in result.file_error
    assert Person.objects.count() == 0


def test_the_wrong_template_is_named(small_map, officer_a, scope_a):
    source = xlsx(CLANS, [["Họ Nguyễn", "Chi 1", "12001", "", ""]])
    result = import_file(source, HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert "mẫu «Chi dòng họ và hộ thành viên», không phải mẫu «Hộ gia đình và nhân khẩu»" in result.file_error
    assert ClanBranch.objects.count() == 0


def test_a_sheet_that_is_no_template_at_all_is_refused(small_map, scope_a):
    workbook = Workbook()
    workbook.active.append(["Tên", "Tuổi"])
    workbook.active.append(["An", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "Không nhận ra mẫu" in check_file(buffer, HOUSEHOLDS, scope=scope_a).file_error


def test_an_empty_file_is_refused(small_map, scope_a):
    assert "không có dòng dữ liệu" in check_file(xlsx(HOUSEHOLDS, []), HOUSEHOLDS, scope=scope_a).file_error


@pytest.mark.parametrize(
    "rows, transform, column, expected",
    [
        (
            [household_row("H1", VILLAGE_A, "An", birth_date="25/03/1980", birth_year=None, head=True)],
            None,
            "F",
            "dạng chữ",
        ),
        ([household_row("H1", VILLAGE_A, "=1+1", head=True)], None, "D", "công thức"),
        (
            [household_row("H1", VILLAGE_A, "An", head=True), household_row("H1", VILLAGE_A, "Bình")],
            _blank_row,
            "",
            "Dòng trống giữa các dòng dữ liệu (dòng 3 đến 3)",
        ),
        ([household_row("H1", VILLAGE_A, "An\u200b", birth_year=1980, head=True)], None, "D", "ký tự ẩn"),
        (
            [
                household_row("H1", VILLAGE_A, "An", id_number="034080001234", head=True),
                household_row("H2", VILLAGE_A, "Bình", id_number="034080001234", head=True),
            ],
            None,
            "I",
            "Trùng số CCCD với dòng 2",
        ),
        ([household_row("H1", "00000-000", "An")], None, "B", "Không có đơn vị mã 00000-000"),
        (
            [household_row("H1", VILLAGE_A, "An", head=True), household_row("H1", VILLAGE_A, "Bình", head=True)],
            None,
            "L",
            "đã có chủ hộ ở dòng 2",
        ),
        ([household_row("H1", VILLAGE_A, "An", birth_year=None, head=True)], None, "G", "Cần ngày sinh hoặc năm sinh"),
        (
            [household_row("H1", VILLAGE_A, "An"), household_row("H1", VILLAGE_A, "Bình")],
            None,
            "L",
            "Hộ H1 chưa có chủ hộ",
        ),
        ([household_row("H1", VILLAGE_A, "An")], _without_head_column, "", "thêm cột Chủ hộ nếu tệp chưa có"),
    ],
    ids=[
        "date as text",
        "formula",
        "empty row between data",
        "zero-width space in a name",
        "duplicate ID number",
        "unknown unit code",
        "two heads",
        "no birth",
        "no head",
        "no head column",
    ],
)
def test_bad_cells_are_reported_and_nothing_is_written(
    small_map, officer_a, scope_a, rows, transform, column, expected
):
    result = import_file(xlsx(HOUSEHOLDS, rows, transform=transform), HOUSEHOLDS, scope=scope_a, actor=officer_a)
    assert not result.committed
    assert [(e["column"], expected in e["reason"]) for e in result.errors] == [(column, True)], result.errors
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_uploads_are_checked_by_content_not_name(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv_named_xlsx = SimpleUploadedFile("ho.xlsx", "Mã hộ,Họ và tên\nH1,An\n".encode())
    with pytest.raises(UploadRejected, match="không phải bảng tính Excel .xlsx"):
        check_xlsx(csv_named_xlsx)
    old_excel = SimpleUploadedFile("ho.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(UploadRejected, match=r"\.xls"):
        check_xlsx(old_excel)
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(UploadRejected, match="quá lớn"):
        check_xlsx(SimpleUploadedFile("ho.xlsx", b"PK\x03\x04" + b"0" * 20))


def test_the_error_report_marks_every_bad_cell(small_map, scope_a):
    source = xlsx(HOUSEHOLDS, [household_row("H1", "00000-000", "An", sex="?")])
    result = check_file(source, HOUSEHOLDS, scope=scope_a)
    workbook = load_workbook(io.BytesIO(error_report(source, HOUSEHOLDS, result.errors)))
    sheet = workbook[HOUSEHOLDS.sheet_title]
    assert sheet["B2"].comment is not None and "00000-000" in sheet["B2"].comment.text
    assert sheet["E2"].fill.start_color.rgb.endswith("FFC7CE")
    assert workbook.active.title == "Lỗi" and workbook["Lỗi"].max_row == 3


# -- the other templates -----------------------------------------------------------------------


def test_organisations_with_staff(small_map, officer_a, scope_a, household_a):
    rows = [
        [
            "Trường Tiểu học An Lạc",
            "Trường học",
            None,
            "12001",
            "",
            "Lê Thị Mai",
            "Nữ",
            None,
            1985,
            "",
            None,
            None,
            None,
        ],
        [
            "Trường Tiểu học An Lạc",
            "Trường học",
            None,
            "12001",
            "",
            "Nguyễn Văn An",
            "Nam",
            None,
            1975,
            "",
            "034075001234",
            None,
            None,
        ],
        [
            "HTX Nông nghiệp Đông",
            "Hợp tác xã",
            "Cấp xã quản lý",
            VILLAGE_A,
            "",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    result = import_file(xlsx(ORGANISATIONS, rows), ORGANISATIONS, scope=scope_a, actor=officer_a)
    assert result.committed, result.errors
    assert result.counts == {
        "organisation": {"create": 2, "change": 0, "unchanged": 0},
        "person": {"create": 1, "change": 1, "unchanged": 0},
    }
    school = Organisation.objects.get(name="Trường Tiểu học An Lạc")
    assert sorted(school.staff.values_list("full_name", flat=True)) == ["Lê Thị Mai", "Nguyễn Văn An"]
    assert Person.objects.get(full_name="Lê Thị Mai").occupation_group == "official"
    assert Person.objects.get(full_name="Nguyễn Văn An").household == household_a  # the same person, now staff
    again = import_file(xlsx(ORGANISATIONS, rows), ORGANISATIONS, scope=scope_a, actor=officer_a)
    assert again.counts["person"] == {"create": 0, "change": 0, "unchanged": 2}
    assert again.counts["organisation"]["unchanged"] == 2


def test_clan_branches_with_member_households(small_map, officer_a, scope_a, household_a):
    rows = [["Họ Nguyễn Văn", "Chi 2", "12001", "Nguyễn Văn An", "H0001"], ["Họ Trần", "", "12001", "", None]]
    result = import_file(xlsx(CLANS, rows), CLANS, scope=scope_a, actor=officer_a)
    assert result.committed, result.errors
    assert result.counts == {
        "clan_branch": {"create": 2, "change": 0, "unchanged": 0},
        "membership": {"create": 1, "change": 0, "unchanged": 0},
    }
    household_a.refresh_from_db()
    assert str(household_a.clan_branch) == "Họ Nguyễn Văn · Chi 2"
    assert LogEntry.objects.get_for_object(household_a).filter(action=LogEntry.Action.UPDATE).exists()
    again = import_file(xlsx(CLANS, rows), CLANS, scope=scope_a, actor=officer_a)
    assert again.counts["membership"] == {"create": 0, "change": 0, "unchanged": 1}
    unknown = check_file(xlsx(CLANS, [["Họ Lê", "", "12001", "", "H9999"]]), CLANS, scope=scope_a)
    assert "không có hộ mã H9999" in unknown.errors[0]["reason"]


def test_villages_are_created_under_the_commune(small_map, officer_a, scope_a):
    rows = [
        ["12001", "Thôn", "Bắc", None],
        ["12001", "Tổ dân phố", "Số 5", "12001-050"],
        ["12001", "Thôn", "Đông", None],
    ]
    result = import_file(xlsx(VILLAGES, rows), VILLAGES, scope=scope_a, actor=officer_a)
    assert result.committed, result.errors
    assert result.counts == {"village": {"create": 2, "change": 0, "unchanged": 1}}
    assert small_map["commune_a"].children.filter(code="12001-050", name="Tổ dân phố Số 5").exists()
    assert (
        "ngoài địa bàn"
        in check_file(xlsx(VILLAGES, [["12002", "Thôn", "X", None]]), VILLAGES, scope=scope_a).errors[0]["reason"]
    )


def test_a_village_officer_may_not_import_villages(village_officer_a):
    assert not VILLAGES.permitted(Scope(village_officer_a))
    assert HOUSEHOLDS.permitted(Scope(village_officer_a))


# -- through the pages -------------------------------------------------------------------------


def test_upload_check_confirm_import_through_the_pages(client_a, small_map):
    source = xlsx(HOUSEHOLDS, [household_row("H1", VILLAGE_A, "An", head=True), household_row("H1", VILLAGE_A, "Bình")])
    response = client_a.post("/registry/imports/", {"template": "households", "file": source})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/imports/{job.pk}/"
    assert job.status == ImportJob.Status.CHECKED and Person.objects.count() == 0
    page = client_a.get(response.url).content.decode()
    assert "Nhập vào sổ" in page
    client_a.post(f"/registry/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Person.objects.count() == 2
    assert not job.file.storage.exists(job.file.name)  # the upload is not kept once imported


def test_a_bad_upload_writes_nothing_and_offers_the_marked_file(client_a, small_map):
    source = xlsx(HOUSEHOLDS, [household_row("H1", "00000-000", "An")])
    client_a.post("/registry/imports/", {"template": "households", "file": source})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and job.error_count == 1
    assert "00000-000" in client_a.get(f"/registry/imports/{job.pk}/").content.decode()
    report = client_a.get(f"/registry/imports/{job.pk}/report/")
    assert report["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_a.post(f"/registry/imports/{job.pk}/commit/").status_code == 302
    assert Person.objects.count() == 0


def test_a_non_excel_upload_is_refused_with_a_message(client_a, small_map):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_a.post(
        "/registry/imports/", {"template": "households", "file": SimpleUploadedFile("ho.xlsx", b"ho,ten\n1,An\n")}
    )
    assert "không phải bảng tính Excel" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_large_files_go_to_the_worker_and_the_task_runs_the_job(
    client_a, small_map, monkeypatch, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from hoctap.registry import jobs

    monkeypatch.setattr(jobs, "SYNC_MAX_BYTES", 0)
    source = xlsx(HOUSEHOLDS, [household_row("H1", VILLAGE_A, "An", head=True)])
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/registry/imports/", {"template": "households", "file": source})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKING
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "hoctap.registry.jobs.run_import_job"
    assert queued.args_kwargs["args"] == [job.pk, False]
    assert "every 1s" in client_a.get(f"/registry/imports/{job.pk}/progress/").content.decode()
    jobs.run_import_job.call(job.pk, False)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert client_a.get(f"/registry/imports/{job.pk}/progress/")["HX-Refresh"] == "true"


def test_a_job_that_breaks_is_closed_and_logs_no_values(client_a, small_map, monkeypatch, caplog):
    from hoctap.registry import jobs

    def broken(*args, **kwargs):
        raise RuntimeError("duplicate key value 034080001234")

    monkeypatch.setattr(jobs, "check_file", broken)
    client_a.post(
        "/registry/imports/",
        {"template": "households", "file": xlsx(HOUSEHOLDS, [household_row("H1", VILLAGE_A, "An")])},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID and "Lỗi hệ thống" in job.file_error
    assert "RuntimeError" in caplog.text and "034080001234" not in caplog.text


@pytest.mark.parametrize("template", [HOUSEHOLDS, ORGANISATIONS, CLANS, VILLAGES], ids=lambda t: t.code)
def test_every_downloaded_template_reads_back(client_a, scope_a, template):
    response = client_a.get(f"/registry/imports/templates/{template.code}/")
    assert response["Content-Disposition"] == f'attachment; filename="mau-{template.code}.xlsx"'
    result = check_file(io.BytesIO(response.content), template, scope=scope_a)
    assert "không có dòng dữ liệu" in result.file_error  # recognised as itself, merely empty


def test_templates_download_in_vietnamese(client_a):
    response = client_a.get("/registry/imports/templates/households/")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["Hộ gia đình", "Hướng dẫn"]
    assert [c.value for c in workbook["Hộ gia đình"][1]][:4] == ["Mã hộ", "Mã thôn, tổ dân phố", "Địa chỉ", "Họ và tên"]
    assert client_a.get("/registry/imports/templates/nothing/").status_code == 404


def test_a_file_over_the_limit_is_refused_from_its_declared_size_before_any_row_is_read(small_map, scope_a):
    import re
    import zipfile

    from hoctap.core.imports import MAX_DATA_ROWS

    small = xlsx(HOUSEHOLDS, [household_row("H1", VILLAGE_A, "An", head=True)])
    declared = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(declared, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b"<dimension" in data:
                data = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:M{MAX_DATA_ROWS + 2}"'.encode(), data)
            target.writestr(item, data)
    declared.seek(0)
    seen = []
    result = check_file(declared, HOUSEHOLDS, scope=scope_a, progress=lambda *args: seen.append(args))
    assert "Tệp có 100.001 dòng, quá 100.000 dòng dữ liệu" in result.file_error
    assert result.rows == 0 and seen == []  # refused before reading: no row counted, no progress


def test_while_a_checked_file_is_written_the_page_keeps_its_row_count(client_a, small_map, monkeypatch):
    """A one-pass import starts writing before it knows the file's size: the job keeps the row count
    its check found, so the page says how many rows are being written."""
    from django.template.loader import render_to_string

    from hoctap.registry import jobs

    rows = [household_row("H1", VILLAGE_A, "An", head=True), household_row("H1", VILLAGE_A, "Bình")]
    client_a.post("/registry/imports/", {"template": "households", "file": xlsx(HOUSEHOLDS, rows)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED and job.rows_total == 2
    seen = {}
    real_import = jobs.import_file

    def observed(source, template, *, progress, **kwargs):
        def spy(phase, done, total):
            progress(phase, done, total)
            # The progress fragment as the page polls it (rendered here: the polling request would
            # share this test's database connection, which holds the job's liveness lock).
            seen["page"] = render_to_string("registry/_import_progress.html", {"job": ImportJob.objects.get()})

        return real_import(source, template, progress=spy, **kwargs)

    monkeypatch.setattr(jobs, "import_file", observed)
    client_a.post(f"/registry/imports/{job.pk}/commit/")
    assert "Đang ghi 2 dòng vào sổ" in seen["page"]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Person.objects.count() == 2

"""List exports above the streaming limit run as jobs: progress, download, the requester only, a
clean error, files purged after the retention delay. Run on a bucket too (`--storage=s3`)."""

import csv
import dataclasses
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from hoctap.accounts.roles import Role
from hoctap.exports import jobs, kinds, tasks
from hoctap.exports.models import ExportJob, ExportStatus
from hoctap.registry.models import Household, Person
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PEOPLE = "/registry/people/export/"


@pytest.fixture
def people(small_map):
    household = Household.objects.create(code="H1", village=small_map["village_a"])
    for number in range(12):
        Person.objects.create(
            full_name=f"Nguyễn Văn {number:02d}",
            sex="male",
            birth_year=1980 + number,
            household=household,
            unit=small_map["village_a"],
            id_number=f"0340800012{number:02d}",
        )
    Person.objects.create(full_name="Lê Thị Đoài", sex="female", birth_year=1990, unit=small_map["village_b"])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def test_a_small_list_streams_at_once_without_a_job(client_a, people, settings):
    settings.HOCTAP_EXPORT_STREAM_ROWS = 12
    assert "Danh sách trên 12 dòng được tạo ở chế độ nền" in client_a.get("/registry/people/").content.decode()
    response = client_a.post(PEOPLE + "?format=csv", {})
    rows = _csv(response)
    assert response.status_code == 200 and len(rows) == 13 and not ExportJob.objects.exists()


def test_a_large_list_is_a_job_the_requester_watches_and_downloads(client, people, officer_a, small_map, settings):
    settings.HOCTAP_EXPORT_STREAM_ROWS = 5
    client.force_login(officer_a)
    response = client.post(PEOPLE + "?format=csv", {"q": "Nguyễn"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/my-exports/{job.pk}/"
    assert (job.kind, job.status, job.rows_total, job.requested_by) == ("registry.people", "queued", 12, officer_a)
    # The page polls while the job waits, and says the user may leave.
    page = client.get(f"/my-exports/{job.pk}/").content.decode()
    assert f'hx-get="/my-exports/{job.pk}/"' in page and 'hx-trigger="every 1s"' in page
    assert "0 / 12" in page and "có thể rời trang" in page
    assert client.get(f"/my-exports/{job.pk}/download/").status_code == 404

    tasks.run_export.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_done, job.filename) == (ExportStatus.DONE, 100, 12, "nhan-khau.csv")
    assert job.file.name.startswith("exports/") and default_storage.exists(job.file.name)
    partial = client.get(f"/my-exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in partial and "100%" in partial and f"/my-exports/{job.pk}/download/" in partial
    download = client.get(f"/my-exports/{job.pk}/download/")
    assert download["Content-Type"] == "text/csv; charset=utf-8" and "no-store" in download["Cache-Control"]
    rows = _csv(download)
    assert len(rows) == 13 and {row[0] for row in rows[1:]} == {f"Nguyễn Văn {n:02d}" for n in range(12)}
    assert all(row[4].startswith("*") and row[4].endswith(row[4][-4:]) for row in rows[1:])  # masked
    assert "Lê Thị Đoài" not in str(rows)
    # The user's list of exports shows it; the home page's finished jobs link to it.
    assert f"/my-exports/{job.pk}/" in client.get("/my-exports/").content.decode()

    # Another officer of the same commune does not read it; neither does commune B's.
    colleague = make_user("colleague_a", Role.COMMUNE_OFFICER, small_map["commune_a"])
    for other in (colleague, make_user("other_b", Role.COMMUNE_OFFICER, small_map["commune_b"])):
        client.force_login(other)
        assert client.get(f"/my-exports/{job.pk}/").status_code == 404
        assert client.get(f"/my-exports/{job.pk}/download/").status_code == 404
        assert f"/my-exports/{job.pk}/" not in client.get("/my-exports/").content.decode()
    # The requester who lost the commune does not either.
    officer_a.assignments.update(valid_to=datetime.date(2021, 1, 1))
    client.force_login(officer_a)
    assert client.get(f"/my-exports/{job.pk}/download/").status_code == 404


def test_an_xlsx_job_with_a_village_filter_is_bounded_by_the_scope(client_a, people, small_map, settings):
    settings.HOCTAP_EXPORT_STREAM_ROWS = 0
    client_a.post(PEOPLE + "?format=xlsx", {"village": small_map["village_a"].pk})
    # Another commune's village is refused on the list page: no job, not the whole area instead.
    refused = client_a.post(PEOPLE + "?format=xlsx", {"village": small_map["village_b"].pk})
    assert refused.status_code == 200 and "bộ lọc có lỗi" in refused.content.decode()
    mine = ExportJob.objects.get()
    assert mine.unit == small_map["village_a"]
    tasks.run_export.call(mine.pk)
    sheet = load_workbook(io.BytesIO(_body(client_a.get(f"/my-exports/{mine.pk}/download/")))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 12 and "Lê Thị Đoài" not in names


def test_a_job_whose_writer_fails_says_so_cleanly(client_a, people, settings, monkeypatch):
    settings.HOCTAP_EXPORT_STREAM_ROWS = 0

    def broken(job, scope, out, progress):
        raise RuntimeError("Nguyễn Văn 01 034080001201")  # a message that must never reach a page or a log

    monkeypatch.setitem(
        kinds._KINDS, "registry.people", dataclasses.replace(kinds.get("registry.people"), write=broken)
    )
    client_a.post(PEOPLE, {})
    job = ExportJob.objects.get()
    with pytest.raises(RuntimeError):
        tasks.run_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.file
    page = client_a.get(f"/my-exports/{job.pk}/").content.decode()
    assert "Xuất không thành công" in page and "Hãy yêu cầu xuất lại" in page and 'role="alert"' in page
    assert "every 1s" not in page and "034080001201" not in page
    assert client_a.get(f"/my-exports/{job.pk}/download/").status_code == 404


def test_finished_files_are_purged_after_the_retention_delay(client_a, people, settings):
    settings.HOCTAP_EXPORT_STREAM_ROWS = 0
    settings.HOCTAP_EXPORT_RETENTION_HOURS = 72
    client_a.post(PEOPLE + "?format=csv", {"q": "Nguyễn Văn 01"})
    client_a.post(PEOPLE + "?format=csv", {})
    old, recent = ExportJob.objects.order_by("pk")
    for job in (old, recent):
        tasks.run_export.call(job.pk)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(hours=73))
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.params["q"] == "Nguyễn Văn 01"
    orphan = default_storage.save("exports/orphan.csv", ContentFile(b"x"))
    assert jobs.purge_finished(now=timezone.now() + datetime.timedelta(hours=1)) == [old.pk]
    assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)
    assert default_storage.exists(orphan)  # written just now: it may be a job's file being recorded
    old.refresh_from_db()
    assert not old.file and old.params == {"purged": True, "format": "csv"}  # the searched name is gone too
    page = client_a.get(f"/my-exports/{old.pk}/").content.decode()
    assert "đã được xoá sau thời hạn lưu giữ" in page and "/download/" not in page
    assert client_a.get(f"/my-exports/{old.pk}/download/").status_code == 404
    # Later runs leave it alone and take the orphan once it is old enough.
    later = timezone.now() + datetime.timedelta(hours=80)
    assert jobs.purge_finished(now=later) == [recent.pk]
    assert not default_storage.exists(orphan)
    assert jobs.purge_finished(now=later) == []

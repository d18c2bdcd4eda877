"""Uploads never imported are deleted after the retention delay; what the officer needs stays."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from hoctap.registry import jobs
from hoctap.registry.imports import HOUSEHOLDS
from hoctap.registry.models import ImportJob
from tests.registry.conftest import household_row, xlsx


def upload(client, rows):
    client.post("/registry/imports/", {"template": "households", "file": xlsx(HOUSEHOLDS, rows)})
    return ImportJob.objects.latest("pk")


def test_files_never_imported_go_after_the_delay_and_the_job_keeps_its_result(client_a, small_map, settings):
    settings.HOCTAP_UPLOAD_RETENTION_HOURS = 72
    bad = upload(client_a, [household_row("H1", "12001-001", "An")])  # no head: refused
    checked = upload(client_a, [household_row("H2", "12001-001", "Bình", head=True)])
    assert (bad.status, checked.status) == (ImportJob.Status.INVALID, ImportJob.Status.CHECKED)
    orphan = default_storage.save("imports/orphan.xlsx", ContentFile(b"x"))
    assert all(default_storage.exists(name) for name in (bad.file.name, checked.file.name, orphan))

    assert jobs.purge_uploads(now=timezone.now() + datetime.timedelta(hours=71)) == []
    assert default_storage.exists(checked.file.name) and default_storage.exists(orphan)

    later = timezone.now() + datetime.timedelta(hours=73)
    assert sorted(jobs.purge_uploads(now=later)) == sorted([bad.pk, checked.pk])
    assert not any(default_storage.exists(name) for name in (bad.file.name, checked.file.name, orphan))
    bad.refresh_from_db()
    assert bad.file.name == "" and bad.error_count == 1 and "chưa có chủ hộ" in bad.errors[0]["reason"]
    page = client_a.get(f"/registry/imports/{bad.pk}/").content.decode()
    assert "đã được xoá sau thời hạn lưu giữ" in page and "Tải tệp đánh dấu lỗi" not in page
    assert client_a.get(f"/registry/imports/{bad.pk}/report/").status_code in (302, 404)

    # Confirming a checked file after its upload is gone says what to do, and writes nothing.
    page = client_a.post(f"/registry/imports/{checked.pk}/commit/", follow=True).content.decode()
    assert "Hãy tải tệp lên lại" in page
    checked.refresh_from_db()
    assert checked.status == ImportJob.Status.CHECKED

"""The backup and restore drill: scripts/backup.sh, the database and media wiped, scripts/restore.sh;
then every count is back, `manage.py stats verify` passes, an evidence file has its SHA-256 again, and
the restored database takes new rows (its sequences came back too).

On PostgreSQL the wipe drops the whole schema (a new, empty server) and the dump is pg_dump's custom
format; on SQLite (the embedded set-up) the database file itself is deleted and the copy is
sqlite3's online backup.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image

from hoctap.accounts.models import User
from hoctap.accounts.scoping import Scope
from hoctap.assessments import evidence
from hoctap.assessments.models import Assessment, Decision, Evidence, EvidenceFile, StateChange
from hoctap.registry.models import Household, Person
from hoctap.stats.models import Tally
from hoctap.territory.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = (Unit, User, Household, Person, Assessment, StateChange, Decision, Evidence, EvidenceFile, Tally)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def wipe(live) -> None:
    if live.is_postgresql:
        with connection.cursor() as cursor:  # a new server: not one table left
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live.file}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(settings.MEDIA_ROOT)


def test_backup_wipe_restore_gives_back_every_row_and_file(live, family_assessment, users, tmp_path):
    attached = evidence.attach(
        Scope(users["village_officer"]),
        family_assessment,
        SimpleUploadedFile("anh.jpg", photo(), content_type="image/jpeg"),
        effective_date=datetime.date(2025, 6, 1),
    )
    digest = attached.file.sha256
    stored = Path(default_storage.path(attached.file.path))
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    before = counts()
    assert before["Tally"] and before["Decision"] and before["EvidenceFile"] == 1
    live.publish()
    media = dict(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    backup = tmp_path / "backup"

    live.run("scripts/backup.sh", str(backup), **media)
    assert sorted(path.name for path in backup.iterdir()) == sorted(
        ["db.dump" if live.is_postgresql else "db.sqlite3", "media.tar.gz", "SHA256SUMS"]
    )

    wipe(live)
    assert not stored.exists()

    live.run("scripts/restore.sh", str(backup), **media)
    live.reload()
    assert counts() == before
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    assert EvidenceFile.objects.get().sha256 == digest
    done = live.run("manage.py", "stats", "verify", check=False)
    assert done.returncode == 0, f"stats verify after the restore:\n{done.stdout}\n{done.stderr}"
    created = Household.objects.create(code="H-NEW", village=family_assessment.unit)
    assert created.pk > max(Household.objects.exclude(pk=created.pk).values_list("pk", flat=True))


def test_a_damaged_backup_is_refused_before_anything_is_touched(live, small_map, tmp_path):
    live.publish()
    backup = tmp_path / "backup"
    media = dict(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    live.run("scripts/backup.sh", str(backup), **media)
    with open(backup / "media.tar.gz", "ab") as archive:
        archive.write(b"\0")
    refused = live.run("scripts/restore.sh", str(backup), check=False, **media)
    assert refused.returncode != 0 and "fails its checksums" in refused.stderr

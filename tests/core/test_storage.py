"""Files on an S3-compatible bucket (a real SeaweedFS server, tests/seaweedfs.py), and app servers
that keep nothing locally: two server processes over one database and one bucket, an evidence photo
uploaded through one and read through the other.

The evidence, document, import and export tests also run whole with `--storage=s3`
(scripts/run-tests.sh); this file checks what only a bucket shows: the settings built from S3_*,
the keys by content hash, a wrong key refused by the server, and several processes sharing files.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import subprocess
import sys
import time

import pytest
import requests
from botocore.exceptions import ClientError
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from PIL import Image

from hoctap.assessments import evidence
from hoctap.core import documents as core_documents
from hoctap.core.storage import S3_BACKEND, default_storage_from_environment, s3_storage, uses_bucket
from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    campaigns,
    family_assessment,
    head_is_citizen,
    people,
    published,
    scope_of,
    users,
)
from tests.crash.conftest import ROOT, LiveDatabase
from tests.seaweedfs import free_ports

PASSWORD = "correct-horse-battery-9"
BUCKETS = itertools.count(1)


def photo(colour=(30, 120, 200), size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def bucket(seaweedfs):
    """A fresh bucket of the session's SeaweedFS server, as this process's default storage."""
    name = seaweedfs.create_bucket(f"test-{next(BUCKETS)}")
    entry = s3_storage(
        name, endpoint_url=seaweedfs.endpoint_url, access_key=seaweedfs.access_key, secret_key=seaweedfs.secret_key
    )
    with override_settings(STORAGES={**storages.backends, "default": entry}):
        yield name


def test_without_s3_bucket_files_stay_on_the_servers_disk(monkeypatch):
    monkeypatch.delenv("S3_BUCKET", raising=False)
    assert default_storage_from_environment(1024) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_variables_name_a_private_bucket(monkeypatch):
    for key, value in {
        "S3_BUCKET": "hoctap-evidence",
        "S3_ENDPOINT_URL": "https://s3.example.vn",
        "S3_ACCESS_KEY_ID": "key",
        "S3_SECRET_ACCESS_KEY": "secret",
        "S3_PREFIX": "/tinh-33/",
    }.items():
        monkeypatch.setenv(key, value)
    entry = default_storage_from_environment(1024)
    options = entry["OPTIONS"]
    assert entry["BACKEND"] == S3_BACKEND
    assert (options["bucket_name"], options["endpoint_url"], options["location"]) == (
        "hoctap-evidence",
        "https://s3.example.vn",
        "tinh-33",
    )
    assert options["use_ssl"] and options["default_acl"] is None and options["querystring_expire"] == 60


@pytest.mark.django_db
def test_evidence_goes_to_the_bucket_by_its_hash_and_is_served_after_the_scope_check(
    bucket, seaweedfs, family_assessment, users, client, officer_b
):
    data = photo()
    attached = evidence.attach(
        scope_of(users["village_officer"]),
        family_assessment,
        SimpleUploadedFile("anh.jpg", data, content_type="image/jpeg"),
        effective_date=datetime.date(2025, 6, 1),
    )
    assert uses_bucket(default_storage)
    digest = hashlib.sha256(data).hexdigest()
    stored = seaweedfs.client().get_object(Bucket=bucket, Key=attached.file.path)["Body"].read()
    assert attached.file.path.endswith(digest) and stored == data

    client.force_login(users["commune_officer"])
    response = client.get(f"/evidence/{attached.pk}/file/")
    assert response.status_code == 200 and response.content == data
    assert response["Cache-Control"] == "private, max-age=3600"
    assert client.get(f"/evidence/{attached.pk}/thumbnail/small/").status_code == 200
    keys = {item["Key"] for item in seaweedfs.client().list_objects_v2(Bucket=bucket)["Contents"]}
    assert f"thumbnails/small/{digest[:2]}/{digest}.jpg" in keys
    # Nothing in a page points at the bucket: the file is reached only through the scoped view.
    client.force_login(officer_b)
    assert client.get(f"/evidence/{attached.pk}/file/").status_code == 404
    assert client.get(f"/evidence/{attached.pk}/thumbnail/small/").status_code == 404


def test_the_bucket_refuses_a_wrong_key_and_anonymous_reads(seaweedfs):
    name = seaweedfs.create_bucket("private-check")
    seaweedfs.client().put_object(Bucket=name, Key="evidence/x", Body=b"secret")
    import boto3

    wrong = boto3.client(
        "s3",
        endpoint_url=seaweedfs.endpoint_url,
        aws_access_key_id=seaweedfs.access_key,
        aws_secret_access_key="not-the-secret",
        region_name="us-east-1",
    )
    with pytest.raises(ClientError):
        wrong.get_object(Bucket=name, Key="evidence/x")
    assert requests.get(f"{seaweedfs.endpoint_url}/{name}/evidence/x", timeout=10).status_code == 403


@pytest.mark.django_db
def test_a_decision_pdf_is_rendered_once_and_kept_by_the_hash_of_its_html(bucket, seaweedfs, monkeypatch):
    rendered = []
    real = core_documents.write_pdf
    monkeypatch.setattr(core_documents, "write_pdf", lambda html: rendered.append(html) or real(html))
    html = "<html><body><p>Quyết định số 1/QĐ-UBND</p></body></html>"
    first = core_documents.stored_pdf(html)
    assert first.startswith(b"%PDF") and core_documents.stored_pdf(html) == first and len(rendered) == 1
    keys = [item["Key"] for item in seaweedfs.client().list_objects_v2(Bucket=bucket, Prefix="documents/")["Contents"]]
    assert len(keys) == 1 and keys[0].endswith(".pdf")
    core_documents.stored_pdf(html.replace("1/QĐ", "2/QĐ"))  # another document: another file
    assert len(rendered) == 2


# -- two app servers, one database, one bucket ----------------------------------------------------


class AppServer:
    """`manage.py runserver --noreload` on a free port, with the environment production would give
    it (DATABASE_URL, S3_*), as a separate process that shares nothing else with the others."""

    def __init__(self, live: LiveDatabase, env: dict, log_path):
        self.port = free_ports(1)[0]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=live.env(**env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def wait(self, timeout=60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                requests.get(f"{self.url}/login/", timeout=2)
                return self
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"the app server on {self.port} did not answer:\n{open(self.log.name).read()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def login(session: requests.Session, server: AppServer, username: str) -> None:
    session.get(f"{server.url}/login/", timeout=30)
    answer = session.post(
        f"{server.url}/login/",
        timeout=30,
        allow_redirects=False,
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
    )
    assert answer.status_code == 302, answer.text[:500]


@pytest.mark.django_db(transaction=True)
def test_two_app_servers_share_evidence_through_the_database_and_the_bucket(
    seaweedfs, family_assessment, users, officer_b, tmp_path
):
    live = LiveDatabase(tmp_path)
    live.publish()
    name = seaweedfs.create_bucket(f"two-servers-{next(BUCKETS)}")
    # Each server gets its own empty MEDIA_ROOT: anything it wrote locally would be missing on the
    # other one, so the test passes only if the bytes went through the bucket.
    env_a = {**seaweedfs.storage_env(name), "MEDIA_ROOT": str(tmp_path / "media-a")}
    env_b = {**seaweedfs.storage_env(name), "MEDIA_ROOT": str(tmp_path / "media-b")}
    first = AppServer(live, env_a, tmp_path / "a.log")
    second = AppServer(live, env_b, tmp_path / "b.log")
    try:
        first.wait(), second.wait()
        officer = requests.Session()
        login(officer, first, users["village_officer"].username)
        data = photo(colour=(200, 90, 10))
        uploaded = officer.post(
            f"{first.url}/assessments/{family_assessment.pk}/evidence/",
            timeout=60,
            headers={"Accept": "application/json", "X-CSRFToken": officer.cookies["csrftoken"]},
            data={"effective_date": "2025-06-01", "csrfmiddlewaretoken": officer.cookies["csrftoken"]},
            files={"file": ("anh-ho-gia-dinh.jpg", data, "image/jpeg")},
        )
        assert uploaded.status_code == 201, uploaded.text[:500]

        # The second server: the session (in the database) holds, the file comes from the bucket.
        reviewer = requests.Session()
        login(reviewer, second, users["commune_officer"].username)
        live.reload()
        from hoctap.assessments.models import Evidence

        attached = Evidence.objects.select_related("file").get(assessment=family_assessment)
        read = reviewer.get(f"{second.url}/evidence/{attached.pk}/file/", timeout=60)
        assert read.status_code == 200 and read.content == data
        thumbnail = reviewer.get(f"{second.url}/evidence/{attached.pk}/thumbnail/small/", timeout=60)
        assert thumbnail.status_code == 200 and thumbnail.headers["Content-Type"] == "image/jpeg"
        # ... and the thumbnail the second server made is the one the first one hands out.
        again = officer.get(f"{first.url}/evidence/{attached.pk}/thumbnail/small/", timeout=60)
        assert again.content == thumbnail.content
        # Out of scope on either server: not found.
        stranger = requests.Session()
        login(stranger, first, officer_b.username)
        assert stranger.get(f"{second.url}/evidence/{attached.pk}/file/", timeout=60).status_code == 404
        assert not any(
            (tmp_path / media).exists() and any((tmp_path / media).rglob("*.*")) for media in ("media-a", "media-b")
        )
    finally:
        first.stop()
        second.stop()


@pytest.mark.django_db(transaction=True)
def test_a_decision_pdf_asked_on_one_server_is_made_by_the_worker_and_read_on_another(
    seaweedfs, head_is_citizen, users, officer_b, tmp_path
):
    """Issue 17 §3 for the documents: the request on server A only queues the PDF (a row in the
    database), the worker (a third process) renders it into the bucket, and server B reads it;
    none of the three keeps a file of its own."""
    live = LiveDatabase(tmp_path)
    live.publish()
    name = seaweedfs.create_bucket(f"documents-{next(BUCKETS)}")
    env = {media: {**seaweedfs.storage_env(name), "MEDIA_ROOT": str(tmp_path / media)} for media in ("a", "b", "w")}
    first = AppServer(live, env["a"], tmp_path / "a.log")
    second = AppServer(live, env["b"], tmp_path / "b.log")
    decision = head_is_citizen.decision
    try:
        first.wait(), second.wait()
        approver = requests.Session()
        login(approver, first, users["commune_approver"].username)
        asked = approver.get(f"{first.url}/decisions/{decision.pk}/decision.pdf", timeout=60)
        assert asked.status_code == 202 and "Đang tạo tệp PDF" in asked.text
        live.run("manage.py", "db_worker", "--batch", "--no-startup-delay", "--queue-name=*", **env["w"])
        # The session and the job are in the database, the file in the bucket: server B hands it out.
        read = approver.get(f"{second.url}/decisions/{decision.pk}/decision.pdf", timeout=60)
        assert read.status_code == 200 and read.content.startswith(b"%PDF")
        assert approver.get(f"{first.url}/decisions/{decision.pk}/decision.pdf", timeout=60).content == read.content
        stranger = requests.Session()
        login(stranger, second, officer_b.username)
        assert stranger.get(f"{second.url}/decisions/{decision.pk}/decision.pdf", timeout=60).status_code == 404
        keys = [
            item["Key"] for item in seaweedfs.client().list_objects_v2(Bucket=name, Prefix="documents/")["Contents"]
        ]
        assert len(keys) == 1
        assert not any((tmp_path / media).exists() and any((tmp_path / media).rglob("*.*")) for media in env)
    finally:
        first.stop()
        second.stop()

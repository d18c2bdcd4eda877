"""Crash safety, proven: the process is SIGKILLed in the middle of a recognition decision, a bulk
registry import and an export job (at a crash point, hoctap/core/crashpoints.py); then a new process
finds the data whole: `manage.py stats verify` passes, nothing of the import or the decision was
written, and the abandoned jobs are marked failed with a message their user reads.

PostgreSQL is what production runs, and where these matter most (the killed client's open
transaction and its advisory lock die with its connection). The SQLite pass runs the same steps on
the embedded set-up's file database (WAL), where the dead process's transaction is discarded when
the file is next opened and liveness is read from the process table.
"""

from __future__ import annotations

import contextlib
import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django_tasks_db.models import DBTaskResult

from hoctap.accounts.scoping import Scope
from hoctap.assessments.models import Assessment, Decision, StateChange
from hoctap.assessments.states import State
from hoctap.exports.models import ExportJob, ExportStatus
from hoctap.registry import jobs as import_jobs
from hoctap.registry.imports import HOUSEHOLDS
from hoctap.registry.models import Household, ImportJob, Person
from hoctap.reports import jobs as export_jobs
from hoctap.stats.models import Tally
from tests.assessments.conftest import walk_to_proposed
from tests.crash.conftest import wait_until
from tests.registry.conftest import household_row, xlsx

pytestmark = pytest.mark.django_db(transaction=True)

VILLAGE_A = "12001-001"


def stats_verify(live):
    done = live.run("manage.py", "stats", "verify", check=False)
    assert done.returncode == 0, f"stats verify found differences:\n{done.stdout}\n{done.stderr}"


def test_a_decision_killed_before_its_commit_leaves_nothing_decided(live, family_assessment, users):
    proposed = walk_to_proposed(family_assessment, users)
    decisions, steps = Decision.objects.count(), StateChange.objects.count()
    tallies = sorted(Tally.objects.values_list("unit_id", "year", "title", "recognised"))
    live.publish()

    live.kill_at("decision.before_commit", "tests/crash/decide.py", str(users["commune_approver"].pk), str(proposed.pk))

    live.reload()
    stored = Assessment.objects.get(pk=proposed.pk)
    assert stored.state == State.PROPOSED and stored.decision_id is None and stored.version == proposed.version
    assert Decision.objects.count() == decisions and StateChange.objects.count() == steps
    assert sorted(Tally.objects.values_list("unit_id", "year", "title", "recognised")) == tallies
    stats_verify(live)
    # After the restart the same decision goes through, and takes the number the dead one never got.
    # (decide.py --verify then runs `stats verify` in the same process.)
    live.run("tests/crash/decide.py", "--verify", str(users["commune_approver"].pk), str(proposed.pk))
    live.reload()
    assert Assessment.objects.get(pk=proposed.pk).state == State.RECOGNISED
    assert Decision.objects.count() == decisions + 1


def test_an_import_killed_while_writing_writes_nothing_and_its_job_is_failed(live, small_map, officer_a, client):
    rows = [household_row(f"H{n:03d}", VILLAGE_A, f"Người Số {n}", head=True) for n in range(1, 61)]
    upload = SimpleUploadedFile("ho.xlsx", xlsx(HOUSEHOLDS, rows).getvalue())
    job = import_jobs.create_job(Scope(officer_a), officer_a, HOUSEHOLDS, upload, request_id="crash-test")
    import_jobs.start(job, commit=False)  # the check (dry run), as after the upload
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CHECKED
    live.publish()

    live.kill_at("import.before_commit", "tests/crash/import_job.py", str(job.pk))

    live.reload()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING and job.worker  # as the dead process left it
    assert Household.objects.count() == 0 and Person.objects.count() == 0  # no half of the file
    # The restart step finds the job's process dead and says so to the uploader.
    recovered = wait_until(
        lambda: f"[{job.pk}]" in live.run("manage.py", "recover_jobs").stdout,
        what="recover_jobs marking the import failed",
    )
    assert recovered
    live.reload()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not job.worker
    client.force_login(officer_a)
    page = client.get(f"/registry/imports/{job.pk}/").content.decode()
    assert "dừng giữa chừng" in page and "chưa ghi gì vào sổ" in page and "every 1s" not in page
    assert Household.objects.count() == 0
    stats_verify(live)


@contextlib.contextmanager
def held_elsewhere(kind: str, job_id: int):
    """The job held by a live owner other than this test's connection (PostgreSQL's advisory locks
    are re-entrant within one session): a thread with its own connection; yields its owner token."""
    from hoctap.core import liveness

    token, taken, release = [], threading.Event(), threading.Event()

    def owner():
        try:
            with liveness.holding(kind, job_id) as worker:
                token.append(worker)
                taken.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=owner)
    thread.start()
    try:
        assert taken.wait(timeout=10)
        yield token[0]
    finally:
        release.set()
        thread.join(timeout=10)


def test_a_live_import_is_never_taken_for_a_dead_one(small_map, officer_a):
    """The recovery touches only jobs whose process is alive: here another connection of this very
    process holds the job."""
    upload = SimpleUploadedFile(
        "ho.xlsx", xlsx(HOUSEHOLDS, [household_row("H1", VILLAGE_A, "An", head=True)]).getvalue()
    )
    job = import_jobs.create_job(Scope(officer_a), officer_a, HOUSEHOLDS, upload)
    with held_elsewhere("import", job.pk) as worker:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, worker=worker)
        assert import_jobs.recover_abandoned() == []
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.IMPORTING


def test_an_export_whose_worker_is_killed_is_failed_and_a_new_worker_carries_on(
    live, small_map, officer_a, client, django_capture_on_commit_callbacks
):
    for n in range(1, 4):
        Household.objects.create(code=f"H{n}", village=small_map["village_a"])
    with django_capture_on_commit_callbacks(execute=True):
        job = export_jobs.request_export(
            Scope(officer_a), kind="households", unit=small_map["commune_a"], year=2025, actor=officer_a
        )
    live.publish()

    live.kill_at(
        "export.progress", "manage.py", "db_worker", "--queue-name", "*", "--no-startup-delay", "--interval", "0.2"
    )

    live.reload()
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING and job.worker and not job.file
    assert DBTaskResult.objects.get(id=job.task_id).status == "RUNNING"
    # The requester's page finds the worker dead: the job is failed there, with what to do next.
    client.force_login(officer_a)
    wait_until(
        lambda: "dừng giữa chừng" in client.get(f"/exports/{job.pk}/").content.decode(),
        what="the export page marking the job failed",
    )
    page = client.get(f"/exports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "Xuất không thành công" in page and "Hãy yêu cầu xuất lại" in page and "every 1s" not in page
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.finished_at
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert client.get(f"/api/v1/exports/{job.pk}").json()["status"] == ExportStatus.FAILED
    # A restarted worker neither re-runs nor disturbs the failed job, and runs the next request.
    with django_capture_on_commit_callbacks(execute=True):
        again = export_jobs.request_export(
            Scope(officer_a), kind="households", unit=small_map["commune_a"], year=2025, actor=officer_a
        )
    live.publish()
    live.run("manage.py", "db_worker", "--queue-name", "*", "--batch", "--no-startup-delay")
    live.reload()
    job.refresh_from_db()
    again.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert again.status == ExportStatus.DONE and again.rows_done == 3


def test_an_export_running_in_a_live_worker_is_left_alone(small_map, officer_a):
    job = ExportJob.objects.create(kind="households", unit=small_map["commune_a"], year=2025, requested_by=officer_a)
    with held_elsewhere("export", job.pk) as worker:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.RUNNING, worker=worker, started_at=datetime.datetime.now(datetime.UTC)
        )
        assert export_jobs.recover_abandoned() == []
        assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.RUNNING

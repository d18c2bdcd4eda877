"""Background tasks (Django's tasks framework, run by django-tasks-db's `db_worker`)."""

from __future__ import annotations

import logging
import tempfile

from django.core.files import File
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import Scope
from hoctap.audit.context import acting_as
from hoctap.core import liveness
from hoctap.core.crashpoints import crash_point

from .exports import WRITERS, filename_for
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)


def _progress(job_id: int):
    def record(done: int, total: int) -> None:
        percent = 100 if total == 0 else min(99, done * 100 // total)
        ExportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total, progress=percent)
        crash_point("export.progress")  # tests/crash: the worker is killed with the job running

    return record


def failure_message() -> str:
    return _("Lỗi hệ thống khi tạo tệp. Hãy yêu cầu xuất lại; nếu vẫn lỗi, báo cán bộ quản trị.")


@task()
def run_export(job_id: int) -> dict:
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    # Whatever the job writes is audited as the user who asked for it, under an id of its own; the
    # worker holds the job while it runs: if it dies, `jobs.recover_if_abandoned` sees it.
    with acting_as(job.requested_by, job=f"export {job_id}"), liveness.holding("export", job_id) as worker:
        return _run_export(job_id, worker)


def _run_export(job_id: int, worker: str) -> dict:
    job = ExportJob.objects.select_related("unit", "requested_by").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return {"status": job.status}
    # The request was checked when it was made; the file is written later, so check again that the
    # requester still holds the territory (an assignment can end in between).
    if not Scope(job.requested_by).can(Capability.REPORT, job.unit):
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED,
            error=_("Người yêu cầu không còn được giao địa bàn này."),
            finished_at=timezone.now(),
        )
        return {"status": ExportStatus.FAILED}
    started = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), worker=worker
    )
    if not started:  # marked failed meanwhile (a crash recovery that saw it half-started)
        return {"status": ExportJob.objects.get(pk=job_id).status}
    name = filename_for(job.kind, job.unit, job.year)
    try:
        with tempfile.TemporaryFile(suffix=".xlsx") as spool:
            rows = WRITERS[job.kind](job.unit, job.year, spool, _progress(job_id))
            spool.seek(0)
            job.refresh_from_db()
            job.file.save(f"{job.pk}-{name}", File(spool), save=False)
    except Exception as error:
        # Log the kind of failure only: messages of database errors can quote personal data. The
        # traceback is kept with the task's result by the worker, for whoever runs the server.
        logger.error("export job %s failed: %s", job_id, type(error).__name__)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED, error=failure_message(), finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.DONE,
        progress=100,
        rows_done=rows,
        file=job.file.name,
        filename=name,
        finished_at=timezone.now(),
    )
    return {"status": ExportStatus.DONE, "rows": rows}

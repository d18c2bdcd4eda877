"""The one runner of export jobs (Django's tasks framework, run by django-tasks-db's `db_worker`)."""

from __future__ import annotations

import logging
import tempfile

from django.core.files import File
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.scoping import Scope
from hoctap.audit.context import acting_as
from hoctap.audit.exports import record_export
from hoctap.core import liveness
from hoctap.core.crashpoints import crash_point

from . import kinds
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

# Progress is written every this many rows (one short UPDATE), often enough for a bar that moves.
PROGRESS_EVERY = 2000


def _progress(job_id: int):
    def record(done: int, total: int) -> None:
        percent = 100 if total == 0 else min(99, done * 100 // total)
        ExportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total, progress=percent)
        crash_point("export.progress")  # tests/crash: the worker is killed with the job running

    return record


def failure_message() -> str:
    return _("Lỗi hệ thống khi tạo tệp. Hãy yêu cầu xuất lại; nếu vẫn lỗi, báo cán bộ quản trị.")


def out_of_scope_message() -> str:
    return _("Người yêu cầu không còn được giao địa bàn này.")


@task()
def run_export(job_id: int) -> dict:
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    # Whatever the job writes is audited as the user who asked for it, under an id of its own; the
    # worker holds the job while it runs: if it dies, `jobs.recover_if_abandoned` sees it.
    with acting_as(job.requested_by, job=f"export {job_id}"), liveness.holding("export", job_id) as worker:
        return _run_export(job_id, worker)


def _fail(job_id: int, message: str) -> dict:
    ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.FAILED, error=message, finished_at=timezone.now())
    return {"status": ExportStatus.FAILED}


def _run_export(job_id: int, worker: str) -> dict:
    job = ExportJob.objects.select_related("unit", "requested_by").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return {"status": job.status}
    kind = kinds.get(job.kind)
    # The request was checked when it was made; the file is written later, so check again that the
    # requester still holds the territory (an assignment can end in between). The rows themselves
    # are built through the requester's scope as it is now.
    scope = Scope(job.requested_by)
    if job.requested_by is None or not scope.can(kind.capability, job.unit):
        return _fail(job_id, out_of_scope_message())
    started = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), worker=worker
    )
    if not started:  # marked failed meanwhile (a crash recovery that saw it half-started)
        return {"status": ExportJob.objects.get(pk=job_id).status}
    name = kind.filename(job)
    try:
        with tempfile.TemporaryFile() as spool:
            rows = kind.write(job, scope, spool, _progress(job_id))
            spool.seek(0)
            job.refresh_from_db()
            job.file.save(f"{job.pk}-{name}", File(spool), save=False)
    except Exception as error:
        # Log the kind of failure only: messages of database errors can quote personal data. The
        # traceback is kept with the task's result by the worker, for whoever runs the server.
        logger.error("export job %s failed: %s", job_id, type(error).__name__)
        _fail(job_id, failure_message())
        raise
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.DONE,
        progress=100,
        rows_done=rows,
        rows_total=rows,
        file=job.file.name,
        filename=name,
        finished_at=timezone.now(),
    )
    record_export(
        job.requested_by,
        job.kind,
        rows=rows,
        unit=job.unit,
        filters={**kind.audit_filters(job.params), **({"year": job.year} if job.year else {})},
        file_format=job.params.get("format", "xlsx"),
    )
    return {"status": ExportStatus.DONE, "rows": rows}

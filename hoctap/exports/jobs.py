"""Asking for an export job, reading it back, recovering it if its worker died, purging old files.

The request creates the job row and enqueues the task, nothing more; the worker writes the file
(`tasks.run_export`). A job's file is read by the user who asked only, and only while their scope
still holds the job's unit (`job_for`). Finished files are deleted
`HOCTAP_EXPORT_RETENTION_HOURS` after they finished (`purge_finished`, `manage.py purge_exports`).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from hoctap.core.jobs import mark_if_abandoned, recover_each
from hoctap.core.storage import delete_strays

from . import kinds
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

# Where finished files are kept in the default storage (the job's `file.upload_to`).
FOLDER = "exports"
PURGED = "purged"


def request_job(*, kind: str, actor, unit=None, year=None, params=None, rows_total=None) -> ExportJob:
    """The caller has checked the request against the scope; the worker checks it again."""
    kinds.get(kind)  # an unknown kind is a programming error, found here rather than in the worker
    job = ExportJob.objects.create(
        kind=kind, unit=unit, year=year, params=params or {}, requested_by=actor, rows_total=rows_total
    )
    # Enqueue after the commit, so the worker never picks up a job whose row it cannot yet see.
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    from .tasks import run_export

    result = run_export.enqueue(job_id)
    ExportJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def jobs_of(scope):
    """The user's own export jobs (their files are theirs alone), newest first."""
    if scope.user is None or not scope.user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=scope.user).select_related("unit")


def job_for(scope, job_id) -> ExportJob:
    """The job if the user asked for it and still holds its unit; 404 otherwise (the same answer
    whether it exists or not)."""
    job = jobs_of(scope).filter(pk=job_id).first()
    if job is None:
        raise Http404
    try:
        capability = kinds.get(job.kind).capability
    except KeyError:
        raise Http404 from None
    if not scope.can(capability, job.unit):
        raise Http404
    return job


def abandoned_message() -> str:
    return _("Việc tạo tệp đã dừng giữa chừng vì máy chủ bị tắt hoặc khởi động lại. Hãy yêu cầu xuất lại.")


def recover_if_abandoned(job: ExportJob) -> ExportJob:
    """A running export whose worker died is marked failed, with a message its requester reads on
    the job's page, and its task result too. Returns the job as it is now."""
    failed = {"status": ExportStatus.FAILED, "error": abandoned_message(), "finished_at": timezone.now()}
    if mark_if_abandoned(job, kind="export", running=[ExportStatus.RUNNING], failed=failed):
        if job.task_id:  # so that a restarted worker never runs it again
            DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="hoctap.core.liveness.ProcessDied",
                traceback="The worker running this task died (found by hoctap.core.liveness).",
            )
        logger.warning("export job %s: its worker died; marked failed", job.pk)
    return job


def recover_abandoned() -> list[int]:
    """Every export whose worker died: marked failed. Returns their ids."""
    return recover_each(
        ExportJob.objects.filter(status=ExportStatus.RUNNING), recover_if_abandoned, ExportStatus.FAILED
    )


def purge_finished(now=None) -> list[int]:
    """Files of jobs finished more than HOCTAP_EXPORT_RETENTION_HOURS ago are deleted from storage, and
    the job forgets its filters (a searched name or ID number); the row stays, so its page says the
    file was deleted and what to do, and the export's audit entry stays. A stored file no job refers
    to (the worker died between saving the file and recording it) goes after the same delay.
    Returns the ids of the jobs whose file was deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.HOCTAP_EXPORT_RETENTION_HOURS)
    stale = ExportJob.objects.filter(status__in=(ExportStatus.DONE, ExportStatus.FAILED), finished_at__lt=cutoff)
    purged = []
    for job in stale.exclude(params__has_key=PURGED).order_by("pk"):
        if job.file:
            default_storage.delete(job.file.name)  # storage first: a row without its file is harmless
        ExportJob.objects.filter(pk=job.pk).update(file="", params=_kept_params(job.params))
        purged.append(job.pk)
    delete_strays(FOLDER, set(ExportJob.objects.exclude(file="").values_list("file", flat=True)), cutoff)
    if purged:
        logger.info("export files deleted after the retention delay: %d", len(purged))
    return purged


def _kept_params(params: dict) -> dict:
    return {PURGED: True, **({"format": params["format"]} if "format" in params else {})}


def is_purged(job: ExportJob) -> bool:
    return bool(job.params.get(PURGED))

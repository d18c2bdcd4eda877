"""Asking for a large export: the request creates a job row and enqueues the task, nothing more."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from hoctap.accounts.roles import Capability
from hoctap.core import liveness
from hoctap.core.limits import is_year
from hoctap.territory.models import Era, Level, Unit

from .models import ExportJob, ExportKind, ExportStatus
from .tasks import run_export

logger = logging.getLogger(__name__)

EXPORT_LEVELS = (Level.PROVINCE, Level.COMMUNE, Level.VILLAGE)


def request_export(scope, *, kind: str, unit: Unit, year: int, actor) -> ExportJob:
    errors = {}
    if kind not in ExportKind.values:
        errors["kind"] = _("Loại dữ liệu xuất không hợp lệ.")
    if unit.era != Era.CURRENT or unit.level not in EXPORT_LEVELS:
        errors["unit_id"] = _("Chọn tỉnh, xã hoặc thôn trên bản đồ hiện hành.")
    if not is_year(year):
        errors["year"] = _("Năm không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    scope.assert_unit(unit, Capability.REPORT)
    job = ExportJob.objects.create(kind=kind, unit=unit, year=year, requested_by=actor)
    # Enqueue after the commit, so the worker never picks up a job whose row it cannot yet see.
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    result = run_export.enqueue(job_id)
    ExportJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def abandoned_message() -> str:
    return _("Việc tạo tệp đã dừng giữa chừng vì máy chủ bị tắt hoặc khởi động lại. Hãy yêu cầu xuất lại.")


def recover_if_abandoned(job: ExportJob) -> ExportJob:
    """A running export whose worker died is marked failed, with a message its requester reads on
    the job's page, and its task result too. Returns the job as it is now."""
    if job.status != ExportStatus.RUNNING or not job.worker:
        return job
    with liveness.if_abandoned("export", job.pk, job.worker) as dead:
        if dead:
            marked = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING, worker=job.worker).update(
                status=ExportStatus.FAILED, error=abandoned_message(), finished_at=timezone.now()
            )
            if marked and job.task_id:
                DBTaskResult.objects.filter(id=job.task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.FAILED,
                    finished_at=timezone.now(),
                    exception_class_path="hoctap.core.liveness.ProcessDied",
                    traceback="The worker running this task died (found by hoctap.core.liveness).",
                )
            logger.warning("export job %s: its worker died; marked failed", job.pk)
            job.refresh_from_db()
    return job


def recover_abandoned() -> list[int]:
    """Every export whose worker died: marked failed. Returns their ids."""
    recovered = []
    for job in ExportJob.objects.filter(status=ExportStatus.RUNNING).exclude(worker="").order_by("pk"):
        if recover_if_abandoned(job).status == ExportStatus.FAILED:
            recovered.append(job.pk)
    return recovered

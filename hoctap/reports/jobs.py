"""Asking for a large export: the request creates a job row and enqueues the task, nothing more."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoctap.core.limits import is_year
from hoctap.accounts.roles import Capability
from hoctap.territory.models import Era, Level, Unit

from .models import ExportJob, ExportKind
from .tasks import run_export

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

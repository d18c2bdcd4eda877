"""Asking for a report export: checked here, run as a job by hoctap.exports (one runner for every
export job); the request creates the job row and enqueues the task, nothing more."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.core.limits import is_year
from hoctap.exports import jobs as export_jobs
from hoctap.exports.models import ExportJob
from hoctap.territory.models import Era, Level, Unit

from . import exports  # noqa: F401  (registers the report export kinds)
from .models import ExportKind

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
    return export_jobs.request_job(kind=kind, unit=unit, year=year, actor=actor)


recover_if_abandoned = export_jobs.recover_if_abandoned
recover_abandoned = export_jobs.recover_abandoned

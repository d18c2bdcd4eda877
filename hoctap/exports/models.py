from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.core.jobs import QueuedJob
from hoctap.territory.models import Unit


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang xuất")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ExportJob(QueuedJob):
    """One export run by the background worker. The web request only creates this row and enqueues
    the task; the worker streams the file and records its progress here for the page to poll.

    `kind` names an export registered by the app that owns the data (`kinds.register`); `params` are
    what the kind needs to build the same rows again in the worker (a list's filters, the file
    format). `unit` is the territory the export is bounded by, when it is one unit (a report's unit,
    a list filtered to one village); the worker rebuilds every queryset through the requester's scope
    whatever it is. The file is read by the requester only (`jobs.job_for`)."""

    kind = models.CharField(_("loại"), max_length=40)
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="export_jobs", verbose_name=_("phạm vi")
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("trạng thái"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("yêu cầu xuất dữ liệu")
        verbose_name_plural = _("yêu cầu xuất dữ liệu")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="exportjob_requester")]

    def __str__(self):
        parts = [str(self.label)]
        if self.unit_id:
            parts.append(str(self.unit))
        if self.year:
            parts.append(str(self.year))
        return " · ".join(parts)

    @property
    def label(self) -> str:
        from .kinds import label_of

        return label_of(self.kind)

    def get_kind_display(self) -> str:
        return self.label

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

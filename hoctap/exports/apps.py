from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Exports as background jobs: one job model and one runner for every export too large to build
    while the user waits (list exports of the registry, report exports), with progress for the page
    to poll, files in the project's storage readable only by who asked, purged after a period, and
    the audit entry every export writes (`hoctap.exports.audit`). It sits left of the registry: the
    apps that export register their kinds here (`kinds.register`), this app imports none of them."""

    name = "hoctap.exports"
    label = "exports"
    verbose_name = _("Xuất dữ liệu")

    def ready(self):
        from hoctap.audit.tracking import track

        from .models import ExportJob

        track(ExportJob, exclude_fields=("progress", "rows_done", "rows_total", "params"))

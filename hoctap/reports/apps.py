from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Periodic reports up the hierarchy (types and deadlines as data, frozen figures, review by the
    level above, a status board) and the exports of their tables: xlsx, PDF and background jobs."""

    name = "hoctap.reports"
    label = "reports"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from . import exports  # noqa: F401  (registers the report export jobs with hoctap.exports)
        from .models import Report, ReportSchedule

        track(Report, exclude_fields=("version",))
        track(ReportSchedule)
        # The board is where a report is started: the association's writers, and a body that sends
        # a report of its own (the education department's, reports.reporters).
        navigation.register("reports:board", _("Báo cáo"), writes_reports)
        navigation.register("reports:received", _("Báo cáo gửi đến"), "receive_reports")


def writes_reports(scope) -> bool:
    from hoctap.accounts.roles import REPORTER_ROLES, Capability

    return scope.can(Capability.REPORT) or any(role in scope.roles for role in REPORTER_ROLES)

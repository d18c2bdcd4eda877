from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who changed what, when, under which request: django-auditlog entries, shown in plain Vietnamese."""

    name = "hoctap.audit"
    label = "audit"
    verbose_name = _("Nhật ký thay đổi")

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from . import signals  # noqa: F401  (keeps creation entries from being purged)
        from .context import stamp_entry

        # Actor, request id, system actor and job on every new entry (context.py).
        pre_save.connect(stamp_entry, sender=LogEntry, dispatch_uid="hoctap.audit.stamp_entry")
        from .tracking import track_core_models

        track_core_models()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who changed what, when, under which request: django-auditlog entries, shown in plain Vietnamese."""

    name = "hoctap.audit"
    label = "audit"
    verbose_name = _("Nhật ký thay đổi")

    def ready(self):
        from . import signals  # noqa: F401  (keeps creation entries from being purged)
        from .tracking import track_core_models

        track_core_models()

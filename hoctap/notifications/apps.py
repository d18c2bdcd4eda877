from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders and notices: report deadlines, campaign milestones, returned dossiers and reports,
    in an inbox and by e-mail (other channels through `channels.Channel`). Last in the data flow: it
    reads reports and assessments and nothing reads it, except the web shell (menu count, home)."""

    name = "hoctap.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

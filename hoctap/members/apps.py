from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """The Study Promotion Association's own organisation: branches (chi hội) in villages, units,
    schools and clans; members with their joins and leaves; dues per year; officers and their
    training. Sits after funds in the data flow (it reuses its money helpers) and before stats,
    whose capacity declaration can be filled from these records."""

    name = "hoctap.members"
    label = "members"
    verbose_name = _("Hội viên, chi hội")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from . import imports  # noqa: F401  (registers the Excel template)
        from .models import Branch, Dues, Member, Membership, Office, Training

        for model in (Branch, Member, Membership, Dues, Office, Training):
            track(model)
        navigation.register("members:index", _("Hội viên, chi hội"), "view", navigation.REGISTERS)

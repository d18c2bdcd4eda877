from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StatsConfig(AppConfig):
    """Live figures (counters kept in the transaction of each change), both maps, targets and
    their projection, association capacity, dashboards with server-drawn charts, xlsx exports."""

    name = "hoctap.stats"
    label = "stats"
    verbose_name = _("Thống kê")

    def ready(self):
        from hoctap.accounts.roles import Capability
        from hoctap.audit.tracking import track
        from hoctap.web.navigation import register

        from . import receivers
        from .models import AssociationCapacity, Target

        # The counters follow every change (receivers), after assessments.moves (connected by the
        # assessments app, which Django readies first) has taken a moved subject's assessments along.
        receivers.connect()
        track(Target)
        track(AssociationCapacity)
        register("stats:home", _("Thống kê"), Capability.VIEW)
        register("stats:target_list", pgettext_lazy("menu", "Chỉ tiêu"), Capability.VIEW)

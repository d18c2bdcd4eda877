from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CriteriaConfig(AppConfig):
    """Criteria sets (Bộ tiêu chí) as versioned data files, the pure scoring engine, and publishing."""

    name = "hoctap.criteria"
    label = "criteria"
    verbose_name = _("Bộ tiêu chí")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from .models import CriteriaSetVersion

        track(CriteriaSetVersion)
        navigation.register("criteria:set_list", pgettext_lazy("menu", "Bộ tiêu chí"), "view")

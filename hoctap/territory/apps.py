from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    """The administrative map of both eras (before and after 01/07/2025) and the lineage between them."""

    name = "hoctap.territory"
    label = "territory"
    verbose_name = _("Địa bàn hành chính")

    def ready(self):
        from hoctap.web import navigation

        navigation.register("territory:area_list", _("Vùng khó khăn"), "view", navigation.REGISTERS)

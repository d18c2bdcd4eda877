from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    """Criteria sets (Bộ tiêu chí) as versioned data files, the pure scoring engine, and publishing."""

    name = "hoctap.criteria"
    label = "criteria"
    verbose_name = _("Bộ tiêu chí")

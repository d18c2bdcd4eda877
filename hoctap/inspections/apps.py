from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InspectionsConfig(AppConfig):
    """Inspection by the level above: a random, seeded, reproducible sample of recognised
    assessments, re-scored with the same criteria engine; findings, follow-up through the
    assessments workflow, and agreement rates per commune and title."""

    name = "hoctap.inspections"
    label = "inspections"
    verbose_name = _("Kiểm tra, giám sát")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from .models import Finding, Inspection

        track(Inspection, m2m_fields=("communes",))
        track(Finding)
        navigation.register("inspections:list", pgettext_lazy("menu", "Kiểm tra"), "review")

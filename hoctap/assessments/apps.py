from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The yearly cycle for every title: campaigns, one state machine, evidence, review,
    recognition decisions, signed certificates and public verification."""

    name = "hoctap.assessments"
    label = "assessments"
    verbose_name = _("Đánh giá, công nhận")

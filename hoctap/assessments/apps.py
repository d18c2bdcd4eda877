from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """The yearly cycle for every title: campaigns, one state machine, evidence, review,
    recognition decisions, signed certificates and public verification."""

    name = "hoctap.assessments"
    label = "assessments"
    verbose_name = _("Đánh giá, công nhận")

    def ready(self):
        from django.core import checks

        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from . import (
            imports,  # noqa: F401  (registers the learners' figures template with the import engine)
            results_import,  # noqa: F401  (registers the results templates with the import engine)
        )
        from .certificates import check_retired_keys

        checks.register(check_retired_keys)

        # Registry subjects that move (a household to another village, a person to another
        # household) take their open assessments along, driven by the registry's own signals.
        from . import moves

        moves.connect()

        from .models import Assessment, Campaign, Certificate, CitizenSignup, Decision, Evidence, LearnerFigures

        track(Campaign, m2m_fields=("criteria_sets",))
        track(Assessment)
        track(Evidence)
        track(LearnerFigures)
        track(Decision)
        track(Certificate)
        track(CitizenSignup, mask_fields=("id_number",))

        from hoctap.privacy.signals import erasing, retention_due

        from .erasure import keep_for_record, purge_rejected_signups

        erasing.connect(keep_for_record, dispatch_uid="assessments-erasure")
        retention_due.connect(purge_rejected_signups, dispatch_uid="assessments-rejected-signups")
        navigation.register("assessments:mine", _("Hồ sơ của tôi"), navigation.CITIZEN_ENTRY)
        navigation.register("assessments:assessment_list", _("Hồ sơ đánh giá"), "view")
        navigation.register("assessments:campaign_list", _("Đợt đánh giá"), "view")
        navigation.register("assessments:decision_list", _("Quyết định công nhận"), "review")
        navigation.register("assessments:signup_list", _("Công dân đăng ký"), "edit_registry")

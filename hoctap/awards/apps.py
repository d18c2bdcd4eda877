from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    """Emulation and awards: criteria for association bodies at each level (data in emulation.yaml),
    yearly self-reports, nominations moving up commune → province → centre for congresses and
    reviews, award records (Bằng khen, Giấy khen) and honour lists."""

    name = "hoctap.awards"
    label = "awards"
    verbose_name = _("Thi đua, khen thưởng")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from .models import Award, EmulationSelfReport, Nomination, NominationDecision

        track(EmulationSelfReport)
        track(Nomination)
        track(NominationDecision)
        track(Award)
        navigation.register("awards:index", _("Thi đua, khen thưởng"), "view")

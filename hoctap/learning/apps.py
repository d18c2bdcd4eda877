from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Learning outside school, as communes record it: the community learning centre's (TTHTCĐ)
    classes by topic, the Lifelong Learning Week's activities, and the literacy and
    universal-education figures each commune declares per year with their source. Sits after the
    registry and members in the data flow (it needs only the territory and the accounts) and before
    stats and reports, which read its figures."""

    name = "hoctap.learning"
    label = "learning"
    verbose_name = _("Học tập cộng đồng, phổ cập giáo dục")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from . import imports  # noqa: F401  (registers the Excel template)
        from .models import CentreClass, LiteracyDeclaration, WeekActivity

        for model in (CentreClass, WeekActivity, LiteracyDeclaration):
            track(model)
        navigation.register(
            "learning:index", _("Trung tâm học tập cộng đồng, xóa mù chữ"), "view", navigation.REGISTERS
        )

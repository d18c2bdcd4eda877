from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data under the 2025 law: the notice, consents and other legal bases, the data subject's
    requests, sensitive data, retention. Right of the registry in the data flow (it reads `Person`);
    assessments (sign-up) and the web shell (to-do list) read it."""

    name = "hoctap.privacy"
    label = "privacy"
    verbose_name = _("Dữ liệu cá nhân")

    def ready(self):
        from hoctap.accounts.roles import Capability
        from hoctap.audit.tracking import track
        from hoctap.registry.signals import personal_data_collected, sensitive_consent_asked
        from hoctap.web.navigation import ADMINISTRATION, CITIZEN_ENTRY, REGISTERS, register

        from . import services
        from .models import Controller, DataRequest, LegalBasis, Notice, RequestDeadline

        personal_data_collected.connect(services.personal_data_sections, dispatch_uid="privacy-own-data")
        sensitive_consent_asked.connect(services.answer_sensitive_consent, dispatch_uid="privacy-sensitive-consent")
        track(Notice)
        track(Controller)
        track(LegalBasis)
        track(DataRequest)
        track(RequestDeadline)
        register("privacy:mine", _("Quyền về dữ liệu của tôi"), CITIZEN_ENTRY)
        register("privacy:request_list", _("Yêu cầu về dữ liệu cá nhân"), Capability.EDIT_REGISTRY, REGISTERS)
        register("privacy:province_settings", _("Dữ liệu cá nhân của tỉnh"), Capability.SET_PRIVACY, ADMINISTRATION)

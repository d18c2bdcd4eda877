from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenRosaConfig(AppConfig):
    """Offline capture with ODK Collect: an OpenRosa server (form list, forms generated from the
    criteria sets, manifests, submissions) over the assessments workflow, and the device credentials
    officers put on their phones."""

    name = "hoctap.openrosa"
    label = "openrosa"
    verbose_name = _("Thu thập ngoại tuyến (ODK Collect)")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from .models import DeviceCredential

        track(DeviceCredential, exclude_fields=("digest", "last_used_at"))
        navigation.register(
            "openrosa:devices", _("Nhập liệu ngoại tuyến bằng ODK Collect"), "edit_registry", navigation.ASSESSMENT
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, their territory-scoped role assignments, API tokens, and the one scoping layer."""

    name = "hoctap.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản")

    def ready(self):
        from . import ratelimits  # noqa: F401  (connects the failed-login counter)

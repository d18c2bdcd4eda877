from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    """Study-promotion funds (quỹ khuyến học): a fund per commune association, branch, clan or unit;
    receipts and payments (scholarships, awards) as an append-only ledger of whole đồng; balances per
    year; corrections by reversing entries. Sits after the registry in the data flow (it names
    communes and people by text) and before stats and reports, which read its figures."""

    name = "hoctap.funds"
    label = "funds"
    verbose_name = _("Quỹ khuyến học")

    def ready(self):
        from hoctap.audit.tracking import track
        from hoctap.web import navigation

        from . import imports  # noqa: F401  (registers the ledger template with the import engine)
        from .models import Fund, FundEntry

        track(Fund)
        track(FundEntry)
        navigation.register("funds:index", _("Quỹ khuyến học"), "view", navigation.REGISTERS)

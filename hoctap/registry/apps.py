from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegistryConfig(AppConfig):
    """The subjects of the titles: households and their members, clan branches, organisations and
    their staff, the communes' declared totals, and Excel imports of all of them."""

    name = "hoctap.registry"
    label = "registry"
    verbose_name = _("Sổ theo dõi")

    def ready(self):
        from hoctap.accounts.roles import Capability
        from hoctap.audit.tracking import track
        from hoctap.web.navigation import CITIZEN_ENTRY, register

        from . import (
            exports,  # noqa: F401  (registers the list exports with hoctap.exports)
            imports,  # noqa: F401  (registers the Excel templates with the import engine)
            village_moves,
        )
        from .models import ClanBranch, DeclaredTotals, Household, Organisation, Person

        derived = ("name_folded", "sort_key")
        track(Household, exclude_fields=(*derived, "code_folded"))
        track(Person, mask_fields=("id_number",), exclude_fields=derived)
        track(ClanBranch, exclude_fields=(*derived, "branch_folded"))
        track(Organisation, exclude_fields=derived)
        track(DeclaredTotals)
        # what lived in a merged or split village moves to the receiving one (territory's signal)
        village_moves.connect()

        register("registry:household_list", pgettext_lazy("menu", "Hộ gia đình"), Capability.VIEW)
        register("registry:person_list", _("Nhân khẩu"), Capability.VIEW)
        register("registry:clan_list", pgettext_lazy("menu", "Dòng họ"), Capability.VIEW)
        register("registry:organisation_list", pgettext_lazy("menu", "Cơ quan, đơn vị"), Capability.VIEW)
        register("registry:totals_list", _("Số liệu khai báo"), Capability.REPORT)
        register("registry:import_start", _("Nhập từ Excel"), Capability.EDIT_REGISTRY)
        register("registry:my_data", _("Dữ liệu của tôi"), CITIZEN_ENTRY)

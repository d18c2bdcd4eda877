"""Menu entries contributed by apps, so the shell does not import every app's URLs by hand.

The menu is grouped by the work, as officers name it: the registers (Sổ theo dõi), assessment and
recognition, statistics and reports, administration. An app may name its group; otherwise the
group follows the URL's namespace (GROUP_OF_NAMESPACE), so adding an entry needs one line.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Capability, Role
from hoctap.accounts.scoping import scope_for

# (url name, label, capability needed somewhere in scope, group); apps append in AppConfig.ready().
# The capability CITIZEN_ENTRY marks pages for citizens' own records (officer capabilities
# deliberately leave the citizen role out, see Scope._assignments_with); a function of the scope
# decides where a capability alone does not say who uses the page.
CITIZEN_ENTRY = "citizen"

REGISTERS, ASSESSMENT, FIGURES, ADMINISTRATION = "registers", "assessment", "figures", "administration"
GROUPS = [
    (REGISTERS, _("Sổ theo dõi")),
    (ASSESSMENT, _("Đánh giá & công nhận")),
    (FIGURES, _("Thống kê & báo cáo")),
    (ADMINISTRATION, _("Quản trị")),
]
GROUP_OF_NAMESPACE = {
    "territory": REGISTERS,
    "registry": REGISTERS,
    "assessments": ASSESSMENT,
    "criteria": ASSESSMENT,
    "inspections": ASSESSMENT,
    "awards": ASSESSMENT,
    "stats": FIGURES,
    "reports": FIGURES,
    "accounts": ADMINISTRATION,
    "audit": ADMINISTRATION,
}
# Entries that sit in another group than their namespace's: linking sign-ups to the register of
# people is register work; declared totals feed the statistics.
GROUP_OF_ENTRY = {"assessments:signup_list": REGISTERS, "registry:totals_list": FIGURES}

ENTRIES: list[tuple[str, object, str, str | None]] = []


def register(url_name: str, label, capability: str | Callable = "view", group: str | None = None) -> None:
    if all(entry[0] != url_name for entry in ENTRIES):
        ENTRIES.append((url_name, label, capability, group))


def group_of(url_name: str, group: str | None = None) -> str:
    return group or GROUP_OF_ENTRY.get(url_name) or GROUP_OF_NAMESPACE.get(url_name.split(":")[0], ADMINISTRATION)


@dataclass
class Group:
    key: str
    label: str
    items: list[dict]


def _shown(scope, capability) -> bool:
    if callable(capability):
        return capability(scope)
    return Role.CITIZEN in scope.roles if capability == CITIZEN_ENTRY else scope.can(capability)


def menu_for(scope) -> list[Group]:
    """The entries this user may open, in their groups; empty groups are left out."""
    allowed = []
    for name, label, capability, group in ENTRIES:
        if _shown(scope, capability):
            allowed.append((group_of(name, group), {"url": reverse(name), "label": label}))
    groups = []
    for key, label in GROUPS:
        items = [item for group, item in allowed if group == key]
        if items:
            groups.append(Group(key, label, items))
    return groups


def nav_items(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    groups = menu_for(scope_for(request))
    return {"nav_groups": groups, "nav_items": [item for group in groups for item in group.items]}


def register_shell_entries() -> None:
    """The shell's own entries: the map of units and the accounts of one's territory."""
    if all(entry[0] != "territory:unit_list" for entry in ENTRIES):
        ENTRIES.insert(0, ("territory:unit_list", _("Địa bàn"), Capability.VIEW, REGISTERS))
    register("accounts:user_list", _("Tài khoản"), Capability.MANAGE_ACCOUNTS, ADMINISTRATION)

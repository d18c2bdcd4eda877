"""Menu entries contributed by apps, so the shell does not import every app's URLs by hand."""

from django.urls import reverse

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import scope_for

# (url name, label, capability needed somewhere in scope); apps append in their AppConfig.ready().
# The capability CITIZEN_ENTRY marks pages for citizens' own records (officer capabilities
# deliberately leave the citizen role out, see Scope._assignments_with).
CITIZEN_ENTRY = "citizen"
ENTRIES: list[tuple[str, object, str]] = []


def register(url_name: str, label, capability: str = "view") -> None:
    if all(entry[0] != url_name for entry in ENTRIES):
        ENTRIES.append((url_name, label, capability))


def nav_items(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    scope = scope_for(request)
    return {
        "nav_items": [
            {"url": reverse(name), "label": label}
            for name, label, capability in ENTRIES
            if (Role.CITIZEN in scope.roles if capability == CITIZEN_ENTRY else scope.can(capability))
        ]
    }


"""Menu entries contributed by apps, so the shell does not import every app's URLs by hand."""

from django.urls import reverse

from hoctap.accounts.scoping import scope_for

# (url name, label, capability needed somewhere in scope); apps append in their AppConfig.ready().
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
            {"url": reverse(name), "label": label} for name, label, capability in ENTRIES if scope.can(capability)
        ]
    }


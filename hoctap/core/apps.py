from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared, domain-free helpers: text folding and Vietnamese ordering, request ids, safe exports."""

    name = "hoctap.core"
    label = "core"

from django.apps import AppConfig


class WebConfig(AppConfig):
    """The UI shell: base templates, styles, htmx, the home page, login and language switching."""

    name = "hoctap.web"
    label = "web"

    def ready(self):
        from . import navigation

        navigation.register_shell_entries()

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for `make run`: each app contributes a step, run in data-flow order."""

    name = "hoctap.demo"
    label = "demo"

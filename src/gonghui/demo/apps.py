from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data loaders and the `gonghui demo` command (core imports no feature app)."""

    name = "gonghui.demo"
    label = "demo"

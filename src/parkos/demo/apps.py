from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds the `parkos demo` command; no models, nothing other apps use."""

    name = "parkos.demo"
    label = "demo"
    verbose_name = "Demo zone"

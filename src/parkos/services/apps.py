from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "parkos.services"
    label = "services"
    verbose_name = _("Enterprise services")

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the hotline importer)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "parkos.servicedesk"
    label = "servicedesk"
    verbose_name = _("Enterprise services")

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the hotline importer)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "parkos.servicedesk"
    label = "servicedesk"
    verbose_name = _("Enterprise services")

    def ready(self) -> None:
        from parkos.core import registries

        from . import imports  # noqa: F401  (registers the hotline importer)
        from .models import SERVICE_CENTRE

        registries.capabilities.register(
            registries.Capability(
                SERVICE_CENTRE,
                _("Service centre"),
                self.label,
                _("dispatches, closes and revisits requests, decides appeals against 差评"),
            )
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "parkos.chains"
    verbose_name = _("Industry chains")

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the chain-structure and supply importers)

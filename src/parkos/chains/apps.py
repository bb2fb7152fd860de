from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "parkos.chains"
    verbose_name = _("Industry chains")

    def ready(self) -> None:
        from parkos.core import registries

        from . import imports  # noqa: F401  (registers the chain-structure and supply importers)
        from .models import CHAIN_OFFICE

        registries.capabilities.register(
            registries.Capability(
                CHAIN_OFFICE,
                _("Industry-chain office"),
                self.label,
                _("creates industry chains and sets the zone's gap thresholds (its administrators)"),
                role="dept_admin",
            )
        )

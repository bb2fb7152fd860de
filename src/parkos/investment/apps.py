from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentAppConfig(AppConfig):
    name = "parkos.investment"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from parkos.core import registries

        from . import (
            imports,  # noqa: F401  (registers the leads importer)
            views,
        )

        registries.slot_panels.register(
            registries.SlotPanel("investment.node_targets", "chains.node.targets", views.node_targets_actions)
        )

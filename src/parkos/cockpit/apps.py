from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitAppConfig(AppConfig):
    """A reader: it reads the other apps only through their `public` modules and the kernel's registries."""

    name = "parkos.cockpit"
    verbose_name = _("Cockpit")

    def ready(self) -> None:
        from parkos.core import registries

        from . import imports  # noqa: F401  (registers the peer values importer)
        from .models import EVALUATION_OFFICE, TARGETS_OFFICE

        registries.capabilities.register(
            registries.Capability(
                EVALUATION_OFFICE,
                _("National evaluation office"),
                self.label,
                _(
                    "keeps the self-assessment of the national zone evaluation: the zone's values and the peers'"
                ),
            )
        )
        registries.capabilities.register(
            registries.Capability(
                TARGETS_OFFICE,
                _("Targets office"),
                self.label,
                _("sets the year's targets (目标任务) the cockpit reads the figures against"),
            )
        )

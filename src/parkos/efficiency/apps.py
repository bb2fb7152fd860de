from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EfficiencyConfig(AppConfig):
    name = "parkos.efficiency"
    label = "efficiency"
    verbose_name = _("Per-mu evaluation")

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the evaluation-data importer)

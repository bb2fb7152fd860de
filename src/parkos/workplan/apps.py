from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "parkos.workplan"
    label = "workplan"
    verbose_name = _("Work-plan supervision")

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the ledger importer)

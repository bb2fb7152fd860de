from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    label = "projects"
    name = "parkos.projects"
    verbose_name = _("Key projects and approvals")

    def ready(self) -> None:
        from parkos.core import registries

        from . import imports  # noqa: F401  (registers the monthly-report importer)
        from .models import REFORM_OFFICE

        registries.capabilities.register(
            registries.Capability(
                REFORM_OFFICE,
                _("Approval reform office"),
                self.label,
                _("is told of every approval item and stage that turns red"),
            )
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    label = "projects"
    name = "parkos.projects"
    verbose_name = _("Key projects and approvals")

    def ready(self) -> None:
        from . import imports  # noqa: F401  (registers the monthly-report importer)

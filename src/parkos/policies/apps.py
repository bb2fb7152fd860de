from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "parkos.policies"
    label = "policies"
    verbose_name = _("Support policies")

    def ready(self) -> None:
        from parkos.core.workflow import register

        from .workflows import WORKFLOWS

        register(*WORKFLOWS)

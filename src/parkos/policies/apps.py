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
        from parkos.core import registries

        registries.enterprise_tabs.register(
            registries.EnterpriseTab("policies", _("Policies and grants"), _enterprise_tab, order=50)
        )


def _enterprise_tab(request, enterprise) -> str:
    from .views import enterprise_tab

    return enterprise_tab(request, enterprise)

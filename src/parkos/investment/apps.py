from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentAppConfig(AppConfig):
    name = "parkos.investment"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from parkos.core.workflow import register

        from .workflows import WORKFLOWS

        register(*WORKFLOWS)
        from parkos.core import registries

        from . import (
            imports,  # noqa: F401  (registers the leads importer)
            views,
        )
        from .models import JOINT_MEETING_OFFICE

        registries.capabilities.register(
            registries.Capability(
                JOINT_MEETING_OFFICE,
                _("Joint-meeting office"),
                self.label,
                _("its administrators see every lead, decide conflicts and hold the joint meetings"),
                role="dept_admin",
            )
        )
        registries.slot_panels.register(
            registries.SlotPanel("investment.node_targets", "chains.node.targets", views.node_targets_actions)
        )
        registries.enterprise_tabs.register(
            registries.EnterpriseTab(
                "investment", _("Investment leads"), _enterprise_tab, visible=_staff, order=60
            )
        )


def _enterprise_tab(request, enterprise) -> str:
    from .views.leads import enterprise_tab

    return enterprise_tab(request, enterprise)


def _staff(user) -> bool:
    return not user.is_enterprise_user

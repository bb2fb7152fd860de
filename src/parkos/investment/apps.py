from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentAppConfig(AppConfig):
    name = "parkos.investment"
    verbose_name = _("Investment promotion")

    def ready(self) -> None:
        from . import search

        search.register()
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
        registries.appraisal_figures.register(
            registries.AppraisalFigure(
                "investment.fdi_usd",
                _("Foreign capital actually used (MOFCOM basis)"),
                _fdi_usd,
                _("10k US$"),
                _(
                    "foreign direct investment actually used, MOFCOM basis, from the funds recorded on the leads"
                ),
                20,
            )
        )
        from . import tiles

        tiles.register()
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


def _fdi_usd(year: int):
    from .selectors import zone_fdi_usd

    return zone_fdi_usd(year)


def _staff(user) -> bool:
    return not user.is_enterprise_user

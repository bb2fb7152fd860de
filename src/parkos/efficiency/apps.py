from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EfficiencyConfig(AppConfig):
    name = "parkos.efficiency"
    label = "efficiency"
    verbose_name = _("Per-mu evaluation")

    def ready(self) -> None:
        from . import tiles

        tiles.register()
        from parkos.core.workflow import register

        from .workflows import WORKFLOWS

        register(*WORKFLOWS)
        from parkos.core import registries

        from . import (
            imports,  # noqa: F401  (registers the evaluation-data importer)
            selectors,
        )

        registries.rule_fields.register(
            registries.RuleField(
                key="efficiency_class",
                label=pgettext_lazy("rule", "per-mu evaluation class"),
                kind="choice",
                yearly=True,
                choices={
                    "A": pgettext_lazy("rule", "class A"),
                    "B": pgettext_lazy("rule", "class B"),
                    "C": pgettext_lazy("rule", "class C"),
                    "D": pgettext_lazy("rule", "class D"),
                },
                column=selectors.class_column,
            )
        )
        from .models import EVALUATION_OFFICE

        registries.capabilities.register(
            registries.Capability(
                EVALUATION_OFFICE,
                _("Per-mu evaluation office"),
                self.label,
                _(
                    "runs the evaluation, sets the schemes and class policies, publishes and answers objections"
                ),
                role="dept_admin",
            )
        )
        registries.enterprise_tabs.register(
            registries.EnterpriseTab("efficiency", _("Per-mu evaluation"), _enterprise_tab, order=20)
        )


def _enterprise_tab(request, enterprise) -> str:
    from .views import enterprise_tab

    return enterprise_tab(request, enterprise)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "parkos.servicedesk"
    label = "servicedesk"
    verbose_name = _("Enterprise services")

    def ready(self) -> None:
        from parkos.core import registries, workflow

        from .workflows import WORKFLOWS

        workflow.register(*WORKFLOWS)
        from . import imports  # noqa: F401  (registers the hotline importer)
        from .models import SERVICE_CENTRE

        registries.daily_jobs.register(
            registries.DailyJob(
                "servicedesk.escalate", _("Overdue requests to the leaders"), _daily_escalate, order=30
            )
        )
        registries.alert_kinds.register(
            registries.AlertKind("servicedesk.request_overdue", _("Request overdue"), self.label)
        )
        registries.capabilities.register(
            registries.Capability(
                SERVICE_CENTRE,
                _("Service centre"),
                self.label,
                _("dispatches, closes and revisits requests, decides appeals against 差评"),
            )
        )


def _daily_escalate(today) -> str:
    from .services import escalate_overdue

    return f"{escalate_overdue(today)} overdue requests escalated"

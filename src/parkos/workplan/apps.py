from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "parkos.workplan"
    label = "workplan"
    verbose_name = _("Work-plan supervision")

    def ready(self) -> None:
        from . import search, tiles

        search.register()
        tiles.register()
        from parkos.core import registries

        from . import imports  # noqa: F401  (registers the ledger importer)
        from .models import SUPERVISION_OFFICE

        registries.daily_jobs.register(
            registries.DailyJob(
                "workplan.refresh", _("Plan task statuses and reminders"), _daily_refresh, order=20
            )
        )
        registries.alert_kinds.register(
            registries.AlertKind("workplan.due_soon", _("Deadline near"), self.label)
        )
        registries.alert_kinds.register(
            registries.AlertKind("workplan.overdue", _("Task overdue"), self.label)
        )
        registries.capabilities.register(
            registries.Capability(
                SUPERVISION_OFFICE,
                _("Supervision office"),
                self.label,
                _("sees and steers every plan, is told of overdue tasks"),
            )
        )
        registries.attachment_targets.register(
            registries.AttachmentTarget(
                "workplan.report",
                _("Progress report"),
                may_view=_report_visible,
                may_attach=lambda user, pk: False,  # a report's files come with it
                url=_report_url,
            )
        )


def _daily_refresh(today) -> str:
    from .services import refresh

    c = refresh(today=today)
    return f"{c['tasks']} tasks, {c['changed']} changed status, {c['reminders']} reminders"


def _report_visible(user, pk: int) -> bool:
    from .models import ProgressReport, Task

    return ProgressReport.objects.filter(pk=pk, task__in=Task.objects.restrict(user).values("pk")).exists()


def _report_url(pk: int) -> str:
    from django.urls import reverse

    from .models import ProgressReport

    task_id = ProgressReport.objects.filter(pk=pk).values_list("task_id", flat=True).first()
    return reverse("workplan:task", args=[task_id]) if task_id else ""

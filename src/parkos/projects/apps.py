from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    label = "projects"
    name = "parkos.projects"
    verbose_name = _("Key projects and approvals")

    def ready(self) -> None:
        from . import search

        search.register()
        from parkos.core import registries, workflow

        from . import imports  # noqa: F401  (registers the monthly-report importer)
        from .models import REFORM_OFFICE
        from .workflows import WORKFLOWS

        workflow.register(*WORKFLOWS)

        registries.daily_jobs.register(
            registries.DailyJob(
                "projects.refresh", _("Approval clocks, lights and alerts"), _daily_refresh, order=10
            )
        )
        registries.daily_jobs.register(
            registries.DailyJob(
                "projects.capacity", _("Capacity rule (达产) proposals"), _daily_capacity, order=12
            )
        )
        for key, label in (
            ("projects.capacity_rule", _("Capacity rule met")),
            ("projects.item_light", _("Approval item light")),
            ("projects.stage_light", _("Approval stage light")),
            ("projects.project_light", _("Whole approval light")),
            ("projects.problem_overdue", _("Project problem overdue")),
        ):
            registries.alert_kinds.register(registries.AlertKind(key, label, self.label))
        from . import ratings

        registries.rating_targets.register(
            registries.RatingTarget(
                "projects.item",
                _("Approval item"),
                describe=ratings.describe,
                context=ratings.context,
                already_rated=_("This approval item has been rated."),
                pending=ratings.pending,
                summary=ratings.summary,
                order=20,
            )
        )
        registries.capabilities.register(
            registries.Capability(
                REFORM_OFFICE,
                _("Approval reform office"),
                self.label,
                _("is told of every approval item and stage that turns red"),
            )
        )
        from . import tiles

        tiles.register()
        registries.enterprise_tabs.register(
            registries.EnterpriseTab(
                "projects", _("Projects and approvals"), _enterprise_tab, visible=_staff, order=30
            )
        )
        registries.attachment_targets.register(
            registries.AttachmentTarget(
                "projects.project",
                _("Key project (progress evidence)"),
                may_view=_project_visible,
                may_attach=_project_takes_files,
                url=_project_url,
            )
        )
        registries.attachment_targets.register(
            registries.AttachmentTarget(
                "projects.authorization",
                _("Authorisation (scan)"),
                may_view=_authorization_visible,
                may_attach=lambda user, pk: False,  # the scan comes with the authorisation
                url=_authorization_url,
            )
        )


def _daily_refresh(today) -> str:
    from .services import refresh

    c = refresh(today=today)
    return (
        f"{c['items']} items, {c['stages']} stages and {c['projects']} projects changed, {c['deemed']} deemed "
        f"accepted, {c['alerts']} alerts, {c['escalated']} problems escalated"
    )


def _daily_capacity(today) -> str:
    from .services import capacity_check

    return f"{capacity_check(today=today)} projects met the capacity rule"


def _enterprise_tab(request, enterprise) -> str:
    from .views.projects import enterprise_tab

    return enterprise_tab(request, enterprise)


def _staff(user) -> bool:
    return not user.is_enterprise_user


def _project_visible(user, pk: int) -> bool:
    from .models import Project

    return Project.objects.restrict(user, "view").filter(pk=pk).exists()


def _project_takes_files(user, pk: int) -> bool:
    """Those who enter the project's monthly reports add the evidence of its progress."""
    from .models import Project

    return Project.objects.restrict(user, "change").filter(pk=pk).exists()


def _project_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("projects:detail", args=[pk])


def _authorization_visible(user, pk: int) -> bool:
    from .models import Authorization, Project

    return Authorization.objects.filter(pk=pk, project__in=Project.objects.restrict(user, "view")).exists()


def _authorization_url(pk: int) -> str:
    from django.urls import reverse

    from .models import Authorization

    project_id = Authorization.objects.filter(pk=pk).values_list("project_id", flat=True).first()
    return reverse("projects:detail", args=[project_id]) if project_id else ""

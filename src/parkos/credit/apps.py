from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CreditConfig(AppConfig):
    name = "parkos.credit"
    label = "credit"
    verbose_name = _("Credit supervision")

    def ready(self) -> None:
        from parkos.core import registries, workflow

        from . import imports, search, selectors, tiles  # noqa: F401  (imports registers the credit feeds)
        from .models import CREDIT_OFFICE
        from .services.draws import ASSIGNED_KIND, PUBLISH_DUE_KIND
        from .services.inspections import WITHDRAW_KIND
        from .services.records import DECISION_KIND, REMIND_KIND
        from .workflows import WORKFLOWS

        workflow.register(*WORKFLOWS)
        tiles.register()
        search.register()
        registries.capabilities.register(
            registries.Capability(
                CREDIT_OFFICE,
                _("Credit office"),
                self.label,
                _(
                    "imports the credit feeds, keeps every department's items, inspectors and tasks, decides repairs"
                ),
            )
        )
        for key, label in (
            (REMIND_KIND, _("A credit record may be repaired")),
            (DECISION_KIND, _("Repair application to decide")),
            (ASSIGNED_KIND, _("Inspection assignment")),
            (PUBLISH_DUE_KIND, _("Inspection result to publish")),
            (WITHDRAW_KIND, _("Inspector withdrew for a conflict")),
        ):
            registries.alert_kinds.register(registries.AlertKind(key, label, self.label))
        registries.daily_jobs.register(
            registries.DailyJob("credit.refresh", _("Credit windows and classes"), _daily_refresh, order=40)
        )
        _register_rule_fields()
        registries.deadline_sources.register(
            registries.DeadlineSource(
                "credit", _("Credit supervision"), selectors.deadlines, visible=_staff, order=40
            )
        )
        registries.evaluation_events.register(
            registries.EvaluationEvents("credit", _("Credit records"), selectors.evaluation_events)
        )
        registries.enterprise_tabs.register(
            registries.EnterpriseTab("credit", pgettext_lazy("nav", "Credit"), _enterprise_tab, order=45)
        )
        from . import ratings

        registries.rating_targets.register(
            registries.RatingTarget(
                "credit.repair",
                _("Credit repair decision"),
                describe=ratings.describe,
                context=ratings.context,
                already_rated=_("This repair decision has been rated."),
                pending=ratings.pending,
                summary=ratings.summary,
                order=30,
            )
        )
        registries.attachment_targets.register(
            registries.AttachmentTarget(
                "credit.repair",
                _("Repair application"),
                may_view=selectors.repair_visible,
                may_attach=selectors.repair_takes_files,
                url=selectors.repair_url,
            )
        )


def _register_rule_fields() -> None:
    """The facts policy rules test: the effective class and the two lists."""
    from parkos.core import registries

    from . import selectors

    registries.rule_fields.register(
        registries.RuleField(
            key="credit_class",
            label=pgettext_lazy("rule", "credit risk class"),
            kind="choice",
            choices={
                "A": pgettext_lazy("rule", "credit class A"),
                "B": pgettext_lazy("rule", "credit class B"),
                "C": pgettext_lazy("rule", "credit class C"),
                "D": pgettext_lazy("rule", "credit class D"),
            },
            column=selectors.class_column,
            order=60,
        )
    )
    registries.rule_fields.register(
        registries.RuleField(
            key="serious_discredit",
            label=pgettext_lazy("rule", "on the serious-discredit list"),
            kind="bool",
            column=selectors.serious_column,
            order=61,
        )
    )
    registries.rule_fields.register(
        registries.RuleField(
            key="abnormal_operations",
            label=pgettext_lazy("rule", "on the abnormal-operations list"),
            kind="bool",
            column=selectors.abnormal_column,
            order=62,
        )
    )


def _staff(user) -> bool:
    return user.is_authenticated and not user.is_enterprise_user


def _daily_refresh(today) -> str:
    from django.utils import timezone

    from .services import profiles_refresh, windows_close

    today = today or timezone.localdate()  # the worker runs `parkos daily` without a date
    ended, reminded = windows_close(today)
    changed = profiles_refresh(today=today)
    return f"{ended} windows ended, {reminded} repair reminders, {changed} profiles changed"


def _enterprise_tab(request, enterprise) -> str:
    from .views import enterprise_tab

    return enterprise_tab(request, enterprise)

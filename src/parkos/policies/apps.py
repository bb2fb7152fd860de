from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "parkos.policies"
    label = "policies"
    verbose_name = _("Support policies")

    def ready(self) -> None:
        from . import search

        search.register()
        from parkos.core.workflow import register

        from .workflows import WORKFLOWS

        register(*WORKFLOWS)
        from parkos.core import registries

        registries.enterprise_tabs.register(
            registries.EnterpriseTab("policies", _("Policies and grants"), _enterprise_tab, order=50)
        )
        registries.attachment_targets.register(
            registries.AttachmentTarget(
                "policies.application",
                _("Policy application"),
                may_view=_application_visible,
                may_attach=_application_takes_files,
                url=_application_url,
            )
        )


def _enterprise_tab(request, enterprise) -> str:
    from .views import enterprise_tab

    return enterprise_tab(request, enterprise)


def _application_visible(user, pk: int) -> bool:
    from .models import Application

    return Application.objects.restrict(user, "view").filter(pk=pk).exists()


def _application_takes_files(user, pk: int) -> bool:
    """The applying enterprise adds its materials while the application waits for review."""
    from .models import Application

    return (
        user.is_enterprise_user
        and Application.objects.restrict(user, "view")
        .filter(pk=pk, state=Application.State.SUBMITTED)
        .exists()
    )


def _application_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("policies:applications")

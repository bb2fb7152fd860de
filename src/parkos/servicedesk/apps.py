from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "parkos.servicedesk"
    label = "servicedesk"
    verbose_name = _("Enterprise services")

    def ready(self) -> None:
        from . import search, tiles

        search.register()
        tiles.register()
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
        registries.rating_targets.register(
            registries.RatingTarget(
                "servicedesk.request",
                _("Enterprise request"),
                describe=_describe_request,
                context=_rating_context,
                already_rated=_("This request has been rated."),
                closed_in=_closed_requests,
                order=10,
            )
        )
        registries.capabilities.register(
            registries.Capability(
                SERVICE_CENTRE,
                _("Service centre"),
                self.label,
                _("dispatches, closes and revisits requests, decides appeals against 差评"),
            )
        )
        registries.enterprise_tabs.register(
            registries.EnterpriseTab("servicedesk", _("Requests and ratings"), _enterprise_tab, order=40)
        )
        registries.attachment_targets.register(
            registries.AttachmentTarget(
                "servicedesk.request",
                _("Enterprise request"),
                may_view=_request_visible,
                may_attach=_request_takes_files,
                url=_request_url,
            )
        )


def _daily_escalate(today) -> str:
    from .services import escalate_overdue

    return f"{escalate_overdue(today)} overdue requests escalated"


def _describe_request(user, pk: int) -> tuple[str, str]:
    from django.urls import reverse

    from .models import Request

    r = Request.objects.filter(pk=pk).values_list("number", "title").first()
    if r is None:
        return f"#{pk}", ""
    may_open = Request.objects.restrict(user, "view").filter(pk=pk).exists()
    return f"{r[0]} {r[1]}", reverse("servicedesk:request", args=[pk]) if may_open else ""


def _rating_context(user, pk: int, on, window_days: int) -> dict:
    from .services import request_rating_context

    return request_rating_context(user, pk, on, window_days)


def _closed_requests(year: int, user) -> list[dict]:
    from .selectors import closed_requests

    return closed_requests(year, user)


def _enterprise_tab(request, enterprise) -> str:
    from .views import enterprise_tab

    return enterprise_tab(request, enterprise)


def _request_visible(user, pk: int) -> bool:
    from .models import Request

    return Request.objects.restrict(user, "view").filter(pk=pk).exists()


def _request_takes_files(user, pk: int) -> bool:
    """The enterprise and the handling officials add files while the request is open."""
    from .models import Request, RequestState

    open_states = [
        RequestState.RECEIVED,
        RequestState.DISPATCHED,
        RequestState.ACCEPTED,
        RequestState.ANSWERED,
    ]
    if not (user.is_enterprise_user or user.may("change")):
        return False
    return Request.objects.restrict(user, "view").filter(pk=pk, state__in=open_states).exists()


def _request_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("servicedesk:request", args=[pk])

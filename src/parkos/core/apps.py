from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parkos.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import choices, notify, registries, security, services

        choices.install()
        security.connect_signals()
        services.connect_token_signals()

        registries.daily_jobs.register(
            registries.DailyJob("core.digest", _("Daily digest of the inbox"), notify.send_digests, order=900)
        )
        registries.daily_jobs.register(
            registries.DailyJob("core.cleanup", _("Remove abandoned uploads"), _cleanup, order=950)
        )
        registries.tiles.register(
            registries.Tile("core.waiting", _("Waiting for me"), _waiting, url=_waiting_url, order=1)
        )


def _waiting(user, period, today=None) -> dict:
    """The cockpit's tile of what waits for the user: the inbox's unread notices now (no period, no comparison)."""
    from . import notify

    w = notify.waiting(user=user)
    return {
        "value": w["unread"],
        "unit": _("notices"),
        "previous": None,
        "compare": False,
        "detail": _("%(n)s of them red") % {"n": w["red"]} if w["red"] else _("none red"),
    }


def _waiting_url(period) -> str:
    from django.urls import reverse

    return f"{reverse('inbox')}?unread=1"


def _cleanup(today) -> str:
    from .services import uploads_cleanup

    return f"{uploads_cleanup(today=today)} abandoned uploads removed"

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


def _cleanup(today) -> str:
    from .services import uploads_cleanup

    return f"{uploads_cleanup(today=today)} abandoned uploads removed"

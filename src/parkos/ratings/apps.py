from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "parkos.ratings"
    label = "ratings"
    verbose_name = _("好差评 ratings")

    def ready(self) -> None:
        from parkos.core.workflow import register

        from .workflows import WORKFLOWS

        register(*WORKFLOWS)

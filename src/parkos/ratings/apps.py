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
        from parkos.core import registries

        from . import tiles

        tiles.register()

        registries.attachment_targets.register(
            registries.AttachmentTarget(
                "ratings.case",
                _("Bad-rating case (rectification evidence)"),
                may_view=_case_visible,
                may_attach=lambda user, pk: (
                    False
                ),  # the evidence comes with the step that reports the rectification
                url=_case_url,
            )
        )


def _case_visible(user, pk: int) -> bool:
    from .models import BadRatingCase

    return BadRatingCase.objects.restrict(user, "view").filter(pk=pk).exists()


def _case_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("ratings:case", args=[pk])

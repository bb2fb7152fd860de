"""The investment app's search provider: leads by project idea, investor or USCC, open or closed, scoped."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.search import hits, joined, matching

from .models import Lead


def search(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        Lead.objects.restrict(user, "view").select_related("team"),
        term,
        fields=("title", "investor_name"),
        primary="title",
        codes=("uscc",),
    )
    return hits(
        qs,
        "leads",
        limit,
        label=lambda x: x.title,
        url=lambda x: reverse("investment:lead", args=[x.pk]),
        detail=lambda x: joined(x.investor_name, x.get_stage_display(), x.get_state_display(), x.team),
    )


def register() -> None:
    registries.search_providers.register(
        registries.SearchProvider(
            "leads",
            _("Investment leads"),
            search,
            more=lambda term: f"{reverse('investment:leads')}?{urlencode({'q': term, 'state': 'all'})}",
            visible=lambda user: not user.is_enterprise_user,
            order=30,
        )
    )

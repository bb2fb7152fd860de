"""The service desk's search provider: requests by title, number or enterprise, scoped (an enterprise finds its
own)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.search import hits, joined, matching

from .models import Request


def search(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        Request.objects.restrict(user, "view").select_related("enterprise"),
        term,
        fields=("title", "enterprise__name"),
        primary="title",
        codes=("number",),
    )
    return hits(
        qs,
        "requests",
        limit,
        label=lambda r: r.title,
        url=lambda r: reverse("servicedesk:request", args=[r.pk]),
        detail=lambda r: joined(r.number, r.enterprise.name if r.enterprise else "", r.get_state_display()),
    )


def register() -> None:
    registries.search_providers.register(
        registries.SearchProvider(
            "requests",
            _("Service requests"),
            search,
            more=lambda term: f"{reverse('servicedesk:requests')}?{urlencode({'q': term})}",
            order=40,
        )
    )

"""The policy library's search provider: policies by title, document number or issuer."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.search import hits, joined, matching

from .models import Policy


def search(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        Policy.objects.restrict(user, "view"),
        term,
        fields=("title", "doc_number", "issuer"),
        primary="title",
    )
    return hits(
        qs,
        "policies",
        limit,
        label=lambda p: p.title,
        url=lambda p: reverse("policies:detail", args=[p.pk]),
        detail=lambda p: joined(p.doc_number, p.issuer, p.get_level_display()),
    )


def register() -> None:
    registries.search_providers.register(
        registries.SearchProvider(
            "policies",
            _("Support policies"),
            search,
            more=lambda term: f"{reverse('policies:list')}?{urlencode({'q': term})}",
            order=50,
        )
    )

"""The key projects' search provider: projects by name, code or investor, scoped."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.search import hits, joined, matching

from .models import Project


def search(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        Project.objects.restrict(user, "view").select_related("investor", "park"),
        term,
        fields=("name", "investor__name"),
        primary="name",
        codes=("code",),
    )
    return hits(
        qs,
        "projects",
        limit,
        label=lambda p: p.name,
        url=lambda p: reverse("projects:detail", args=[p.pk]),
        detail=lambda p: joined(
            p.code,
            p.get_status_display(),
            p.investor.name if p.investor else "",
            p.park.name if p.park else "",
        ),
    )


def register() -> None:
    registries.search_providers.register(
        registries.SearchProvider(
            "projects",
            _("Key projects"),
            search,
            more=lambda term: f"{reverse('projects:list')}?{urlencode({'q': term})}",
            order=20,
        )
    )

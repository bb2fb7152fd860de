"""The registry's search provider: enterprises by name, former name, USCC or legal representative, scoped."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.search import hits, joined, matching

from .models import Enterprise

FIELDS = ("name", "former_names", "legal_representative")


def search(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        Enterprise.objects.restrict(user, "view").select_related("park"),
        term,
        fields=FIELDS,
        primary="name",
        codes=("uscc",),
    )
    return hits(
        qs,
        "enterprises",
        limit,
        label=lambda e: e.name,
        url=lambda e: reverse("enterprises:detail", args=[e.pk]),
        detail=lambda e: joined(
            e.uscc,
            e.park.name if e.park else "",
            e.legal_representative,
            _("formerly %(n)s") % {"n": e.former_names} if e.former_names else "",
        ),
    )


def register() -> None:
    registries.search_providers.register(
        registries.SearchProvider(
            "enterprises",
            _("Enterprises"),
            search,
            more=lambda term: f"{reverse('enterprises:list')}?{urlencode({'q': term})}",
            order=10,
        )
    )

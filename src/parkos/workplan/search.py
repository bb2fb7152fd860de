"""The work plan's search provider: plan tasks by their text or number, scoped to the departments on them."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.search import hits, joined, matching

from .models import Task


def search(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        Task.objects.restrict(user, "view").select_related("plan", "lead"),
        term,
        fields=("text", "responsible"),
        primary="text",
        codes=("seq",),
    )
    return hits(
        qs,
        "tasks",
        limit,
        label=lambda t: Truncator(t.text).chars(60),
        url=lambda t: reverse("workplan:task", args=[t.pk]),
        detail=lambda t: joined(
            t.label or t.seq, t.plan.title, t.lead.name if t.lead else "", t.get_status_display()
        ),
    )


def register() -> None:
    registries.search_providers.register(
        registries.SearchProvider(
            "tasks",
            _("Plan tasks"),
            search,
            visible=lambda user: not user.is_enterprise_user,
            order=60,
        )
    )

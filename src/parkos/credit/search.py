"""The credit app's search providers: credit records (by matter, document number or enterprise) and inspection
tasks (by name or number), each scoped like its list — a department finds its own and its enterprises', an
inspector the tasks they were drawn for. Enterprise users look at 本企业信用 instead: their few records are there."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parkos.core import registries
from parkos.core.search import hits, joined, matching

from .models import CreditRecord, InspectionTask


def _staff(user) -> bool:
    return user.is_authenticated and not user.is_enterprise_user


def records(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        CreditRecord.objects.restrict(user, "view").select_related("enterprise"),
        term,
        fields=("title", "document_no", "enterprise__name"),
        primary="title",
        codes=("document_no",),
    )
    return hits(
        qs,
        "credit_records",
        limit,
        label=lambda r: r.title,
        url=lambda r: reverse("credit:record", args=[r.pk]),
        detail=lambda r: joined(
            r.get_kind_display(), r.get_severity_display(), r.enterprise.name, r.get_status_display()
        ),
    )


def tasks(user, term: str, limit: int) -> list[registries.SearchHit]:
    qs = matching(
        InspectionTask.objects.restrict(user, "view").select_related("department"),
        term,
        fields=("name", "code"),
        primary="name",
        codes=("code",),
    )
    return hits(
        qs,
        "inspection_tasks",
        limit,
        label=lambda t: t.name,
        url=lambda t: reverse("credit:task", args=[t.pk]),
        detail=lambda t: joined(t.code, t.department.name, t.get_state_display()),
    )


def register() -> None:
    registries.search_providers.register(
        registries.SearchProvider(
            "credit_records",
            _("Credit records"),
            records,
            more=lambda term: f"{reverse('credit:records')}?{urlencode({'q': term})}",
            visible=_staff,
            order=70,
        )
    )
    registries.search_providers.register(
        registries.SearchProvider(
            "inspection_tasks",
            _("Inspection tasks"),
            tasks,
            more=lambda term: f"{reverse('credit:tasks')}?{urlencode({'q': term})}",
            visible=_staff,
            order=71,
        )
    )

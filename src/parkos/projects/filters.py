"""The key-project list's search, filters and sort: one FilterSet for the page, its export and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from parkos.core import lists

from . import engine
from .models import Category, Level, Milestone, Project, Status

SORTS = {
    "name": "name",
    "code": "code",
    "investment": "total_investment",
    "registered": "registered_on",
    "status": "status",
    "level": "level",
    "light": "approval_light",
    "department": "lead_department__code",
}


def overdue_milestones(today) -> QuerySet[Milestone]:
    return Milestone.objects.filter(planned_on__lt=today, actual_on__isnull=True).exclude(
        project__status__in=[Status.TERMINATED]
    )


def _late(qs: QuerySet, name: str, value: str) -> QuerySet:
    if not value:
        return qs
    return qs.filter(Exists(overdue_milestones(timezone.localdate()).filter(project=OuterRef("pk"))))


class ProjectFilters(lists.FilterSet):
    q = lists.Search("name", "code", "investor__name")
    category = df.ChoiceFilter(choices=Category.choices)
    level = df.ChoiceFilter(choices=Level.choices)
    status = df.ChoiceFilter(choices=Status.choices)
    park = lists.Id("park_id")
    department = lists.Id("lead_department_id")
    helper = lists.Id("helper_id")
    light = df.ChoiceFilter(
        field_name="approval_light",
        choices=[(x, x) for x in (engine.GREEN, engine.YELLOW, engine.RED, engine.DONE)],
    )
    late = df.CharFilter(method=_late, max_length=5)
    sort = lists.Sort(SORTS, default="-registered")

    class Meta:
        model = Project
        fields: list[str] = []

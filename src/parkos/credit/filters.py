"""Search, filters and sort of the credit lists: one FilterSet per list, for the page, its export and the API."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parkos.core import lists
from parkos.core.models import Light

from .models import (
    Conflict,
    CreditProfile,
    CreditRecord,
    DrawRecord,
    Inspection,
    InspectionItem,
    InspectionState,
    InspectionTask,
    Inspector,
    RecordKind,
    RecordStatus,
    RepairApplication,
    RepairState,
    Result,
    RiskClass,
    Severity,
    TaskState,
)

LIGHTS = [(light.value, light.label) for light in (Light.GREEN, Light.YELLOW, Light.RED)]


class RecordFilters(lists.FilterSet):
    q = lists.Search("title", "document_no", "enterprise__name", "enterprise__uscc")
    kind = df.ChoiceFilter(choices=RecordKind.choices, label=_("kind"))
    severity = df.ChoiceFilter(choices=Severity.choices, label=_("severity"))
    status = df.ChoiceFilter(choices=RecordStatus.choices, label=_("status"))
    department = lists.Id("department_id", label=_("department"))
    decided_from = df.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("decided from"))
    decided_to = df.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("decided until"))
    sort = lists.Sort(
        {k: k for k in ("decided_on", "publish_until", "repair_from", "kind", "status", "enterprise__name")},
        default="-decided_on",
    )

    class Meta:
        model = CreditRecord
        fields: list[str] = []


class ProfileFilters(lists.FilterSet):
    q = lists.Search("enterprise__name", "enterprise__uscc")
    effective_class = df.ChoiceFilter(choices=RiskClass.choices, label=_("effective class"))
    park = lists.Id("enterprise__park_id", label=_("park"))
    division = df.CharFilter(
        field_name="enterprise__industry_division", max_length=2, label=_("industry division")
    )
    serious = df.BooleanFilter(label=_("serious discredit"))
    abnormal = df.BooleanFilter(label=_("abnormal operations"))
    sort = lists.Sort(
        {
            "name": "enterprise__name",
            "class": "effective_class",
            "samr": "samr_class",
            "records": "discredit",
        },
        default="-class",
    )

    class Meta:
        model = CreditProfile
        fields: list[str] = []


class RepairFilters(lists.FilterSet):
    q = lists.Search("record__title", "enterprise__name", "statement")
    state = df.ChoiceFilter(choices=RepairState.choices, label=_("state"))
    department = lists.Id("department_id", label=_("department"))
    sort = lists.Sort({k: k for k in ("submitted_on", "due", "state", "enterprise__name")}, default="due")

    class Meta:
        model = RepairApplication
        fields: list[str] = []


class ItemFilters(lists.FilterSet):
    q = lists.Search("code", "name", "basis")
    kind = df.ChoiceFilter(choices=InspectionItem.Kind.choices, label=_("kind"))
    department = lists.Id("department_id", label=_("department"))
    sort = lists.Sort({k: k for k in ("code", "name", "kind")}, default="code")

    class Meta:
        model = InspectionItem
        fields: list[str] = []


class InspectorFilters(lists.FilterSet):
    q = lists.Search("number", "name", "qualifications", "certificate_no")
    department = lists.Id("department_id", label=_("department"))
    active = df.BooleanFilter(label=_("active"))
    sort = lists.Sort(
        {
            "number": "number",
            "name": "name",
            "until": "certificate_until",
            "total": "n_total",
            "open": "n_open",
        },
        default="number",
    )

    class Meta:
        model = Inspector
        fields: list[str] = []


class ConflictFilters(lists.FilterSet):
    q = lists.Search("inspector__name", "inspector__number", "enterprise__name", "enterprise__uscc", "note")
    reason = df.ChoiceFilter(choices=Conflict.Reason.choices, label=_("reason"))
    department = lists.Id("inspector__department_id", label=_("department"))
    sort = lists.Sort(
        {"inspector": "inspector__number", "enterprise": "enterprise__name", "declared_on": "declared_on"},
        default="inspector",
    )

    class Meta:
        model = Conflict
        fields: list[str] = []


class TaskFilters(lists.FilterSet):
    q = lists.Search("code", "name")
    state = df.ChoiceFilter(choices=TaskState.choices, label=_("state"))
    department = lists.Id("department_id", label=_("department"))
    year = df.NumberFilter(field_name="planned_on__year", min_value=2000, max_value=2100, label=_("year"))
    sort = lists.Sort({k: k for k in ("planned_on", "code", "state", "n_objects")}, default="-planned_on")

    class Meta:
        model = InspectionTask
        fields: list[str] = []


def _light(qs: QuerySet, name: str, value: str) -> QuerySet:
    from .selectors import with_publish_lights

    rows = list(qs.filter(state=InspectionState.RESULT).only("pk", "publish_due", "published_on"))
    with_publish_lights(rows)
    return qs.filter(pk__in=[r.pk for r in rows if r.light == value])


class InspectionFilters(lists.FilterSet):
    q = lists.Search("enterprise__name", "enterprise__uscc", "task__code", "task__name")
    state = df.ChoiceFilter(choices=InspectionState.choices, label=_("state"))
    result = df.ChoiceFilter(choices=Result.choices, label=_("result"))
    department = lists.Id("task__department_id", label=_("department"))
    light = df.ChoiceFilter(choices=LIGHTS, method=_light, label=_("Time limit"))
    sort = lists.Sort(
        {
            k: k
            for k in (
                "inspected_on",
                "publish_due",
                "published_on",
                "state",
                "enterprise__name",
                "task__code",
            )
        },
        default="publish_due",
    )

    class Meta:
        model = Inspection
        fields: list[str] = []


class PublicResultFilters(lists.FilterSet):
    q = lists.Search("enterprise__name", "enterprise__uscc", "task__name")
    result = df.ChoiceFilter(choices=Result.choices, label=_("result"))
    department = lists.Id("task__department_id", label=_("department"))
    sort = lists.Sort(
        {k: k for k in ("published_on", "inspected_on", "enterprise__name")}, default="-published_on"
    )

    class Meta:
        model = Inspection
        fields: list[str] = []


class DrawFilters(lists.FilterSet):
    q = lists.Search("task__code", "task__name", "record_hash", "witnesses")
    department = lists.Id("task__department_id", label=_("department"))
    sort = lists.Sort({"task__code": "task__code", "drawn_at": "drawn_at"}, default="-drawn_at")

    class Meta:
        model = DrawRecord
        fields: list[str] = []

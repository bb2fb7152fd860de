"""The kernel's own lists: users and the inbox."""

from __future__ import annotations

import django_filters as df
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import lists, registries
from .models import NoticeRecipient, Role, SecurityEvent, User


class UserFilters(lists.FilterSet):
    q = lists.Search("username", "display_name")
    role = df.ChoiceFilter(choices=Role.choices)
    sort = lists.Sort(
        {"department": "department__code,username", "username": "username", "role": "role"},
        default="department",
    )

    class Meta:
        model = User
        fields: list[str] = []


def _unread(qs: QuerySet, name: str, value: str) -> QuerySet:
    return qs.filter(read_at__isnull=value == "1")


class InboxFilters(lists.FilterSet):
    q = lists.Search("notice__message")
    kind = df.ChoiceFilter(
        field_name="notice__kind", choices=lambda: [(k.key, k.label) for k in registries.alert_kinds]
    )
    unread = df.ChoiceFilter(choices=[("1", _("Unread")), ("0", _("Read"))], method=_unread)
    sort = lists.Sort({"created": "notice__created_at"}, default="-created")

    class Meta:
        model = NoticeRecipient
        fields: list[str] = []


class SecurityFilters(lists.FilterSet):
    q = lists.Search("username", "detail", "ip")
    kind = df.ChoiceFilter(choices=SecurityEvent.Kind.choices)
    sort = lists.Sort({"at": "at", "kind": "kind,at", "username": "username,at"}, default="-at")

    class Meta:
        model = SecurityEvent
        fields: list[str] = []

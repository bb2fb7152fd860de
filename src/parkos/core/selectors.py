"""Reads for core: the working calendar with overrides, history entries, import runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .models import Attachment, CalendarDay, CalendarNotice, Department, ImportRun, Park
from .workdays import WorkingCalendar


def working_calendar() -> WorkingCalendar:
    """The zone's working-day calendar: loaded notices, else chinesecalendar, else the law's fallback, with
    administrators' overrides on top (two queries)."""
    return WorkingCalendar(
        dict(CalendarDay.objects.values_list("date", "is_working")),
        notice_years=CalendarNotice.objects.values_list("year", flat=True),
    )


def statutory_fallback(year: int) -> dict[dt.date, str]:
    """The days off the law gives a year without a loaded notice or chinesecalendar (shown as unconfirmed)."""
    from .workdays import statutory_days_off

    return statutory_days_off(year)


def add_working_days(d: dt.date, n: int) -> dt.date:
    return working_calendar().add_working_days(d, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return working_calendar().working_days_between(a, b)


def parks() -> QuerySet[Park]:
    """The zone's parks (for filter and form choices)."""
    return Park.objects.all()


def departments(*, only_id: int | None = None) -> QuerySet[Department]:
    """The administration's departments by code (or the one department `only_id`), for choices."""
    qs = Department.objects.order_by("code")
    return qs.filter(pk=only_id) if only_id is not None else qs


def department_get(pk) -> Department | None:
    return Department.objects.filter(pk=pk).first() if str(pk).isdigit() else None


DEADLINE_HORIZON_DAYS = 30


def deadlines(*, user, today: dt.date | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The user's open time limits from every app (`registries.deadline_sources`) falling due within
    `DEADLINE_HORIZON_DAYS` days, overdue ones first: [{"source": label, "deadline": Deadline}] soonest first."""
    from . import registries

    today = today or timezone.localdate()
    until = today + dt.timedelta(days=DEADLINE_HORIZON_DAYS)
    out = [
        {"source": s.label, "deadline": d}
        for s in registries.deadline_sources
        if s.visible(user)
        for d in s.due(user, today, until, limit)
    ]
    out.sort(key=lambda e: (e["deadline"].due, str(e["source"]), e["deadline"].label))
    return out[:limit]


def calendar_overrides(limit: int = 200) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.all()[:limit]


def import_run_list(*, user) -> QuerySet[ImportRun]:
    return ImportRun.objects.restrict(user, "view").select_related("created_by")


def import_run_get(*, user, pk: int) -> ImportRun:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(import_run_list(user=user), pk=pk)


ACTIONS = {
    "+": pgettext_lazy("history", "Created"),
    "~": pgettext_lazy("history", "Changed"),
    "-": pgettext_lazy("history", "Deleted"),
}


def history_entries(records: list[tuple[str, QuerySet]], *, limit: int = 100) -> list[dict[str, Any]]:
    """Audit entries (time, actor, action, what, field changes) from simple-history tables.

    `records` pairs a label with a historical queryset. One query per table: each history row is
    compared with the previous row of the same object to list what changed. Values are shown as a user reads
    them: a choice by its label, a linked record by its name (one query per linked table), yes/no, dates.
    """
    entries: list[dict[str, Any]] = []
    for label, qs in records:
        model = qs.model.instance_type
        tracked = {f.attname for f in qs.model._meta.concrete_fields}  # excluded fields are not in history
        skip = {"id", "created_at", "updated_at", "version", "last_login", "password"}
        fields = [  # what people change: not the derived keys (`editable=False`) nor the bookkeeping
            f
            for f in model._meta.concrete_fields
            if f.attname in tracked and f.name not in skip and f.editable
        ]
        rows = list(qs.select_related("history_user").order_by("history_date", "history_id"))
        show = _Shower(fields, rows)
        previous: dict[Any, Any] = {}
        for h in rows:
            before = previous.get(h.id)
            changes = []
            if h.history_type == "~" and before is not None:
                for f in fields:
                    old, new = getattr(before, f.attname), getattr(h, f.attname)
                    if old != new:
                        changes.append(
                            {"field": str(f.verbose_name), "old": show(f, old), "new": show(f, new)}
                        )
            elif h.history_type == "+":
                changes = [
                    {"field": show.label(f), "old": "", "new": show(f, getattr(h, f.attname))}
                    for f in fields
                    if getattr(h, f.attname) not in (None, "", False)
                ]
            previous[h.id] = h
            entries.append(
                {
                    "time": h.history_date,
                    "actor": str(h.history_user) if h.history_user else "",
                    "action": ACTIONS[h.history_type],
                    "type": h.history_type,
                    "what": label,
                    "object": str(h.instance) if h.history_type != "-" else str(h.id),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: e["time"], reverse=True)
    return entries[:limit]


class _Shower:
    """A history value as the user reads it; the names of linked records are read once per linked table."""

    def __init__(self, fields: list, rows: list) -> None:
        self.choices = {f.attname: {str(k): v for k, v in f.flatchoices} for f in fields if f.choices}
        self.names: dict[str, dict[Any, str]] = {}
        for f in fields:
            if f.is_relation and f.many_to_one:
                ids = {getattr(h, f.attname) for h in rows} - {None}
                found = f.related_model._base_manager.in_bulk(ids) if ids else {}
                self.names[f.attname] = {pk: str(obj) for pk, obj in found.items()}

    @staticmethod
    def label(f) -> str:
        """The field's name; a link named after its model (`enterprise`, `project`) by that model's name."""
        if f.is_relation and f.verbose_name == f.name.replace("_", " "):
            return str(f.related_model._meta.verbose_name)
        return str(f.verbose_name)

    def __call__(self, f, v: Any) -> str:
        if v is None or v == "":
            return ""
        if f.attname in self.choices:
            return str(self.choices[f.attname].get(str(v), v))
        if f.attname in self.names:
            return self.names[f.attname].get(v) or _("(deleted #%(id)s)") % {"id": v}
        if isinstance(v, bool):
            return str(_("Yes") if v else _("No"))
        if isinstance(v, dt.datetime):
            return timezone.localtime(v).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(v) else v.isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v)


def api_token_list(*, user) -> QuerySet:
    """The user's own API tokens still in force, newest first."""
    return user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")


def own_security_events(*, user, limit: int = 20) -> list:
    """The user's own latest sign-ins, password and token events, for their profile page."""
    from .models import SecurityEvent

    return list(SecurityEvent.objects.filter(user=user)[:limit])


def attachments_of(*, user, target: str, target_id: int) -> list[Attachment]:
    """The files of a record, if the user may see the record (none otherwise)."""
    from . import registries

    t = registries.attachment_targets.get(target)
    if t is None or not t.may_view(user, target_id):
        return []
    return list(Attachment.objects.filter(target=target, target_id=target_id).select_related("uploaded_by"))


def attachment_get(*, user, pk: int) -> Attachment:
    """One file, for those who may see its record; 404 for anyone else."""
    from django.http import Http404

    from . import registries

    a = Attachment.objects.filter(pk=pk).first()
    t = registries.attachment_targets.get(a.target) if a else None
    if a is None or t is None or not t.may_view(user, a.target_id):
        raise Http404
    return a


def may_attach(*, user, target: str, target_id: int) -> bool:
    from . import registries

    t = registries.attachment_targets.get(target)
    return bool(t and t.may_view(user, target_id) and t.may_attach(user, target_id))


def attachments_for(*, target: str, ids) -> dict[int, list[Attachment]]:
    """The files of many records of one target in one query, for a list page whose rows the user may already
    see (the rows' own scoped selector decided that)."""
    out: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(target=target, target_id__in=list(ids)).order_by("pk"):
        out.setdefault(a.target_id, []).append(a)
    return out


def security_events(*, user) -> QuerySet:
    """The security log, for system administrators only (anyone else: nothing)."""
    from . import capabilities
    from .models import SecurityEvent

    if not capabilities.is_system_admin(user):
        return SecurityEvent.objects.none()
    return SecurityEvent.objects.select_related("user")

"""The inbox: one way for every app to tell people something (a light turning red, a deadline near, a request
overdue). Apps declare their kinds in `registries.alert_kinds` and send with `send`/`send_many`; every notice lands
in its recipients' inbox (`/inbox/`), with an unread count in the header and a daily digest.

A notice names the record it is about (any model) and the link to it; `once_key` makes a notice of a kind go out
only once (a reminder per task and kind, an escalation per request).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import registries
from .models import Notice, NoticeRecipient


@dataclass
class Message:
    """A notice to send: `kind` (registered), recipients (user ids), text, link, the record it is about."""

    kind: str
    recipients: set[int]
    message: str
    on: dt.date
    target: Any = None  # the record the notice is about (a model instance)
    url: str = ""
    light: str = ""
    once_key: str = ""
    extra: dict = field(default_factory=dict)


def send_many(messages: list[Message]) -> list[Notice]:
    """Store the notices and their deliveries in two bulk inserts (plus one query for `once` keys already sent);
    a message whose (kind, once_key) was sent before is skipped. Returns the notices written."""
    if not messages:
        return []
    for m in messages:
        if m.kind not in registries.alert_kinds:
            raise ValueError(f"unregistered notice kind {m.kind!r}")
    keyed = {(m.kind, m.once_key) for m in messages if m.once_key}
    sent: set[tuple[str, str]] = set()
    if keyed:  # one condition per kind, however many keys (a daily run sends thousands of reminders)
        by_kind: dict[str, set[str]] = {}
        for kind, key in keyed:
            by_kind.setdefault(kind, set()).add(key)
        q = Q()
        for kind, keys in by_kind.items():
            q |= Q(kind=kind, once_key__in=keys)
        sent = set(Notice.objects.filter(q).values_list("kind", "once_key"))
    todo, seen = [], set()
    for m in messages:
        k = (m.kind, m.once_key)
        if m.once_key and (k in sent or k in seen):
            continue
        seen.add(k)
        todo.append(m)
    types: dict[type, ContentType] = {}
    notices = []
    for m in todo:
        ct = None
        if m.target is not None:
            ct = types.get(type(m.target)) or ContentType.objects.get_for_model(m.target)
            types[type(m.target)] = ct
        notices.append(
            Notice(
                kind=m.kind,
                content_type=ct,
                object_id=getattr(m.target, "pk", None),
                light=m.light,
                message=m.message[:300],
                url=m.url[:300],
                on=m.on,
                once_key=m.once_key,
            )
        )
    with transaction.atomic():
        objs = Notice.objects.bulk_create(notices)
        NoticeRecipient.objects.bulk_create(
            [
                NoticeRecipient(notice_id=n.pk, user_id=u)
                for n, m in zip(objs, todo, strict=True)
                for u in m.recipients
            ]
        )
    return objs


def send(message: Message) -> Notice | None:
    out = send_many([message])
    return out[0] if out else None


def about(model_or_obj, pk: int | None = None) -> Q:
    """A filter for the notices about a record (or about any record of a model when `pk` is None)."""
    ct = ContentType.objects.get_for_model(model_or_obj)
    pk = getattr(model_or_obj, "pk", None) if pk is None and not isinstance(model_or_obj, type) else pk
    return Q(content_type=ct) & (Q(object_id=pk) if pk is not None else Q())


# ---- reads ---------------------------------------------------------------------------------------------------------
def inbox(
    *, user, kind: str = "", app: str = "", unread: bool | None = None, q: str = ""
) -> QuerySet[NoticeRecipient]:
    """The user's own deliveries, newest first, with their notice (one query, paginated by the page)."""
    if not user.is_authenticated:
        return NoticeRecipient.objects.none()
    qs = NoticeRecipient.objects.filter(user=user).select_related("notice")
    if kind:
        qs = qs.filter(notice__kind=kind)
    if app:
        qs = qs.filter(notice__kind__in=[k.key for k in registries.alert_kinds if k.app == app])
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    if q:
        qs = qs.filter(notice__message__icontains=q)
    return qs.order_by("-notice__created_at", "-notice_id")


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return NoticeRecipient.objects.filter(user=user, read_at__isnull=True).count()


def latest_unread(*, user, limit: int = 5) -> list[NoticeRecipient]:
    if not user.is_authenticated:
        return []
    return list(inbox(user=user, unread=True)[:limit])


def waiting(*, user) -> dict[str, int]:
    """What waits for the user: unread notices, and how many of them are red (one query)."""
    if not user.is_authenticated:
        return {"unread": 0, "red": 0}
    return NoticeRecipient.objects.filter(user=user, read_at__isnull=True).aggregate(
        unread=Count("pk"), red=Count("pk", filter=Q(notice__light="red"))
    )


def latest(*, user, limit: int = 8) -> list[NoticeRecipient]:
    """The header's dropdown: the user's latest notices, unread first (one query)."""
    if not user.is_authenticated:
        return []
    return list(
        NoticeRecipient.objects.filter(user=user)
        .select_related("notice")
        .order_by(F("read_at").desc(nulls_first=True), "-notice__created_at", "-notice_id")[:limit]
    )


def open_notice(*, user, pk: int) -> str:
    """The user opens one of their notices: it is read from now on; returns where it points (the inbox when it
    points nowhere). Another user's notice is missing (404)."""
    delivery = get_object_or_404(NoticeRecipient.objects.select_related("notice"), pk=pk, user=user)
    if delivery.read_at is None:
        NoticeRecipient.objects.filter(pk=delivery.pk).update(read_at=timezone.now())
    return delivery.notice.url or ""


def digest(*, user, day: dt.date) -> list[NoticeRecipient]:
    """The user's unread notices of a day (the daily digest)."""
    return list(inbox(user=user, unread=True).filter(notice__on=day))


# ---- writes --------------------------------------------------------------------------------------------------------
def mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's own deliveries read (the given ones, or all); another user's are never touched."""
    qs = NoticeRecipient.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def send_digests(today: dt.date) -> str:
    """The daily digest: each user with unread notices of the day gets one mail listing them (Django's mail
    framework; without a configured mail server the inbox's digest page shows the same list)."""
    from django.conf import settings
    from django.core.mail import send_mass_mail
    from django.utils import translation
    from django.utils.translation import gettext as _

    rows = (
        NoticeRecipient.objects.filter(read_at__isnull=True, notice__on=today, user__is_active=True)
        .exclude(user__email="")
        .select_related("notice", "user")
        .order_by("user_id", "-notice_id")
    )
    by_user: dict[int, list[NoticeRecipient]] = {}
    for r in rows:
        by_user.setdefault(r.user_id, []).append(r)
    if not by_user or not getattr(settings, "PARKOS_MAIL_ENABLED", False):
        return f"{len(by_user)} digests (mail not configured: shown on the inbox's digest page)"
    mails = []
    for rs in by_user.values():
        with translation.override(
            rs[0].user.language or settings.LANGUAGE_CODE
        ):  # the user's pick, else zh-hans
            subject = _("ParkOS: %(n)s new notices on %(day)s") % {"n": len(rs), "day": today.isoformat()}
        mails.append((subject, "\n".join(f"- {r.notice.message}" for r in rs), None, [rs[0].user.email]))
    send_mass_mail(mails, fail_silently=False)
    return f"{len(mails)} digests mailed"

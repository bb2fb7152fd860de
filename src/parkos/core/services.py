"""Writes for core: calendar overrides, API tokens, import runs, the parks' boundaries."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import capabilities, geo, security
from .exceptions import Conflict, Forbidden, Invalid
from .imports import ImportReport, import_file, importer_for
from .models import (
    ApiToken,
    Attachment,
    CalendarDay,
    CalendarNotice,
    ImportRun,
    Park,
    SecurityEvent,
    User,
    audited,
)
from .progress import Progress

TOKEN_PREFIX = "pk_"


# ---- helpers for every app's services ---------------------------------------------------------------------
def clean_and_save(obj, *, user) -> None:
    """Validate a record (fields and constraints) into a translated `Invalid`, record who changes it, save it."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise Invalid(_("Please correct the errors below."), fields=fields) from None
    audited(obj, user)
    obj.save()


def check_version(obj, version: int | None) -> None:
    """Refuse an edit made on another version of the record (optimistic locking)."""
    if version is None or int(version) != obj.version:
        raise Conflict(
            _(
                "Someone else changed this record (now version %(current)s, you edited version %(yours)s). "
                "Reload the page to see their change, then edit again."
            )
            % {"current": obj.version, "yours": version},
            extra={"current": obj.version},
        )


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


TOKEN_DAYS = (30, 90, 180, 365)  # how long a token may live (a token always expires)


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scope: str = ApiToken.Scope.READ, days: int = 90
) -> tuple[ApiToken, str]:
    """Create a token that reads (or reads and writes) for `days`; the raw value is returned once, never stored."""
    if not name.strip():
        raise Invalid(_("Give the token a name."), fields={"name": [_("required")]})
    if scope not in ApiToken.Scope.values:
        raise Invalid(_("Choose what the token may do."), fields={"scope": [_("required")]})
    if days not in TOKEN_DAYS:
        raise Invalid(_("Choose how long the token lives."), fields={"days": [_("required")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=raw[:8],
        digest=token_digest(raw),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    with translation.override(settings.LANGUAGE_CODE):  # the log's words in the zone's language
        words = _("%(name)s (%(prefix)s…, %(scope)s, %(days)s days)") % {
            "name": token.name,
            "prefix": token.prefix,
            "scope": token.get_scope_display(),
            "days": days,
        }
    security.record(SecurityEvent.Kind.TOKEN_CREATED, user=user, detail=words)
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, pk: int) -> None:
    updated = ApiToken.objects.filter(pk=pk, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:  # another user's token, or one already revoked: nothing to say about it
        from django.http import Http404

        raise Http404
    token = ApiToken.objects.get(pk=pk)
    api_tokens_forget(digests=[token.digest])  # the update above sends no signal
    security.record(SecurityEvent.Kind.TOKEN_REVOKED, user=user, detail=f"{token.name} ({token.prefix}…)")


def api_token_for(raw: str) -> ApiToken | None:
    """The live token a raw value is — not revoked, not expired, of an active user who is not locked out — or
    None; records its last use (to the minute).

    A live token is kept in the shared cache for `TOKEN_CACHE_SECONDS` (with its user), so a busy client's calls
    cost no query for it; whatever takes a token's power away forgets it there at once (`api_tokens_forget`):
    revoking it, changing or deleting it or its user (deactivation, role, department, password), and a lockout.
    A refused value is never kept: the next call asks the database again."""
    from django.core.cache import cache

    now = timezone.now()
    digest = token_digest(raw)
    key = _token_key(digest)
    token: ApiToken | None = cache.get(key)
    fresh = not isinstance(token, ApiToken) or (token.expires_at is not None and token.expires_at <= now)
    if fresh or token is None:
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .exclude(_locked_out(now))
            .first()
        )
        if token is None:
            return None
    last = token.last_used_at
    token.first_use_today = last is None or timezone.localdate(last) != timezone.localdate(now)  # type: ignore[attr-defined]
    if last is None or now - last >= TOKEN_USE_GRAIN:  # not a write on every call of a busy client
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        fresh = True
    if fresh:
        seconds = TOKEN_CACHE_SECONDS
        if token.expires_at is not None:
            seconds = min(seconds, int((token.expires_at - now).total_seconds()))
        if seconds > 0:
            cache.set(key, token, timeout=seconds)
    return token


TOKEN_CACHE_SECONDS = 60  # the longest a change missed by every signal (a raw SQL update) could go unnoticed


def _token_key(digest: str) -> str:
    return f"parkos:api-token:{digest}"


def api_tokens_forget(*, digests=(), user_ids=(), usernames=()) -> None:
    """Drop tokens from the shared cache — by digest, or all tokens of some users — so the next call reads them
    afresh from the database."""
    from django.core.cache import cache

    keys = {_token_key(d) for d in digests}
    if user_ids or usernames:
        owned = ApiToken.objects.filter(Q(user_id__in=list(user_ids)) | Q(user__username__in=list(usernames)))
        keys.update(_token_key(d) for d in owned.values_list("digest", flat=True))
    if keys:
        cache.delete_many(sorted(keys))


def connect_token_signals() -> None:
    """Forget cached tokens whenever what they rest on changes: the token row, its user, a lockout (the signal
    django-axes sends, and any failed-login record written — by axes or by hand)."""
    from axes.models import AccessAttempt
    from axes.signals import user_locked_out
    from django.db.models.signals import post_delete, post_save

    def token_changed(sender, instance, **kw):
        api_tokens_forget(digests=[instance.digest])

    def user_changed(sender, instance, **kw):
        api_tokens_forget(user_ids=[instance.pk])

    def locked(sender, request=None, username=None, **kw):
        if username:
            api_tokens_forget(usernames=[username])

    for signal in (post_save, post_delete):
        signal.connect(
            token_changed, sender=ApiToken, dispatch_uid=f"parkos.tokens.token.{signal}", weak=False
        )
    post_save.connect(user_changed, sender=User, dispatch_uid="parkos.tokens.user.save", weak=False)
    # a user's deletion takes its tokens with it (their post_delete forgets each)
    user_locked_out.connect(locked, dispatch_uid="parkos.tokens.locked", weak=False)

    def attempt_saved(sender, instance, **kw):
        if instance.username:
            api_tokens_forget(usernames=[instance.username])

    post_save.connect(attempt_saved, sender=AccessAttempt, dispatch_uid="parkos.tokens.attempt", weak=False)


TOKEN_USE_GRAIN = dt.timedelta(minutes=1)  # a token's "last used" is kept to the minute


def api_token_user(raw: str) -> User | None:
    token = api_token_for(raw)
    return token.user if token else None


def _locked_out(now: dt.datetime) -> Q:
    """The tokens whose user the login lockout (django-axes) holds by name: a token does not outlive a lockout."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Exists, OuterRef

    if not getattr(settings, "AXES_ENABLED", True):
        return Q(pk__in=[])
    since = now - dt.timedelta(hours=float(getattr(settings, "AXES_COOLOFF_TIME", 0) or 0))
    return Q(
        Exists(
            AccessAttempt.objects.filter(
                username=OuterRef("user__username"),
                failures_since_start__gte=getattr(settings, "AXES_FAILURE_LIMIT", 5),
                attempt_time__gte=since,
            )
        )
    )


@transaction.atomic
def calendar_day_set(*, user: User, date: dt.date, is_working: bool, note: str = "") -> CalendarDay:
    if not user.may("manage_calendar"):
        raise Forbidden(_("Only system administrators may change the calendar."))
    day, _created = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_working": is_working, "note": note}
    )
    return day


@transaction.atomic
def calendar_notice_load(
    *, user: User, year: int, days_off: list[dt.date], working_days: list[dt.date], source: str = ""
) -> CalendarNotice:
    """Load the State Council's notice for a year in one step: the year's days off and 调休 working days replace
    its earlier overrides, and the notice then decides the year alone (over chinesecalendar and the fallback)."""
    if not user.may("manage_calendar"):
        raise Forbidden(_("Only system administrators may change the calendar."))
    outside = sorted({d for d in [*days_off, *working_days] if d.year != year})
    if outside:
        raise Invalid(
            _("%(dates)s are not in %(year)s.") % {"dates": "、".join(map(str, outside)), "year": year},
            fields={"days_off": [_("dates of another year")]},
        )
    both = sorted(set(days_off) & set(working_days))
    if both:
        raise Invalid(
            _("%(dates)s cannot be both a day off and a working day.") % {"dates": "、".join(map(str, both))},
            fields={"working_days": [_("also listed as a day off")]},
        )
    if not days_off:
        raise Invalid(_("List the notice's days off."), fields={"days_off": [_("required")]})
    CalendarDay.objects.filter(date__year=year).delete()
    note = source[:100] or _("%(year)s holiday notice") % {"year": year}
    for d in sorted(set(days_off)):
        clean_and_save(CalendarDay(date=d, is_working=False, note=note), user=user)
    for d in sorted(set(working_days)):
        clean_and_save(CalendarDay(date=d, is_working=True, note=note), user=user)
    notice, _created = CalendarNotice.objects.update_or_create(
        year=year, defaults={"source": source[:200], "loaded_by": user}
    )
    return notice


@transaction.atomic
def calendar_day_delete(*, user: User, date: dt.date) -> None:
    if not user.may("manage_calendar"):
        raise Forbidden(_("Only system administrators may change the calendar."))
    CalendarDay.objects.filter(date=date).delete()


def import_run_start(*, user: User, kind: str, upload: UploadedFile, dry_run: bool = False) -> ImportRun:
    """Store the upload and queue its import; the page polls the run for progress."""
    importer = importer_for(kind)
    if not user.may(importer.permission):
        raise Forbidden(_("You may not import data."))
    name = upload.name or ""
    if not name.lower().endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        raise Invalid(_("Upload an Excel file (.xlsx)."), fields={"file": [_("not an Excel file")]})
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind, file=upload, original_name=name[:200], dry_run=dry_run, created_by=user
        )
    from .tasks import import_run_task

    import_run_task.enqueue(run.pk)
    return run


UPLOAD_KEEP_DAYS = 7  # a rejected or check-only import's file is kept this long, to look at, then removed


def uploads_cleanup(*, today: dt.date | None = None) -> int:
    """Remove the files of imports that wrote nothing (rejected, failed, or only checked) once they are a week
    old (the run and its errors stay on record), and the stored files no record names. Returns how many files
    went."""
    today = today or timezone.localdate()  # `parkos daily` without --today passes None
    cutoff = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=UPLOAD_KEEP_DAYS), dt.time.min)
    )
    stale = (
        ImportRun.objects.filter(created_at__lt=cutoff)
        .filter(Q(status__in=[ImportRun.Status.INVALID, ImportRun.Status.FAILED]) | Q(dry_run=True))
        .exclude(file="")
    )
    n = 0
    for run in stale:
        run.file.delete(save=False)
        ImportRun.objects.filter(pk=run.pk).update(file="")
        n += 1
    return n + orphan_files_cleanup()


ORPHAN_GRACE = dt.timedelta(
    days=1
)  # an upload whose record is still being saved is never taken for an orphan


def orphan_files_cleanup(*, now: dt.datetime | None = None) -> int:
    """Remove the stored files no record names — left when the record they came with was refused after the file
    was written (its transaction rolled back), or when the record went — once they are a day old. Only files
    under MEDIA_ROOT are looked at, and only attachments and import uploads are kept there."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return 0
    named = set(Attachment.objects.values_list("file", flat=True).iterator())
    named |= set(ImportRun.objects.exclude(file="").values_list("file", flat=True).iterator())
    cutoff = (now or timezone.now()).timestamp() - ORPHAN_GRACE.total_seconds()
    n = 0
    for path in root.rglob("*"):
        if not path.is_file() or path.relative_to(root).as_posix() in named:
            continue
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            n += 1
    return n


def import_run_execute(*, run_id: int) -> ImportRun:
    """Run a queued import (called by the background task)."""
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    progress = Progress("import", run.pk)
    try:
        with run.file.open("rb") as fh:
            report: ImportReport = import_file(
                kind=run.kind, source=fh, user=run.created_by, dry_run=run.dry_run, progress=progress
            )
    except Exception as exc:  # the run must end in a visible state whatever went wrong
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, message=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    fields: dict[str, Any] = {
        "status": ImportRun.Status.DONE if report.ok else ImportRun.Status.INVALID,
        "rows": report.rows,
        "created_count": report.created,
        "updated_count": report.updated,
        "errors": report.errors,
        "finished_at": timezone.now(),
    }
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    progress("done", 1, 1, force=True)
    run.refresh_from_db()
    return run


def cli_actor(username: str | None = None) -> User:
    """Who a command-line import or export acts as: the named user, else the first system administrator."""
    from django.core.management.base import CommandError

    if username:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"no user {username}") from None
    user = (
        User.objects.filter(is_superuser=True).order_by("pk").first()
        or User.objects.filter(role="system_admin").order_by("pk").first()
    )
    if user is None:
        user, _created = User.objects.get_or_create(
            username="parkos-cli",
            defaults={
                "role": "system_admin",
                "is_superuser": True,
                "is_staff": True,
                "display_name": "命令行",
            },
        )
        user.set_unusable_password()
        user.save()
    return user


# ---- attachments -------------------------------------------------------------------------------------------
def _attachment_target(key: str):
    from . import registries

    target = registries.attachment_targets.get(key)
    if target is None:
        raise Invalid(_("These records take no attachments."))
    return target


@transaction.atomic
def attachments_add(
    *, user: User, target: str, target_id: int, uploads: list[UploadedFile]
) -> list[Attachment]:
    """Attach files to a record the user may add files to (out of scope: 404, nothing written)."""
    from django.http import Http404

    t = _attachment_target(target)
    if not t.may_view(user, target_id):
        raise Http404
    if not t.may_attach(user, target_id):
        raise Forbidden(_("You may not add files to this record now."))
    if not uploads:
        raise Invalid(_("Choose at least one file."), fields={"files": [_("Choose at least one file.")]})
    return attach_files(user=user, target=target, target_id=target_id, uploads=uploads)


def attach_files(*, user: User, target: str, target_id: int, uploads: list[UploadedFile]) -> list[Attachment]:
    """Store files on a record — for a service that has just created the record or checked the user's right
    itself. Every file is checked before any is stored: its size against PARKOS_ATTACHMENT_MAX_MB and its kind
    by name and first bytes; a refusal names each file and its reason, and nothing is stored."""
    from django.conf import settings

    from .files import accepted, kind_of

    _attachment_target(target)
    limit = settings.ATTACHMENT_MAX_BYTES
    problems = []
    checked = []
    for f in uploads:
        name = (f.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        head = f.read(16)
        f.seek(0)
        size = f.size or 0
        if size > limit:
            problems.append(
                _("%(name)s: %(size)s MB is over the limit of %(limit)s MB")
                % {"name": name, "size": round(size / 1048576, 1), "limit": limit // 1048576}
            )
        elif size == 0:
            problems.append(_("%(name)s: the file is empty") % {"name": name})
        elif kind_of(name, head) is None:
            problems.append(
                _("%(name)s: not a file type we take (%(types)s), or its content does not match its name")
                % {"name": name, "types": accepted()}
            )
        checked.append((f, name))
    if problems:
        raise Invalid("；".join(problems), fields={"files": problems})
    out = []
    for f, name in checked:
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        a = Attachment(
            target=target,
            target_id=target_id,
            name=name,
            size=f.size or 0,
            sha256=digest.hexdigest(),
            uploaded_by=user,
        )
        a.file.save(name, f, save=False)
        a.save()
        out.append(a)
    return out


@transaction.atomic
def attachment_delete(*, user: User, pk: int) -> None:
    """Remove a file its uploader added, while the record still takes files."""
    from django.http import Http404

    a = Attachment.objects.select_for_update().filter(pk=pk).first()
    if a is None or not _attachment_target(a.target).may_view(user, a.target_id):
        raise Http404
    if a.uploaded_by_id != user.pk or not _attachment_target(a.target).may_attach(user, a.target_id):
        raise Forbidden(_("Only the person who added a file removes it, while the record takes files."))
    a.file.delete(save=False)
    a.delete()


@transaction.atomic
def park_boundaries_import(*, user: User, content: bytes) -> list[Park]:
    """Set the boundaries a GeoJSON file gives (each feature names its park by code or name); all or nothing:
    a file with one bad feature changes no park (`geo.BoundaryError` lists every fault). System administrators
    only; each changed park keeps its history."""
    if not capabilities.is_system_admin(user):
        raise Forbidden(_("Only system administrators import the parks' boundaries."))
    parks = {p.pk: p for p in Park.objects.select_for_update().order_by("pk")}
    try:
        found = geo.read_boundaries(content, parks.values())
    except geo.BoundaryError as exc:
        raise Invalid(_("The boundaries were not imported: %(e)s") % {"e": "；".join(exc.errors)}) from None
    changed = []
    for pk, geometry in found.items():
        park = parks[pk]
        if park.boundary != geometry:
            park.boundary = geometry
            park.save(update_fields=["boundary"])
            changed.append(park)
    return changed

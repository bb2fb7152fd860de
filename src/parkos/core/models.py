"""Zone structure, users and roles, the working-day calendar overrides, API tokens and import runs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class FieldCheck(models.CheckConstraint):
    """A check on one field: a form or a service that breaks it gets the message on that field (Django puts a
    check constraint's error on the whole form), never the constraint's name.

        FieldCheck(field="amount", condition=Q(amount__gte=0), name="…", violation_error_message=_("…"))
    """

    def __init__(self, *, field: str, **kwargs):
        self.field = field
        super().__init__(**kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS) -> None:
        try:
            super().validate(model, instance, exclude=exclude, using=using)  # type: ignore[misc]  # missing from django-stubs
        except ValidationError as exc:
            raise ValidationError({self.field: exc.messages}, code=self.violation_error_code) from None

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "field": self.field}

    def __eq__(self, other):
        return super().__eq__(other) and getattr(other, "field", None) == self.field


class VersionedModel(models.Model):
    """Base for records people edit: timestamps and a version column for optimistic locking."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see or change.

    The model defines `scope_q(user, action) -> Q | None`: None means everything, an empty
    `Q(pk__in=[])` means nothing.
    """

    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.may(action):
            return self.none()
        q = self.model.scope_q(user, action)
        return self if q is None else self.filter(q)


class Zone(models.Model):
    """The development zone this installation serves (one row)."""

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def __str__(self) -> str:
        return self.name


class Park(models.Model):
    """A sub-area of the zone (片区 / 园区)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.TextField(_("description"), blank=True)
    # the park's outline as a GeoJSON geometry (Polygon or MultiPolygon, WGS-84), imported from a GeoJSON file
    boundary = models.JSONField(_("boundary"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A bureau of the administration (部门)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Light(models.TextChoices):
    """A time limit's light (approval items and stages, whole approvals, requests): one set of names everywhere."""

    GREEN = "green", pgettext_lazy("light", "On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", pgettext_lazy("light", "Overdue")
    GREY = "grey", _("Clock paused")
    DONE = "done", pgettext_lazy("light", "Done")


LIGHT_BADGE = {  # a light as a pale badge (tables of the enterprise page, lists)
    Light.GREEN: "bg-green-lt",
    Light.YELLOW: "bg-yellow-lt",
    Light.RED: "bg-red-lt",
    Light.GREY: "bg-secondary-lt",
    Light.DONE: "bg-blue-lt",
}


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    LEADER = "leader", _("Leader")
    DEPT_ADMIN = "dept_admin", _("Department administrator")
    DEPT_STAFF = "dept_staff", _("Department staff")
    ENTERPRISE = "enterprise", _("Enterprise user")


# What each role may do at all; *which* records is the model's scope_q.
ROLE_ACTIONS: dict[str, set[str]] = {
    Role.SYSTEM_ADMIN: {
        "view",
        "change",
        "import",
        "export",
        "manage_users",
        "manage_calendar",
        "evaluate",
        "configure",
    },
    Role.LEADER: {"view", "export"},
    Role.DEPT_ADMIN: {"view", "change", "import", "export", "manage_users", "evaluate", "configure"},
    Role.DEPT_STAFF: {"view", "change", "import", "export"},
    Role.ENTERPRISE: {"view", "export"},
}
ZONE_WIDE_ROLES = {Role.SYSTEM_ADMIN, Role.LEADER}


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault(
            "role", Role.SYSTEM_ADMIN
        )  # `parkos createsuperuser` makes a system administrator
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A login: administration staff by department, or an enterprise's own user."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DEPT_STAFF)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # the interface language the user picked; empty: the zone's (zh-hans), whatever the browser asks for
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()  # type: ignore[misc]  # Django's user model declares the manager the same way

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["dept_admin", "dept_staff"]) | Q(department__isnull=False),
                name="user_department_staff_have_department",
                violation_error_message=_("Department staff need a department."),
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def may(self, action: str) -> bool:
        if self.is_superuser:
            return True
        return action in ROLE_ACTIONS.get(self.role, set())

    @property
    def is_zone_wide(self) -> bool:
        return self.is_superuser or self.role in ZONE_WIDE_ROLES

    @property
    def is_enterprise_user(self) -> bool:
        return not self.is_superuser and self.role == Role.ENTERPRISE


class CalendarNotice(models.Model):
    """A year whose State Council holiday notice an administrator loaded: its days off and 调休 working days are
    the year's CalendarDay rows, and they alone decide the year (over chinesecalendar and the law's fallback)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("notice"), max_length=200, blank=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")

    def __str__(self) -> str:
        return f"{self.year} {self.source}"


class CalendarDay(models.Model):
    """An administrator's override of one day: a holiday, or a 调休 working day. Wins over chinesecalendar."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {'working' if self.is_working else 'off'}"


class ApiToken(models.Model):
    """A per-user API token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(_("prefix"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices, default=Scope.READ)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SecurityEvent(models.Model):
    """The security log: logins, failed logins and lockouts, password changes and resets, tokens made, revoked,
    refused and used (first use a day), office powers granted and revoked, personal data exported, requests over a
    rate limit. Written by `core.security.record`, read by system administrators on the page 安全日志."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Logged out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TOKEN_USED = "token_used", _("API token used")
        TOKEN_REFUSED = "token_refused", _("API token refused")
        CAPABILITY_GRANTED = "capability_granted", _("Office power granted")
        CAPABILITY_REVOKED = "capability_revoked", _("Office power revoked")
        PERSONAL_EXPORT = "personal_export", _("Personal data exported")
        RATE_LIMITED = "rate_limited", _("Over the rate limit")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)  # as typed, for failed logins
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class ImportRun(models.Model):
    """One Excel import: the uploaded file, its progress and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        INVALID = "invalid", _("Rejected: errors found")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    dry_run = models.BooleanField(_("check only"), default=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="import_runs")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return None if user.is_zone_wide else Q(created_by=user)


class Counter(models.Model):
    """A named number series (request numbers per month, card numbers per year): the row is locked while the next
    number is taken, so concurrent submissions never draw the same one."""

    key = models.CharField(_("series"), max_length=60, unique=True)
    value = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"


class CapabilityGrant(models.Model):
    """A power of an office (the service centre, the supervision office, the joint-meeting office, the approval
    reform office, later the new apps' offices) held by a department or by one user. Only a system administrator
    grants it, never to themselves (`core.capabilities`)."""

    capability = models.CharField(_("capability"), max_length=60, db_index=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="capability_grants",
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="capability_grants",
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["capability", "pk"]
        verbose_name = _("capability grant")
        verbose_name_plural = _("capability grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=False, user__isnull=True)
                | Q(department__isnull=True, user__isnull=False),
                name="capability_to_a_department_or_a_user",
                violation_error_message=_("A power is granted to a department or to one user, not both."),
            ),
            models.UniqueConstraint(
                fields=["capability", "department"],
                name="capability_once_per_department",
                violation_error_message=_("This department already holds this power."),
            ),
            models.UniqueConstraint(
                fields=["capability", "user"],
                name="capability_once_per_user",
                violation_error_message=_("This user already holds this power."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capability}: {self.department or self.user}"


class Notice(models.Model):
    """One notice of the inbox: a kind (registered by an app in `registries.alert_kinds`), the record it is about,
    its message and link, and its recipients with their read state. Every alert of every app lands here."""

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    light = models.CharField(_("light"), max_length=10, blank=True)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    on = models.DateField(_("date"))
    once_key = models.CharField(max_length=120, blank=True)  # a notice sent once per (kind, once_key)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    recipients: models.ManyToManyField = models.ManyToManyField(
        User, through="NoticeRecipient", related_name="notices"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbox notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "once_key"],
                condition=~Q(once_key=""),
                name="notice_once",
                violation_error_message=_("This notice was already sent."),
            )
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def kind_label(self) -> str:
        from . import registries

        k = registries.alert_kinds.get(self.kind)
        return str(k.label) if k else self.kind


class NoticeRecipient(models.Model):
    """A notice in one user's inbox, read or not."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notice_deliveries")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "user"],
                name="notice_once_per_user",
                violation_error_message=_("This user already has this notice."),
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.notice_id}"


class AppendOnly(Exception):
    pass


class AppendOnlyModel(models.Model):
    """A record written once and never changed or deleted (timelines, draw records, signed declarations): `save` of
    an existing row and `delete` raise `AppendOnly`; a correction is a new row."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnly(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(f"{type(self).__name__} is append-only")


class WorkflowEvent(AppendOnlyModel):
    """Base of every timeline a workflow appends to (`core.workflow.transition`): the action, the states before
    and after, the business date, who, why, and when it was recorded. Rows are never changed or deleted one by
    one: a correction is a new event."""

    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        abstract = True

    # ---- labels for the timeline (from the workflow the event belongs to) -------------------------------------
    def workflow_of(self):
        from .registries import workflows

        key = getattr(self, "workflow", "")
        if key:
            return workflows.get(key)
        label = self._meta.label
        return next((w for w in workflows if w.event == label and self.action in w.actions), None)

    @property
    def action_label(self) -> str:
        wf = self.workflow_of()
        return wf.action_label(self.action) if wf else self.action

    @property
    def from_label(self) -> str:
        wf = self.workflow_of()
        return wf.state_label(self.from_state) if wf and self.from_state else self.from_state

    @property
    def to_label(self) -> str:
        wf = self.workflow_of()
        return wf.state_label(self.to_state) if wf and self.to_state else self.to_state


class RecordEvent(WorkflowEvent):
    """The timeline of records whose app keeps none of its own (a policy application, a grant, an evaluation's
    publication, …): the same event, pointing at its record by content type and id."""

    workflow = models.CharField(max_length=40)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.workflow} {self.object_id} {self.action}"


class ZoneSettings(models.Model):
    """The zone's settings, one row per app's section (`core.zone_settings.Section`); a section without a row
    reads its defaults. Saved only through `Section.save_values` (audited, versioned, the cache refreshed)."""

    section = models.CharField(_("section"), max_length=40, unique=True)
    values = models.JSONField(_("values"), default=dict)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone settings")
        verbose_name_plural = _("zone settings")

    def __str__(self) -> str:
        return self.section


def audited(obj, user) -> None:
    """Record who makes the next save of `obj` (the user of its simple-history row)."""
    obj._history_user = user  # type: ignore[attr-defined]  # simple-history reads this attribute on save


def _attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under the data directory by date and a random name: the original name is kept on the row only,
    so no uploaded name ever becomes a path."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file attached to a record of any app (a request, a monthly report, an application …). The record is
    named by its attachment target (`registries.attachment_targets`) and id; who may read or add files is the
    target's rule, so a file is served only to those who may see its record."""

    target = models.CharField(_("attached to"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("record"))
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["target", "target_id", "pk"]
        indexes = [models.Index(fields=["target", "target_id"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


# Django's own message for a foreign key to a row that is not there has no Chinese in Django's catalogue; kept here
# so ours (which wins by LOCALE_PATHS) carries it.
_DJANGO_MESSAGES = (_("%(model)s instance with %(field)s %(value)r is not a valid choice."),)

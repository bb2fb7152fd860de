"""Key projects (重点项目 / 五个100) and their staged approvals (工程建设项目审批).

Projects: lifecycle with milestones, yearly plans, monthly reports (月报), problem lists (问题清单).
Approvals: the item catalogue (事项), flow templates per investment type, stage and item instances with
their suspensions, extensions and events, lights and alerts; 帮代办 handovers and authorisations.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core.models import ScopedQuerySet, VersionedModel, WorkflowEvent
from parkos.core.zone_settings import Section
from parkos.enterprises.models import Top500Kind

MONEY = {"max_digits": 16, "decimal_places": 2}


class Category(models.TextChoices):
    INDUSTRY = "industry", _("Major industrial project")
    TECH = "tech", _("Major S&T innovation project")
    PRODUCT = "product", _("Major product innovation project")
    OTHER = "other", _("Other key project")


class Level(models.TextChoices):
    PROVINCE = "province", _("Provincial key")
    CITY = "city", _("Municipal key")
    DISTRICT = "district", _("Zone key")


class Kind(models.TextChoices):
    NEW = "new", _("New build")
    CONTINUED = "continued", _("Continued")
    UPGRADE = "upgrade", _("Technical upgrade")
    EXPANSION = "expansion", _("Expansion")


class InvestmentType(models.TextChoices):
    GOV = "gov", _("Government investment")
    SOCIAL = "social", _("Social investment")
    INDUSTRIAL = "industrial", _("Industrial")
    SMALL_LOW_RISK = "small_low_risk", _("Small low-risk")
    TRANSPORT_WATER = "transport_water", _("Transport and water")
    ENERGY = "energy", _("Energy")


class LandMode(models.TextChoices):
    ALLOCATED = "allocated", _("Allocation")
    TRANSFER = "transfer", _("Transfer")
    WITH_SCHEME = "with_scheme", _("Transfer with approved scheme")
    EXISTING = "existing", _("Existing land")


class Status(models.TextChoices):
    REGISTERED = "registered", _("In the library")
    SIGNED = "signed", _("Signed")
    LAND = "land", _("Land supplied")
    STARTED = "started", _("Construction started")
    COMPLETED = "completed", pgettext_lazy("project", "Completed")
    PRODUCTION = "production", _("In production")
    CAPACITY = "capacity", _("At capacity")
    PAUSED = "paused", _("Paused")
    TERMINATED = "terminated", _("Terminated")


Top500List = Top500Kind  # the registry's three lists (三类500强), one concept in one place


def _project_scope(user, action: str, prefix: str = "") -> Q | None:
    """Leaders see every project; a department sees the projects it leads or approves items of, and those its
    officers help, and changes those it leads (an officer those they help); an enterprise user sees only the
    projects their enterprise invests in, read-only."""
    if user.is_zone_wide:
        return None
    if user.is_enterprise_user:
        if action not in {"view", "export"}:
            return Q(pk__in=[])
        return Q(**{f"{prefix}investor__accounts__user": user})
    if user.department_id is None:
        return Q(pk__in=[])
    if action not in {"view", "export"}:  # the lead department and the project's own officer change it
        return Q(**{f"{prefix}lead_department_id": user.department_id}) | Q(**{f"{prefix}helper": user})
    approving = ItemInstance.objects.filter(department_id=user.department_id).values("project_id")
    return (
        Q(**{f"{prefix}lead_department_id": user.department_id})
        | Q(**{f"{prefix}helper__department_id": user.department_id})
        | Q(**{f"{prefix}pk__in": approving})
    )


class Project(VersionedModel):
    """A key project in the library (入库), from signing to full capacity."""

    code = models.CharField(_("project code"), max_length=40, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("investor"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    top500_list = models.CharField(
        _("top-500 list"), max_length=20, choices=Top500List.choices, blank=True, default=""
    )
    is_talent = models.BooleanField(_("S&T talent project"), default=False)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEW)
    investment_type = models.CharField(
        _("investment type"), max_length=20, choices=InvestmentType.choices, default=InvestmentType.INDUSTRIAL
    )
    land_mode = models.CharField(
        _("land mode"), max_length=20, choices=LandMode.choices, default=LandMode.TRANSFER
    )
    total_investment = models.DecimalField(_("total investment (10k yuan)"), **MONEY)
    contracted_investment = models.DecimalField(
        _("contracted investment (10k yuan)"), null=True, blank=True, **MONEY
    )
    park = models.ForeignKey(
        "core.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    land_parcel = models.ForeignKey(
        "enterprises.LandParcel",
        verbose_name=_("land parcel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    land_area_mu = models.DecimalField(_("land (mu)"), max_digits=12, decimal_places=2, null=True, blank=True)
    lead_department = models.ForeignKey(
        "core.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assistance officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="helped_projects",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    status_before_pause = models.CharField(max_length=20, blank=True)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    registered_on = models.DateField(_("entered the library on"))
    description = models.TextField(_("description"), blank=True)
    flow = models.ForeignKey(
        "FlowTemplate",
        verbose_name=_("approval flow"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    total_limit_wd = models.PositiveIntegerField(
        _("total approval limit (working days)"), null=True, blank=True
    )
    # the approval clock of the whole project, refreshed with the lights
    approval_elapsed_wd = models.IntegerField(default=0)
    approval_light = models.CharField(max_length=10, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "pk"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_investment_nonneg"),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="project_code_unique"),
        ]
        indexes = [
            models.Index(fields=["lead_department", "status"]),
            models.Index(fields=["helper", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _project_scope(user, action)

    @property
    def is_active(self) -> bool:
        return self.status not in {Status.PAUSED, Status.TERMINATED, Status.CAPACITY}


PROJECT_FIELDS = [
    "code", "name", "category", "top500_list", "is_talent", "level", "kind", "investment_type", "land_mode",
    "total_investment", "contracted_investment", "park", "land_parcel", "land_area_mu", "lead_department",
    "helper", "registered_on", "description",
]  # fmt: skip


class ProjectChild(models.Model):
    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _project_scope(user, action, prefix="project__")


class Milestone(ProjectChild, VersionedModel):
    """A planned and actual date for one lifecycle step, with its evidence."""

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signing")
        LAND = "land", _("Land supply")
        STARTED = "started", _("Construction start")
        COMPLETED = "completed", _("Completion")
        PRODUCTION = "production", _("Production")
        CAPACITY = "capacity", _("Full capacity")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("milestone"), max_length=20, choices=Kind.choices)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    actual_on = models.DateField(_("actual"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_unique")]
        indexes = [models.Index(fields=["kind", "planned_on"]), models.Index(fields=["kind", "actual_on"])]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"


class YearPlan(ProjectChild, VersionedModel):
    """What the project plans to invest, and the funds it expects in place, in one year."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="year_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    investment = models.DecimalField(_("planned investment (10k yuan)"), **MONEY)
    funds = models.DecimalField(_("planned funds in place (10k yuan)"), null=True, blank=True, **MONEY)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="yearplan_unique")]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


class MonthlyReport(ProjectChild, VersionedModel):
    """月报: investment completed and funds in place in one month, progress and problems."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("month"))  # the first day of the month
    investment = models.DecimalField(_("investment completed (10k yuan)"), **MONEY)
    funds = models.DecimalField(_("funds in place (10k yuan)"), **MONEY)
    progress = models.TextField(_("progress"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="report_unique"),
            models.CheckConstraint(condition=Q(investment__gte=0) & Q(funds__gte=0), name="report_nonneg"),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.project} {self.month:%Y-%m}"


class Problem(ProjectChild, VersionedModel):
    """问题清单: a problem a project raised, the department that owns it, its due date and answer."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("problem", "Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="problems")
    description = models.TextField(_("problem"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("raised by"),
    )
    raised_on = models.DateField(_("raised on"))
    owner = models.ForeignKey(
        "core.Department",
        verbose_name=_("owner department"),
        on_delete=models.PROTECT,
        related_name="problems",
    )
    due_wd = models.PositiveSmallIntegerField(_("due in (working days)"))
    due_on = models.DateField(_("due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    escalated_on = models.DateField(_("escalated to leaders on"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self) -> str:
        return self.description[:40]

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        q = _project_scope(user, action, prefix="project__")
        if q is None or user.is_enterprise_user or user.department_id is None:
            return q
        return q | Q(owner_id=user.department_id)


# ---- approvals -------------------------------------------------------------------------------------------
class Stage(models.TextChoices):
    STAGE1 = "STAGE1", _("Stage 1: project approval and land-use planning")
    STAGE2 = "STAGE2", _("Stage 2: construction project permit")
    STAGE3 = "STAGE3", _("Stage 3: construction permit")
    MERGED_2_3 = "MERGED_2_3", _("Stages 2 and 3 merged")
    STAGE4 = "STAGE4", _("Stage 4: completion acceptance")


class ItemMode(models.TextChoices):
    NORMAL = "normal", _("Ordinary")
    COMMITMENT = "commitment", _("Notification and commitment")
    INSTANT = "instant", _("Instant")


class CorrectionMode(models.TextChoices):
    PAUSE = "pause", _("Pause the clock")
    RESTART = "restart", _("Restart the clock")


class ApprovalItem(VersionedModel):
    """A catalogue item (事项): who handles it, its limits and mode, and what must come before it."""

    code = models.CharField(_("item code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="approval_items",
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    statutory_limit_wd = models.PositiveSmallIntegerField(_("statutory limit (working days)"))
    promised_limit_wd = models.PositiveSmallIntegerField(_("promised limit (working days)"))
    mode = models.CharField(_("mode"), max_length=12, choices=ItemMode.choices, default=ItemMode.NORMAL)
    correction_mode = models.CharField(
        _("after corrections"), max_length=10, choices=CorrectionMode.choices, default=CorrectionMode.PAUSE
    )
    verification_wd = models.PositiveSmallIntegerField(_("verification within (working days)"), default=20)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("predecessors")
    )
    history = HistoricalRecords(m2m_fields=[predecessors])

    class Meta:
        ordering = ["stage", "code"]
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit_wd__lte=models.F("statutory_limit_wd")),
                name="item_promise_within_law",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FlowTemplate(VersionedModel):
    """The approval flow of one investment type: stage limits, the total limit and the items it takes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    investment_type = models.CharField(_("investment type"), max_length=20, choices=InvestmentType.choices)
    total_limit_wd = models.PositiveSmallIntegerField(_("total limit (working days)"))
    stage1_wd = models.PositiveSmallIntegerField(_("stage 1 limit"))
    stage2_wd = models.PositiveSmallIntegerField(_("stage 2 limit"))
    stage3_wd = models.PositiveSmallIntegerField(_("stage 3 limit"))
    stage4_wd = models.PositiveSmallIntegerField(_("stage 4 limit"))
    merge_2_3 = models.BooleanField(_("stages 2 and 3 merged"), default=False)
    allow_overlap = models.BooleanField(_("next stage may start before this one ends"), default=False)
    items = models.ManyToManyField(ApprovalItem, blank=True, related_name="flows", verbose_name=_("items"))
    is_default = models.BooleanField(_("default for its investment type"), default=True)
    history = HistoricalRecords(m2m_fields=[items])

    class Meta:
        ordering = ["investment_type", "name"]
        verbose_name = _("flow template")
        verbose_name_plural = _("flow templates")

    def __str__(self) -> str:
        return self.name

    def stage_limits(self) -> dict[str, int]:
        if self.merge_2_3:
            return {
                Stage.STAGE1: self.stage1_wd,
                Stage.MERGED_2_3: self.stage2_wd + self.stage3_wd,
                Stage.STAGE4: self.stage4_wd,
            }
        return {
            Stage.STAGE1: self.stage1_wd,
            Stage.STAGE2: self.stage2_wd,
            Stage.STAGE3: self.stage3_wd,
            Stage.STAGE4: self.stage4_wd,
        }


REFORM_OFFICE = "projects.reform_office"  # the capability of the 工改办 (told of every red item)


class AcceptOnNonWorking(models.TextChoices):
    KEEP = "keep", _("Keep the date (count from the next working day)")
    SHIFT = "shift", _("Move acceptance to the next working day")


class ApprovalConfig(Section):
    """Zone-wide approval and reporting settings, a section of the zone's settings."""

    key = "projects"
    label = _("approval settings")
    AcceptOnNonWorking = AcceptOnNonWorking

    yellow_ratio = forms.DecimalField(
        label=_("yellow at this share of the limit"),
        max_digits=4,
        decimal_places=2,
        min_value=0,
        initial=Decimal("0.2"),
    )
    yellow_min_wd = forms.IntegerField(
        label=_("yellow at this many working days or fewer"), min_value=0, initial=2
    )
    deem_accept_wd = forms.IntegerField(
        label=_("deemed accepted after (working days)"), min_value=0, initial=5
    )
    accept_on_nonworking = forms.ChoiceField(
        label=_("acceptance on a non-working day"), choices=AcceptOnNonWorking.choices, initial="keep"
    )
    report_due_day = forms.IntegerField(
        label=_("monthly reports due by day of next month"), min_value=1, max_value=28, initial=5
    )


class StageInstance(ProjectChild, models.Model):
    """One stage of one project's approvals; its clock starts when the lead window accepts it."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Not started")
        ACTIVE = "active", pgettext_lazy("stage", "In progress")
        COMPLETED = "completed", pgettext_lazy("stage", "Completed")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(default=0)
    lead_department = models.ForeignKey(
        "core.Department", verbose_name=_("lead department"), null=True, blank=True, on_delete=models.PROTECT
    )
    limit_wd = models.PositiveSmallIntegerField(_("limit (working days)"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    elapsed_wd = models.IntegerField(default=0)
    remaining_wd = models.IntegerField(null=True, blank=True)
    light = models.CharField(max_length=10, blank=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("approval stage")
        verbose_name_plural = _("approval stages")
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="stage_unique")]

    def __str__(self) -> str:
        return f"{self.project} {self.get_stage_display()}"


class ItemState(models.TextChoices):
    PENDING = "pending", _("Not applied")
    SUBMITTED = "submitted", _("Submitted")
    PRE_CORRECTION = "pre_correction", _("Awaiting materials before acceptance")
    REJECTED = "rejected", _("Not accepted")
    IN_REVIEW = "in_review", _("Accepted, in review")
    CORRECTION = "correction", _("Awaiting corrections")
    SPECIAL = "special", _("Special procedure")
    COMPLETED = "completed", pgettext_lazy("item", "Completed")
    VERIFY_PENDING = "verify_pending", _("Granted on commitment, verification due")
    REVOKED = "revoked", _("Revoked")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ItemResult(models.TextChoices):
    NONE = "", "—"
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    COMMITTED = "committed", _("Granted on commitment")


class ItemAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    ACCEPT = "accept", _("Accept")
    DEEM_ACCEPT = "deem_accept", _("Deemed accepted")
    PRE_CORRECT = "pre_correct", _("One-time correction notice before acceptance")
    REJECT_INTAKE = "reject_intake", _("Refuse to accept")
    REQUEST_CORRECTION = "request_correction", _("Correction notice")
    RECEIVE_MATERIALS = "receive_materials", _("Materials received")
    CORRECTION_TIMEOUT = "correction_timeout", _("Corrections not supplied in time")
    START_SPECIAL = "start_special", _("Start special procedure")
    END_SPECIAL = "end_special", _("End special procedure")
    EXTEND = "extend", _("Extend")
    APPROVE = "approve", _("Grant")
    DENY = "deny", _("Deny")
    COMMIT = "commit", _("Grant on commitment")
    VERIFY_PASS = "verify_pass", _("Verified: compliant")
    VERIFY_RECTIFY = "verify_rectify", _("Verified: rectify by a date")
    VERIFY_FAIL = "verify_fail", _("Verified: not compliant, revoke")
    RETURN = "return", _("Return")
    WITHDRAW = "withdraw", _("Withdraw")


class ItemInstance(ProjectChild, VersionedModel):
    """One approval item of one project, with its clock: accepted on (day 0), deadline, light."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    stage = models.ForeignKey(StageInstance, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(ApprovalItem, on_delete=models.PROTECT, related_name="instances")
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="approval_instances"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_items",
    )
    mode = models.CharField(_("mode"), max_length=12, choices=ItemMode.choices)
    correction_mode = models.CharField(
        max_length=10, choices=CorrectionMode.choices, default=CorrectionMode.PAUSE
    )
    statutory_limit_wd = models.PositiveSmallIntegerField(_("statutory limit"))
    promised_limit_wd = models.PositiveSmallIntegerField(_("promised limit"))
    extension_wd = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=ItemState.choices, default=ItemState.PENDING, db_index=True
    )
    result = models.CharField(_("result"), max_length=12, choices=ItemResult.choices, blank=True, default="")
    received_on = models.DateField(_("materials received on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    clock_start = models.DateField(_("clock starts after"), null=True, blank=True)
    original_deadline = models.DateField(_("original deadline"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    elapsed_wd = models.IntegerField(default=0)
    remaining_wd = models.IntegerField(null=True, blank=True)
    suspended_wd = models.IntegerField(default=0)
    light = models.CharField(max_length=10, blank=True, db_index=True)
    previous_item = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resubmissions"
    )
    commitment_signed_on = models.DateField(_("commitment signed on"), null=True, blank=True)
    commitment_text_version = models.CharField(_("commitment text version"), max_length=40, blank=True)
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    verification_result = models.CharField(_("verification result"), max_length=20, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["stage__order", "item__code", "pk"]
        verbose_name = _("approval item instance")
        verbose_name_plural = _("approval item instances")
        indexes = [
            models.Index(fields=["department", "state"]),
            models.Index(fields=["handler", "state"]),
            models.Index(fields=["project", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.item.name}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        q = _project_scope(user, action, prefix="project__")
        if q is None or user.is_enterprise_user or user.department_id is None:
            return q
        return q | Q(department_id=user.department_id)

    @property
    def limit_wd(self) -> int:
        return self.promised_limit_wd + self.extension_wd


class Suspension(models.Model):
    """Days that do not count (补正, special procedures, the applicant's own time, intermediaries)."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Corrections")
        SPECIAL = "special", _("Special procedure")
        APPLICANT = "applicant", _("Applicant's time")
        INTERMEDIARY = "intermediary", _("Intermediary service")

    item = models.ForeignKey(ItemInstance, on_delete=models.CASCADE, related_name="suspensions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    notice_doc = models.CharField(_("notice"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["item", "start"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.end or '…'}"


class Extension(models.Model):
    item = models.ForeignKey(ItemInstance, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("working days"))
    approved_by = models.CharField(_("approved by"), max_length=60)
    reason = models.CharField(_("reason"), max_length=300)
    on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item", "on"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"+{self.days}"


class ItemEvent(WorkflowEvent):
    """The append-only log of an item: every transition with who, when (the business date) and why."""

    item = models.ForeignKey(ItemInstance, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=ItemAction.choices)

    class Meta:
        ordering = ["item", "at", "pk"]
        verbose_name = _("item event")
        verbose_name_plural = _("item events")

    def __str__(self) -> str:
        return f"{self.action} {self.on}"


class Authorization(ProjectChild, models.Model):
    """委托书: the enterprise authorises the zone's officers to file on its behalf."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="authorizations")
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    signatory = models.CharField(_("signed by"), max_length=60)
    file = models.FileField(_("scan"), upload_to="authorizations/%Y/", blank=True)
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-signed_on"]
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")

    def __str__(self) -> str:
        return f"{self.signatory} {self.signed_on}"


class Handover(ProjectChild, models.Model):
    """材料交接: documents that changed hands, when, between whom."""

    class Direction(models.TextChoices):
        FROM_ENTERPRISE = "from_enterprise", _("Received from the enterprise")
        TO_DEPARTMENT = "to_department", _("Filed with the department")
        FROM_DEPARTMENT = "from_department", _("Collected from the department")
        TO_ENTERPRISE = "to_enterprise", _("Returned to the enterprise")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="handovers")
    item = models.ForeignKey(
        ItemInstance, null=True, blank=True, on_delete=models.SET_NULL, related_name="handovers"
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    documents = models.CharField(_("documents"), max_length=500)
    counterpart = models.CharField(_("counterpart"), max_length=100, blank=True)
    at = models.DateTimeField(_("time"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-at"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return self.documents[:40]

"""Staged approvals (工程建设项目审批): the item catalogue (事项), flow templates per investment type, stage and item
instances with their suspensions, extensions and events, lights and alerts; 帮代办 handovers and authorisations."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core.models import FieldCheck, Light, ScopedQuerySet, VersionedModel, WorkflowEvent
from parkos.core.zone_settings import Section

from .projects import InvestmentType, Project, ProjectChild, _project_scope


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
            FieldCheck(
                field="promised_limit_wd",
                condition=Q(promised_limit_wd__lte=models.F("statutory_limit_wd")),
                name="item_promise_within_law",
                violation_error_message=_("The promised time limit cannot exceed the statutory one."),
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


# what the configuration pages edit (the form's fields and what the service copies)
ITEM_FIELDS = [
    "name",
    "statutory_limit_wd",
    "promised_limit_wd",
    "mode",
    "correction_mode",
    "verification_wd",
    "is_mandatory",
]
FLOW_FIELDS = [
    "name",
    "total_limit_wd",
    "stage1_wd",
    "stage2_wd",
    "stage3_wd",
    "stage4_wd",
    "merge_2_3",
    "allow_overlap",
    "is_default",
]

REFORM_OFFICE = "projects.reform_office"  # the capability of the 工改办 (told of every red item)


class AcceptOnNonWorking(models.TextChoices):
    KEEP = "keep", _("Keep the date (count from the next working day)")
    SHIFT = "shift", _("Move acceptance to the next working day")


class ApprovalConfig(Section):
    """Zone-wide approval and reporting settings, a section of the zone's settings."""

    key = "projects"
    label = _("approval settings")
    capability = REFORM_OFFICE
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
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    lead_department = models.ForeignKey(
        "core.Department", verbose_name=_("lead department"), null=True, blank=True, on_delete=models.PROTECT
    )
    limit_wd = models.PositiveSmallIntegerField(_("limit (working days)"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    elapsed_wd = models.IntegerField(default=0, verbose_name=_("working days used"))
    remaining_wd = models.IntegerField(null=True, blank=True, verbose_name=_("working days left"))
    light = models.CharField(max_length=10, blank=True, verbose_name=_("light"), choices=Light.choices)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "order"]
        verbose_name = _("approval stage")
        verbose_name_plural = _("approval stages")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "stage"],
                name="stage_unique",
                violation_error_message=_("This project already has this stage."),
            )
        ]

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
    stage = models.ForeignKey(
        StageInstance, on_delete=models.CASCADE, related_name="items", verbose_name=_("approval stage")
    )
    item = models.ForeignKey(
        ApprovalItem, on_delete=models.PROTECT, related_name="instances", verbose_name=_("approval item")
    )
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
        max_length=10,
        choices=CorrectionMode.choices,
        default=CorrectionMode.PAUSE,
        verbose_name=_("correction mode"),
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
    elapsed_wd = models.IntegerField(default=0, verbose_name=_("working days used"))
    remaining_wd = models.IntegerField(null=True, blank=True, verbose_name=_("working days left"))
    suspended_wd = models.IntegerField(default=0, verbose_name=_("working days suspended"))
    light = models.CharField(
        max_length=10, blank=True, db_index=True, verbose_name=_("light"), choices=Light.choices
    )
    previous_item = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resubmissions",
        verbose_name=_("previous item"),
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
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
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
        ItemInstance,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handovers",
        verbose_name=_("approval item"),
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    documents = models.CharField(_("documents"), max_length=500)
    counterpart = models.CharField(_("counterpart"), max_length=100, blank=True)
    at = models.DateTimeField(_("time"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("officer"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "-at"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def __str__(self) -> str:
        return self.documents[:40]

"""Work-plan supervision (督查督办): a 工作要点 as a plan of points and tasks, assigned to departments, reported
on monthly, with leaders' instructions (批示) and reminders."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core import capabilities
from parkos.core.models import FieldCheck, ScopedQuerySet, VersionedModel
from parkos.core.zone_settings import Section

SUPERVISION_OFFICE = "workplan.supervision"  # the capability of the 督查室


class WorkplanConfig(Section):
    """Zone-wide supervision settings, a section of the zone's settings."""

    key = "workplan"
    label = _("supervision settings")
    capability = SUPERVISION_OFFICE

    lag_margin = forms.IntegerField(
        label=_("lagging when progress trails elapsed time by (points)"),
        min_value=0,
        max_value=100,
        initial=20,
    )
    remind_wd = forms.IntegerField(
        label=_("remind this many working days before a deadline"), min_value=0, initial=5
    )
    # the 督查通报 as a 公文 (GB/T 9704): who issues it, its number, who it is copied to and who prints it
    issuer = forms.CharField(
        label=_("bulletin: issuing office's mark"), max_length=40, initial="经开区督查室文件"
    )
    number_prefix = forms.CharField(
        label=_("bulletin: number prefix (〔year〕 and the month's number follow)"),
        max_length=20,
        initial="经开督查",
    )
    signer = forms.CharField(label=_("bulletin: signed by"), max_length=40, initial="经开区督查室")
    addressee = forms.CharField(label=_("bulletin: sent to"), max_length=100, initial="各部门、各园区")
    cc = forms.CharField(
        label=_("bulletin: copied to"), max_length=200, initial="区党工委、管委会领导", required=False
    )
    printer = forms.CharField(label=_("bulletin: printed by"), max_length=40, initial="经开区党政综合办公室")


def is_supervisor(user) -> bool:
    """Leaders, system administrators and the supervision office (督查室) see and steer every plan."""
    return capabilities.holds(user, SUPERVISION_OFFICE)


class Plan(VersionedModel):
    """One year's 工作要点 as parsed and confirmed."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    published = models.DateField(_("published"), null=True, blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    signature = models.CharField(_("signature"), max_length=200, blank=True)
    start_on = models.DateField(_("tasks run from"))
    source_name = models.CharField(_("source file"), max_length=200, blank=True)
    warnings = models.JSONField(_("parse warnings"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self) -> str:
        return self.title


class Point(models.Model):
    """A chapter, point or sub-point of the plan, as numbered in the document."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="points")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    ordinal = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=20)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    seq = models.CharField(_("number"), max_length=40)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("work point")
        verbose_name_plural = _("work points")

    def __str__(self) -> str:
        return f"{self.label}{self.title}"


def sentence_mark(k: int) -> str:
    """The mark of a point's k-th sentence (1-based): ①…⑳, then (21)."""
    return chr(0x2460 + k - 1) if 1 <= k <= 20 else f"({k})"


def task_label(path: str, k: int, count: int) -> str:
    """A task's label from its point's path of labels (一、（一）1.): the path alone for a point's only task."""
    return path if count == 1 else f"{path}{sentence_mark(k)}"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("task", "In progress")
    LAGGING = "lagging", _("Lagging")
    DONE = "done", pgettext_lazy("task", "Completed")
    OVERDUE = "overdue", pgettext_lazy("task", "Overdue")


def _task_scope(user, prefix: str = "") -> Q | None:
    if is_supervisor(user):
        return None
    if user.is_enterprise_user or user.department_id is None:
        return Q(pk__in=[])
    co = Task.co_departments.through.objects.filter(department_id=user.department_id).values("task_id")
    return Q(**{f"{prefix}lead_id": user.department_id}) | Q(**{f"{prefix}pk__in": co})


class Task(VersionedModel):
    """One commitment (a sentence of a point), with its departments, deadline, progress and status."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    point = models.ForeignKey(Point, on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveIntegerField(default=0, verbose_name=_("order"))
    seq = models.CharField(_("number"), max_length=40, db_index=True)
    # the document's own numbering: the labels of its points (一、（一）1.) and, where a point holds several
    # sentences, ①②③ — what officials read; `seq` (1.1.1) stays the key of imports
    label = models.CharField(_("label"), max_length=60, blank=True)
    text = models.TextField(_("task"))
    lead = models.ForeignKey(
        "core.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    co_departments = models.ManyToManyField(
        "core.Department", blank=True, related_name="co_tasks", verbose_name=_("co-departments")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible = models.CharField(_("responsible official"), max_length=60, blank=True)
    suggested_lead = models.ForeignKey(
        "core.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggested lead department"),
    )
    suggested_co = models.CharField(
        max_length=100, blank=True, verbose_name=_("suggested co-departments")
    )  # department ids, comma-separated
    suggested_words = models.CharField(_("matched words"), max_length=200, blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    last_report_on = models.DateField(_("last report"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED, db_index=True
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[co_departments])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "seq"],
                name="task_seq_unique",
                violation_error_message=_("Another task of this plan has this number."),
            )
        ]
        indexes = [models.Index(fields=["plan", "lead", "status"])]

    def __str__(self) -> str:
        return f"{self.label or self.seq} {self.text[:30]}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _task_scope(user)


class TaskMilestone(models.Model):
    """A quarterly (or other) milestone of a task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    due = models.DateField(_("due"))
    target = models.CharField(_("target"), max_length=300)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["task", "due"]
        verbose_name = _("task milestone")
        verbose_name_plural = _("task milestones")

    def __str__(self) -> str:
        return f"{self.due} {self.target}"


class ProgressReport(models.Model):
    """A department's report on a task: what was done, how far (percent), with an attachment."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey("core.Department", on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("reported at"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["task", "-on", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            FieldCheck(
                field="percent",
                condition=Q(percent__lte=100),
                name="report_percent_max",
                violation_error_message=_("Progress cannot exceed 100 percent."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.percent}%"


class Instruction(models.Model):
    """A leader's instruction (批示) on a task, which the lead department must answer."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="instructions")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("instructing leader"),
    )
    on = models.DateField(_("date"))
    text = models.TextField(_("instruction"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["task", "-on", "-pk"]
        verbose_name = _("instruction")
        verbose_name_plural = _("instructions")

    def __str__(self) -> str:
        return self.text[:40]


class KeywordRule(models.Model):
    """招商 → 投资促进局: words in a task that suggest its lead (or a co-) department."""

    keyword = models.CharField(_("keyword"), max_length=40)
    department = models.ForeignKey("core.Department", verbose_name=_("department"), on_delete=models.CASCADE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["keyword"]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")
        constraints = [
            models.UniqueConstraint(
                fields=["keyword", "department"],
                name="keyword_rule_unique",
                violation_error_message=_("This keyword already points to this department."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.keyword} → {self.department}"

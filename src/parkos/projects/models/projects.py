"""Key projects (重点项目 / 五个100): lifecycle with milestones, yearly plans, monthly reports (月报), problem
lists (问题清单)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core.geo import coordinate_check, coordinate_field
from parkos.core.models import FieldCheck, Light, ScopedQuerySet, VersionedModel
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
    """Leaders see every project; a department sees the projects it leads or approves items of, those its
    officers help and those it owns a problem of, and changes those it leads (an officer those they help); an
    enterprise user sees only the projects their enterprise invests in, read-only."""
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
    from .approvals import ItemInstance  # the approvals module builds on this one

    approving = ItemInstance.objects.filter(department_id=user.department_id).values("project_id")
    # a department that owns a problem raised on the project answers it on the project's page
    owning = Problem.objects.filter(owner_id=user.department_id).values("project_id")
    return (
        Q(**{f"{prefix}lead_department_id": user.department_id})
        | Q(**{f"{prefix}helper__department_id": user.department_id})
        | Q(**{f"{prefix}pk__in": approving})
        | Q(**{f"{prefix}pk__in": owning})
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
    longitude = coordinate_field("longitude")
    latitude = coordinate_field("latitude")
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
    status_before_pause = models.CharField(
        max_length=20, blank=True, verbose_name=_("status before pause"), choices=Status.choices
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    registered_on = models.DateField(_("entered the library on"))
    approved_on = models.DateField(
        _("approved or filed on (立项)"), null=True, blank=True, help_text=_("审批、核准或备案的日期")
    )
    agreed_start_on = models.DateField(
        _("agreed start of construction"), null=True, blank=True, help_text=_("投资协议约定的开工日期")
    )
    capital_required = models.DecimalField(
        _("required project capital (10k yuan)"), null=True, blank=True, **MONEY
    )
    design_output = models.DecimalField(
        _("design output value per year (10k yuan)"),
        null=True,
        blank=True,
        help_text=_("可研或投资协议所载达产后的年产值"),
        **MONEY,
    )
    capacity_proposed_on = models.DateField(_("capacity rule met on"), null=True, blank=True, editable=False)
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
    approval_elapsed_wd = models.IntegerField(default=0, verbose_name=_("approval working days used"))
    approval_light = models.CharField(
        max_length=10, blank=True, verbose_name=_("approval light"), choices=Light.choices
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "pk"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            coordinate_check("longitude", "project"),
            coordinate_check("latitude", "project"),
            FieldCheck(
                field="total_investment",
                condition=Q(total_investment__gte=0),
                name="project_investment_nonneg",
                violation_error_message=_("The total investment cannot be negative."),
            ),
            FieldCheck(
                field="capital_required",
                condition=Q(capital_required__isnull=True) | Q(capital_required__gte=0),
                name="project_capital_nonneg",
                violation_error_message=_("The required capital cannot be negative."),
            ),
            FieldCheck(
                field="design_output",
                condition=Q(design_output__isnull=True) | Q(design_output__gte=0),
                name="project_design_output_nonneg",
                violation_error_message=_("The design output cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="project_code_unique",
                violation_error_message=_("Another project has this code."),
            ),
        ]
        indexes = [
            models.Index(fields=["lead_department", "status"]),
            models.Index(fields=["helper", "status"]),
            # the lists' default order (newest first): a page is read off the index, not sorted from every project
            models.Index(fields=["-registered_on", "-id"], name="project_newest_first"),
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
    "total_investment", "contracted_investment", "capital_required", "design_output", "park", "longitude", "latitude", "land_parcel",
    "land_area_mu", "lead_department", "helper", "registered_on", "approved_on", "agreed_start_on", "description",
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
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"],
                name="milestone_unique",
                violation_error_message=_("This project already has this milestone."),
            )
        ]
        indexes = [models.Index(fields=["kind", "planned_on"]), models.Index(fields=["kind", "actual_on"])]

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"


class YearPlan(ProjectChild, VersionedModel):
    """What the project plans to invest, and the funds it expects in place, in one year."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="year_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    investment = models.DecimalField(_("planned investment (10k yuan)"), **MONEY)
    funds = models.DecimalField(_("planned funds in place (10k yuan)"), null=True, blank=True, **MONEY)
    fai_target = models.DecimalField(
        _("fixed-asset investment target (statistics, 10k yuan)"), null=True, blank=True, **MONEY
    )
    is_continuing = models.BooleanField(_("continuing project this year (续建)"), default=False)
    resumed_on = models.DateField(_("construction resumed on (复工)"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year"],
                name="yearplan_unique",
                violation_error_message=_("This project already has a plan for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}"


class MonthlyReport(ProjectChild, VersionedModel):
    """月报: investment completed and funds in place in one month, progress and problems."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("month"))  # the first day of the month
    investment = models.DecimalField(_("investment completed (physical progress, 10k yuan)"), **MONEY)
    fai = models.DecimalField(
        _("investment reported to statistics (10k yuan)"),
        null=True,
        blank=True,
        help_text=_("统计入库口径：官方固定资产投资只用此数"),
        **MONEY,
    )
    funds = models.DecimalField(_("funds in place (10k yuan)"), **MONEY)
    capital = models.DecimalField(_("project capital paid in (10k yuan)"), null=True, blank=True, **MONEY)
    output_value = models.DecimalField(_("output value (10k yuan)"), null=True, blank=True, **MONEY)
    progress = models.TextField(_("progress"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["project", "month"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="report_unique",
                violation_error_message=_("This project already has a report for this month."),
            ),
            models.CheckConstraint(
                condition=Q(investment__gte=0) & Q(funds__gte=0),
                name="report_nonneg",
                violation_error_message=_("Investment completed and funds in place cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(fai__isnull=True) | Q(fai__gte=0))
                & (Q(capital__isnull=True) | Q(capital__gte=0))
                & (Q(output_value__isnull=True) | Q(output_value__gte=0)),
                name="report_amounts_nonneg",
                violation_error_message=_("Amounts in a monthly report cannot be negative."),
            ),
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

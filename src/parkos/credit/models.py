"""Credit supervision (specs/credit.md): each enterprise's credit inputs and its effective class, the 失信 records
with their publication windows and repair applications, and 双随机、一公开 — items, inspectors, conflicts, plans,
tasks, the frozen inputs and append-only record of each SR-1 draw, and the inspections with their results."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core import capabilities
from parkos.core.models import AppendOnlyModel, FieldCheck, ScopedQuerySet, VersionedModel, WorkflowEvent
from parkos.core.zone_settings import Section
from parkos.enterprises.models import EnterpriseChild

from . import engine

CREDIT_OFFICE = "credit.office"  # 信用办: the feeds, the directories, every department's items and tasks


def runs_credit(user) -> bool:
    return capabilities.holds(user, CREDIT_OFFICE)


class CreditConfig(Section):
    """Time limits and defaults of credit supervision (spec §3, §4.3, §7), a section of the zone's settings."""

    key = "credit"
    label = _("credit supervision settings")
    capability = CREDIT_OFFICE

    result_publish_wd = forms.IntegerField(
        label=_("inspection results published within (working days)"), min_value=1, initial=20
    )
    decision_publish_wd = forms.IntegerField(
        label=_("licences and penalties published within (working days)"), min_value=1, initial=7
    )
    repair_decision_wd = forms.IntegerField(
        label=_("repair applications decided within (working days)"), min_value=1, initial=5
    )
    rectify_wd = forms.IntegerField(
        label=_("problems found: rectification within (working days)"), min_value=1, initial=15
    )
    exclude_recent_days = forms.IntegerField(
        label=_("leave out objects inspected for the same item within (days)"), min_value=0, initial=365
    )
    team_size = forms.IntegerField(label=_("inspectors per object"), min_value=2, initial=2)
    max_load = forms.IntegerField(label=_("most objects per inspector and task"), min_value=1, initial=40)
    abnormal_class = forms.ChoiceField(
        label=_("class forced by the 经营异常名录"),
        choices=[("C", "C"), ("D", "D"), ("", _("none"))],
        initial="C",
        required=False,
    )
    watch_class = forms.ChoiceField(
        label=_("class forced by the 重点关注名单"),
        choices=[("C", "C"), ("D", "D"), ("", _("none"))],
        initial="C",
        required=False,
    )
    withhold_names = forms.BooleanField(
        label=_("withhold the sampled objects from their inspectors until inspection day"),
        initial=True,
        required=False,
    )


class RiskClass(models.TextChoices):
    A = "A", _("A (low risk)")
    B = "B", _("B (ordinary risk)")
    C = "C", _("C (relatively high risk)")
    D = "D", _("D (high risk)")


class SamrClass(EnterpriseChild):
    """The SAMR credit-risk class (企业信用风险分类) of an enterprise as the authority pushed it; a history, the
    latest as-of date counts."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="samr_classes",
    )
    cls = models.CharField(_("risk class"), max_length=1, choices=RiskClass.choices)
    source = models.CharField(_("source"), max_length=60, default="国家企业信用信息公示系统")
    as_of = models.DateField(_("as of"))
    created_at = models.DateTimeField(auto_now_add=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-as_of", "-pk"]
        verbose_name = _("SAMR risk class")
        verbose_name_plural = _("SAMR risk classes")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "as_of"],
                name="samrclass_once_per_day",
                violation_error_message=_("This enterprise already has a class as of that date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.cls} {self.as_of}"


class SectorScheme(models.TextChoices):
    TAX = "tax_credit", _("Tax credit (A/B/M/C/D)")
    ENVIRONMENT = "environment", _("Environmental credit")
    SAFETY = "safety", _("Work-safety credit")
    CONSTRUCTION = "construction", _("Construction-market credit")
    CUSTOMS = "customs", _("Customs credit")


class SectorGrade(EnterpriseChild):
    """A sector credit grade (行业信用评价) with the date it was given; the latest per scheme counts."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="sector_grades",
    )
    scheme = models.CharField(_("sector"), max_length=16, choices=SectorScheme.choices)
    grade = models.CharField(_("grade"), max_length=10)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "scheme", "-as_of", "-pk"]
        verbose_name = _("sector credit grade")
        verbose_name_plural = _("sector credit grades")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "scheme", "as_of"],
                name="sectorgrade_once_per_day",
                violation_error_message=_(
                    "This enterprise already has a grade of this sector as of that date."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.scheme} {self.grade}"

    @property
    def risk_class(self) -> str:
        return engine.SECTOR_SCHEMES.get(self.scheme, {}).get(self.grade, "")


class RecordKind(models.TextChoices):
    """A credit record: the 双公示 decisions, the lists, commitments and what approval verification found."""

    LICENCE = "licence", _("Administrative licence")
    PENALTY = "penalty", _("Administrative penalty")
    ABNORMAL = "abnormal", _("List of abnormal operations (经营异常名录)")
    SERIOUS = "serious", _("List of seriously dishonest entities (严重失信主体名单)")
    WATCH = "watch", _("Watch list (重点关注名单)")
    COMMITMENT = "commitment", _("Credit commitment (信用承诺)")
    FALSE_COMMITMENT = "false_commitment", _("False commitment found in verification")
    DATA_FRAUD = "data_fraud", _("Falsified statistics (数据造假)")


# the kinds that are 失信 information: they have a severity, a publication window and may be repaired
DISCREDIT_KINDS = {
    RecordKind.PENALTY,
    RecordKind.ABNORMAL,
    RecordKind.SERIOUS,
    RecordKind.WATCH,
    RecordKind.FALSE_COMMITMENT,
    RecordKind.DATA_FRAUD,
}
# the 双公示 decisions published within the shorter limit (spec §3: 7 working days)
DECISION_KINDS = {RecordKind.LICENCE, RecordKind.PENALTY}
LIST_KINDS = {RecordKind.ABNORMAL: "abnormal", RecordKind.SERIOUS: "serious", RecordKind.WATCH: "watch"}


class Severity(models.TextChoices):
    MINOR = engine.MINOR, _("Minor (轻微)")
    ORDINARY = engine.ORDINARY, _("Ordinary (一般)")
    SERIOUS = engine.SERIOUS, _("Serious (严重)")


class RecordStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    REPAIR_PENDING = "repair_pending", _("Repair applied for")
    REPAIRED = "repaired", _("Repaired")
    EXPIRED = "expired", _("Window ended")
    REMOVED = "removed", _("Removed")
    RECORDED = "recorded", pgettext_lazy("credit record", "Recorded")  # licences and commitments


ENDED = {RecordStatus.REPAIRED, RecordStatus.EXPIRED, RecordStatus.REMOVED}


class CreditRecord(VersionedModel):
    """One credit record of an enterprise. A 失信 record's severity sets its window (spec §7): repair may be
    applied for from `repair_from`, publication stops after `publish_until`; a repaired, expired or removed record
    stops counting everywhere from `ended_on`."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="credit_records",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecordKind.choices, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    title = models.CharField(_("matter"), max_length=200)
    document_no = models.CharField(_("document number"), max_length=80, blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("deciding department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_records",
    )
    authority = models.CharField(_("deciding authority"), max_length=100, blank=True)
    decided_on = models.DateField(_("decided on"))
    publish_due = models.DateField(_("to be published by"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    repair_from = models.DateField(_("repair may be applied for from"), null=True, blank=True)
    publish_until = models.DateField(_("published until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RecordStatus.choices,
        default=RecordStatus.PUBLISHED,
        db_index=True,
    )
    ended_on = models.DateField(_("stopped counting on"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=40, blank=True, editable=False
    )  # manual, import, approvals
    source_ref = models.CharField(
        max_length=80, blank=True, editable=False
    )  # the approval item a false commitment came from
    note = models.TextField(_("note"), blank=True)
    reminded_on = models.DateField(
        null=True, blank=True, editable=False
    )  # the enterprise was told it may apply for repair
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        indexes = [
            models.Index(fields=["enterprise", "kind", "status"]),
            models.Index(fields=["publish_until"]),
        ]
        constraints = [
            FieldCheck(
                field="severity",
                condition=~Q(kind__in=sorted(DISCREDIT_KINDS)) | ~Q(severity=""),
                name="creditrecord_discredit_has_severity",
                violation_error_message=_(
                    "A discredit record needs its severity (minor, ordinary or serious)."
                ),
            ),
            FieldCheck(
                field="published_on",
                condition=Q(published_on__isnull=True) | Q(published_on__gte=models.F("decided_on")),
                name="creditrecord_published_after_decision",
                violation_error_message=_("A record is published on or after the day it was decided."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def is_discredit(self) -> bool:
        return self.kind in DISCREDIT_KINDS

    @property
    def counts(self) -> bool:
        return self.is_discredit and self.status not in ENDED

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_credit(user) or user.is_zone_wide:
            return None if action in {"view", "export"} or runs_credit(user) else Q(pk__in=[])
        if user.is_enterprise_user:
            return Q(enterprise__accounts__user=user) if action in {"view", "export"} else Q(pk__in=[])
        if action in {"view", "export"}:
            return Q(department_id=user.department_id) | Q(enterprise__owner_id=user.department_id)
        return Q(department_id=user.department_id)


class CreditProfile(models.Model):
    """Each enterprise's effective class (spec §2.3) as the last refresh found it, with every input that produced it
    (`inputs`: [{"kind", "label", "class", "ref"}]) — what rules, the cockpit and the draw read."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="credit_profile",
    )
    samr_class = models.CharField(_("SAMR class"), max_length=1, blank=True)
    samr_as_of = models.DateField(_("SAMR class as of"), null=True, blank=True)
    effective_class = models.CharField(
        _("effective class"), max_length=1, choices=RiskClass.choices, db_index=True
    )
    inputs = models.JSONField(_("inputs"), default=list)
    serious = models.BooleanField(_("on the serious-discredit list"), default=False, db_index=True)
    abnormal = models.BooleanField(_("on the abnormal-operations list"), default=False)
    watch = models.BooleanField(_("on the watch list"), default=False)
    data_fraud = models.BooleanField(_("falsified statistics in force"), default=False)
    discredit = models.PositiveIntegerField(_("discredit records in force"), default=0)
    refreshed_on = models.DateField(_("refreshed on"))
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit profile")
        verbose_name_plural = _("credit profiles")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.effective_class}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_credit(user) or user.is_zone_wide:
            return None
        if user.is_enterprise_user:
            return Q(enterprise__accounts__user=user) if action in {"view", "export"} else Q(pk__in=[])
        return Q(enterprise__owner_id=user.department_id) if action in {"view", "export"} else Q(pk__in=[])


class RepairState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class RepairApplication(VersionedModel):
    """An enterprise's application to repair one 失信 record (信用修复): its statement, its commitment and evidence;
    the deciding department answers within its limit ("谁认定、谁修复")."""

    record = models.ForeignKey(CreditRecord, on_delete=models.CASCADE, related_name="repairs")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="credit_repairs"
    )
    department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_repairs"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RepairState.choices, default=RepairState.SUBMITTED, db_index=True
    )
    submitted_on = models.DateField(_("submitted on"))
    due = models.DateField(_("decision due"))
    statement = models.TextField(_("what was corrected"))
    commitment = models.TextField(_("credit commitment"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.TextField(_("decision"), blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("repair application")
        verbose_name_plural = _("repair applications")
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(state="submitted"),
                name="repair_one_open_per_record",
                violation_error_message=_("This record already has an application waiting for a decision."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.state}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_credit(user) or user.is_zone_wide:
            return None
        if user.is_enterprise_user:
            return Q(enterprise__accounts__user=user)
        return Q(department_id=user.department_id)


class RepairEvent(WorkflowEvent):
    """Append-only timeline of a repair application."""

    application = models.ForeignKey(RepairApplication, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("repair event")
        verbose_name_plural = _("repair events")

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


# ---- 双随机、一公开 ----------------------------------------------------------------------------------------------
def _dept_scope(user, action: str, field: str = "department_id") -> Q | None:
    if runs_credit(user) or (user.is_zone_wide and action in {"view", "export"}):
        return None
    if user.is_enterprise_user or user.department_id is None:
        return Q(pk__in=[])
    return Q(**{field: user.department_id})


class InspectionItem(VersionedModel):
    """An entry of the 随机抽查事项清单 (一单): what is checked, by whom, on what basis, at which ratios."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General item (一般检查事项)")
        KEY = "key", _("Key item (重点检查事项)")

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("item"), max_length=200)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="inspection_items",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GENERAL)
    basis = models.TextField(_("legal basis"), blank=True)
    qualification = models.CharField(_("qualification needed"), max_length=60, blank=True)
    ratio_a = models.DecimalField(_("ratio A"), max_digits=5, decimal_places=4, default=Decimal("0.03"))
    ratio_b = models.DecimalField(_("ratio B"), max_digits=5, decimal_places=4, default=Decimal("0.1"))
    ratio_c = models.DecimalField(_("ratio C"), max_digits=5, decimal_places=4, default=Decimal("0.3"))
    ratio_d = models.DecimalField(_("ratio D"), max_digits=5, decimal_places=4, default=Decimal("1"))
    ratio_unknown = models.DecimalField(
        _("ratio without class"), max_digits=5, decimal_places=4, default=Decimal("0.1")
    )
    a_class_exempt = models.BooleanField(_("class A not inspected proactively (无事不扰)"), default=True)
    active = models.BooleanField(_("in force"), default=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["department", "code"]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        constraints = [
            FieldCheck(
                field=f"ratio_{c}",
                condition=Q(**{f"ratio_{c}__gte": 0}) & Q(**{f"ratio_{c}__lte": 1}),
                name=f"inspitem_ratio_{c}_range",
                violation_error_message=_("A sampling ratio is between 0 and 1."),
            )
            for c in ("a", "b", "c", "d", "unknown")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def ratios(self) -> dict[str, object]:
        return {
            "A": 0 if self.a_class_exempt else self.ratio_a,
            "B": self.ratio_b,
            "C": self.ratio_c,
            "D": self.ratio_d,
            "UNKNOWN": self.ratio_unknown,
        }

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if action in {"view", "export"} and not user.is_enterprise_user:
            return None  # the list of items is public within the administration
        return _dept_scope(user, action)


class Inspector(VersionedModel):
    """An entry of the 执法检查人员名录库: a department's enforcement officer, their certificate and qualifications."""

    number = models.CharField(_("inspector number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="inspectors"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspector",
    )
    certificate_no = models.CharField(_("enforcement certificate"), max_length=40, blank=True)
    certificate_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    qualifications = models.CharField(_("qualifications"), max_length=300, blank=True)
    leave_from = models.DateField(_("on leave from"), null=True, blank=True)
    leave_until = models.DateField(_("on leave until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["department", "number"]
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def qualification_set(self) -> set[str]:
        return {
            q.strip()
            for q in self.qualifications.replace("，", ",").replace("、", ",").split(",")
            if q.strip()
        }

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if action in {"view", "export"} and not user.is_enterprise_user:
            return None
        return _dept_scope(user, action)


class Conflict(models.Model):
    """A declared conflict (回避, spec §5): the inspector withdraws from inspecting the enterprise."""

    class Reason(models.TextChoices):
        KIN = "kin", _("Relative of its representative, shareholder or manager")
        EMPLOYMENT = "employment", _("Worked for or held shares in it (3 years)")
        RESIDENCE = "residence", _("Lives in its community")
        DECLARED = "declared", _("Other declared conflict")
        RAISED = "raised", _("Raised by the enterprise and upheld")

    inspector = models.ForeignKey(
        Inspector, verbose_name=_("inspector"), on_delete=models.CASCADE, related_name="conflicts"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="inspector_conflicts",
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    declared_on = models.DateField(_("declared on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["inspector", "enterprise"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "enterprise"],
                name="conflict_once",
                violation_error_message=_("This conflict is already declared."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector_id} {self.enterprise_id}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _dept_scope(user, action, "inspector__department_id")


class InspectionPlan(VersionedModel):
    """A department's yearly 抽查计划, published in advance."""

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("plan"), max_length=200)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "department", "pk"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if action in {"view", "export"} and not user.is_enterprise_user:
            return None
        return _dept_scope(user, action)


class TaskState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    FROZEN = "frozen", _("Inputs frozen")
    DRAWN = "drawn", _("Drawn")
    CLOSED = "closed", pgettext_lazy("task", "Closed")
    VOID = "void", _("Replaced by a redraw")


class InspectionTask(VersionedModel):
    """One 双随机 task: the items checked (several departments' items make a joint task, 进一次门、查多项事), its
    draw's commitment, and after the draw its record and inspections. A redraw is a new task naming the old one
    and why; both records stay."""

    code = models.CharField(_("task number"), max_length=30, unique=True)
    name = models.CharField(_("task"), max_length=200)
    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="inspection_tasks",
    )
    items = models.ManyToManyField(InspectionItem, verbose_name=_("items"), related_name="tasks")
    state = models.CharField(
        _("state"), max_length=10, choices=TaskState.choices, default=TaskState.PLANNED, db_index=True
    )
    planned_on = models.DateField(_("draw date"))
    inspect_by = models.DateField(_("inspections finished by"), null=True, blank=True)
    team_size = models.PositiveSmallIntegerField(_("inspectors per object"), default=2)
    max_load = models.PositiveSmallIntegerField(_("most objects per inspector"), null=True, blank=True)
    park = models.ForeignKey(
        "core.Park", verbose_name=_("park"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry_division = models.CharField(_("industry division"), max_length=2, blank=True)
    # commit–reveal (spec §6.1.6): SHA-256 of the server's secret is shown from the task's creation; the secret
    # itself only in the draw record
    commitment = models.CharField(_("commitment"), max_length=64)
    secret = models.CharField(max_length=64, editable=False)
    redraw_of = models.OneToOneField(
        "self",
        verbose_name=_("redraw of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redrawn_by",
    )
    redraw_reason = models.TextField(_("why redrawn"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["secret"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_on", "-pk"]
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        constraints = [
            FieldCheck(
                field="team_size",
                condition=Q(team_size__gte=2),
                name="insptask_team_of_two",
                violation_error_message=_("At least two inspectors go to every object."),
            ),
            FieldCheck(
                field="redraw_reason",
                condition=Q(redraw_of__isnull=True) | ~Q(redraw_reason=""),
                name="insptask_redraw_has_reason",
                violation_error_message=_("A redraw needs a written reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_credit(user) or (user.is_zone_wide and action in {"view", "export"}):
            return None
        if user.is_enterprise_user:
            return Q(pk__in=[])
        mine = _tasks_of_department(user.department_id)
        if action in {"view", "export"}:
            return mine | Q(
                pk__in=Inspection.inspectors.through.objects.filter(inspector__user=user).values(
                    "inspection__task_id"
                )
            )
        return mine


def _tasks_of_department(department_id) -> Q:
    """Tasks a department leads or takes part in with one of its items (a joint task), without duplicate rows."""
    joined = InspectionTask.items.through.objects.filter(inspectionitem__department_id=department_id)
    return Q(department_id=department_id) | Q(pk__in=joined.values("inspectiontask_id"))


class DrawInputs(AppendOnlyModel):
    """The frozen inputs of a draw and their SHA-256 hashes (spec §6.1), published before the draw."""

    task = models.OneToOneField(InspectionTask, on_delete=models.PROTECT, related_name="inputs")
    pool = models.TextField()  # `uscc,class` lines sorted by USCC
    inspectors = models.TextField()  # `id,dept,quals,load` lines sorted by id
    conflicts = models.TextField()  # `inspector,uscc` lines
    config = models.TextField()  # canonical JSON
    exclusions = models.JSONField(default=dict)  # uscc → reason code, for the record
    pool_hash = models.CharField(max_length=64)
    inspector_hash = models.CharField(max_length=64)
    conflict_hash = models.CharField(max_length=64)
    config_hash = models.CharField(max_length=64)
    frozen_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("frozen draw inputs")
        verbose_name_plural = _("frozen draw inputs")

    def __str__(self) -> str:
        return f"{self.task_id} {self.pool_hash[:12]}"


class DrawRecord(AppendOnlyModel):
    """The append-only audit record of one SR-1 draw (spec §6.4): anyone can recompute it from what it holds."""

    task = models.OneToOneField(InspectionTask, on_delete=models.PROTECT, related_name="record")
    inputs = models.OneToOneField(DrawInputs, on_delete=models.PROTECT, related_name="record")
    algorithm = models.CharField(max_length=10, default=engine.ALGORITHM)
    commitment = models.CharField(max_length=64)
    secret = models.CharField(max_length=64)  # revealed at the draw; SHA-256(secret) = commitment
    witness_code = models.CharField(_("witness code"), max_length=60)
    public_entropy = models.CharField(max_length=200)  # witness code | secret
    seed = models.CharField(max_length=64)
    result = models.JSONField()  # strata, sample (with keys), assignments, manual (with reasons)
    output_hash = models.CharField(max_length=64)
    record_hash = models.CharField(max_length=64)  # SHA-256 of the canonical JSON export
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witnesses = models.CharField(_("witnesses"), max_length=200)
    drawn_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("draw record")
        verbose_name_plural = _("draw records")

    def __str__(self) -> str:
        return f"{self.task_id} {self.output_hash[:12]}"


class Result(models.TextChoices):
    """The 公示系统's result vocabulary (spec §6.5)."""

    NO_PROBLEM = "no_problem", "未发现问题"
    NOT_PUBLISHED = "not_published", "未按规定公示应当公示的信息"
    FALSIFIED = "falsified", "公示信息隐瞒真实情况弄虚作假"
    UNREACHABLE = "unreachable", "通过登记的住所(经营场所)无法联系"
    ORDERED = "ordered", "发现问题已责令改正"
    PENDING = "pending", "发现问题待后续处理"
    OBSTRUCTED = "obstructed", "不配合检查情节严重"
    NO_ACTIVITY = "no_activity", "未发现开展本次抽查涉及的经营活动"


PROBLEM_RESULTS = {Result.NOT_PUBLISHED, Result.FALSIFIED, Result.ORDERED, Result.PENDING, Result.OBSTRUCTED}


class InspectionState(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    MANUAL = "manual", _("Needs manual assignment")
    RESULT = "result", _("Result entered")
    PUBLISHED = "published", _("Published")


WITHDRAWN = "withdrawn"  # an inspection's `manual_reason` once a team member withdrew for a conflict


class Inspection(VersionedModel):
    """One sampled object of a task: its team, the result, the rectification and the publication (一公开)."""

    task = models.ForeignKey(
        InspectionTask, verbose_name=_("task"), on_delete=models.PROTECT, related_name="inspections"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    order = models.PositiveIntegerField(_("batch order"))
    cls = models.CharField(_("class at the draw"), max_length=7)
    inspectors = models.ManyToManyField(
        Inspector, verbose_name=_("inspectors"), related_name="inspections", blank=True
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=InspectionState.choices,
        default=InspectionState.ASSIGNED,
        db_index=True,
    )
    manual_reason = models.CharField(_("why manual"), max_length=20, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    problems = models.TextField(_("problems found"), blank=True)
    rectify_due = models.DateField(_("rectification due"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    publish_due = models.DateField(_("to be published by"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # the day the team opened the object (its name is withheld from them until then, spec §6.5)
    opened_on = models.DateField(_("opened on inspection day"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "order"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "enterprise"],
                name="inspection_once_per_task",
                violation_error_message=_("This enterprise is already in the task."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.enterprise_id}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_credit(user) or (user.is_zone_wide and action in {"view", "export"}):
            return None
        if user.is_enterprise_user:
            return (
                Q(enterprise__accounts__user=user, state=InspectionState.PUBLISHED)
                if action
                in {
                    "view",
                    "export",
                }
                else Q(pk__in=[])
            )
        tasks = InspectionTask.objects.filter(_tasks_of_department(user.department_id)).values("pk")
        assigned = Inspection.inspectors.through.objects.filter(inspector__user=user).values("inspection_id")
        return Q(task_id__in=tasks) | Q(pk__in=assigned)


DECLARATION = (
    "本人承诺：与本次抽查任务中由本人检查的对象不存在法律法规规定的应当回避的利害关系"
    "（近亲属关系、三年内任职或持股、居住地等情形）；检查当日知悉检查对象后，如发现存在应当回避的情形，"
    "立即申请回避，不参与该对象的检查；对抽查对象名单和检查信息严格保密。"
)


class Declaration(AppendOnlyModel):
    """An inspector's no-conflict declaration for one task (spec §5: signed per task and recorded), signed before the
    inspector opens an object or enters a result; the text signed is kept with it. Append-only."""

    task = models.ForeignKey(
        InspectionTask, verbose_name=_("task"), on_delete=models.PROTECT, related_name="declarations"
    )
    inspector = models.ForeignKey(
        Inspector, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="declarations"
    )
    statement = models.TextField(_("declaration"))
    declared_at = models.DateTimeField(_("signed at"), default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["task", "declared_at", "pk"]
        verbose_name = _("no-conflict declaration")
        verbose_name_plural = _("no-conflict declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "inspector"],
                name="declaration_once_per_task",
                violation_error_message=_("You have already signed the declaration for this task."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.inspector_id}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_credit(user) or (user.is_zone_wide and action in {"view", "export"}):
            return None
        if user.is_enterprise_user or action not in {"view", "export"}:
            return Q(pk__in=[])
        return Q(task_id__in=InspectionTask.objects.restrict(user, "view").values("pk"))

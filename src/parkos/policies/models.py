"""Support policies (惠企政策): the library of policies and their clauses with eligibility rules and support
formulas stored as data; match results, applications with their review, and grants (免申即享 lists approved in
bulk) with disbursement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkos.core.models import FieldCheck, ScopedQuerySet, VersionedModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class Policy(VersionedModel):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCE = "province", _("Provincial")
        CITY = "city", _("Municipal")
        ZONE = "zone", _("Zone")

    title = models.CharField(_("policy title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=120)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.ZONE)
    doc_number = models.CharField(_("document number"), max_length=80, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department in charge"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        """The library is public knowledge (every user reads it); a policy and its clauses are changed by the
        department in charge (and system administrators)."""
        if action in {"view", "export"} or user.is_superuser or user.role == "system_admin":
            return None
        return Q(department_id=user.department_id) if user.department_id else Q(pk__in=[])


class Clause(VersionedModel):
    """One article of a policy: its support and the conditions an enterprise must meet (`rule`, see engine)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(_("article"), max_length=20)
    title = models.CharField(_("clause title"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    rule = models.JSONField(_("eligibility rule"))
    support = models.JSONField(_("support"), null=True, blank=True)
    auto_grant = models.BooleanField(_("granted without application (免申即享)"), default=False)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "number", "pk"]
        verbose_name = _("policy clause")
        verbose_name_plural = _("policy clauses")

    def __str__(self) -> str:
        return f"{self.policy.title} {self.number}"


class Eligibility(models.Model):
    """The latest match of a clause for an enterprise: eligible, or to check (data missing). Not-eligible pairs
    are not stored."""

    class Status(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        UNKNOWN = "unknown", _("Data missing")

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="eligibilities")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="eligibilities"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    amount = models.DecimalField(_("estimated support (10k yuan)"), null=True, blank=True, **MONEY)
    year = models.PositiveSmallIntegerField(_("data year"))
    matched_at = models.DateTimeField(_("matched at"))
    notified = models.BooleanField(_("notified"), default=False)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "enterprise"],
                name="eligibility_unique",
                violation_error_message=_(
                    "This enterprise's eligibility for this clause is already recorded."
                ),
            )
        ]
        indexes = [models.Index(fields=["enterprise", "status"])]

    def __str__(self) -> str:
        return f"{self.clause_id} {self.enterprise_id} {self.status}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if user.is_zone_wide:
            return None
        if user.is_enterprise_user:
            return Q(enterprise__accounts__user=user)
        return Q(clause__policy__department_id=user.department_id) | Q(
            enterprise__owner_id=user.department_id
        )


class Application(VersionedModel):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    clause = models.ForeignKey(
        Clause, verbose_name=_("clause"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="policy_applications"
    )
    amount = models.DecimalField(_("amount applied for (10k yuan)"), **MONEY)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    submitted_on = models.DateField(_("submitted on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("review"), blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("policy application")
        verbose_name_plural = _("policy applications")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "enterprise"],
                condition=Q(state__in=["submitted", "approved"]),
                name="application_one_open",
                violation_error_message=_("This enterprise already has an open application for this clause."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause_id} {self.enterprise_id} {self.state}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return Eligibility.scope_q(user, action)


class Grant(VersionedModel):
    """Money granted under a clause: from an approved application or a 免申即享 list, then disbursed."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        DISBURSED = "disbursed", _("Disbursed")
        CANCELLED = "cancelled", _("Cancelled")

    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="grants")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="grants")
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="grant"
    )
    year = models.PositiveSmallIntegerField(_("data year"))
    # empty while the figure the support is computed from is missing (a 免申即享 list entry to complete)
    amount = models.DecimalField(_("amount (10k yuan)"), null=True, blank=True, **MONEY)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED, db_index=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)
    voucher = models.CharField(_("payment voucher"), max_length=60, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["clause", "enterprise"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(
                fields=["clause", "enterprise", "year"],
                name="grant_one_per_year",
                violation_error_message=_(
                    "This enterprise already has a grant of this clause for this year."
                ),
            ),
            FieldCheck(
                field="amount",
                condition=Q(amount__gte=0),
                name="grant_amount_nonneg",
                violation_error_message=_("A grant cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | Q(state="proposed"),
                name="grant_amount_known_once_approved",
                violation_error_message=_("A grant needs its amount before it is approved."),
            ),
        ]

    @property
    def is_data_missing(self) -> bool:
        """A proposed grant whose base figure is missing: it cannot be approved until the figure is in."""
        return self.amount is None

    def __str__(self) -> str:
        return f"{self.clause_id} {self.enterprise_id} {self.amount}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return Eligibility.scope_q(user, action)


class MatchRun(models.Model):
    """One matching of every active clause against every operating enterprise, run in the background (100,000
    enterprises × 200 clauses is minutes of work): its progress, its counts, who started it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    year = models.PositiveSmallIntegerField(_("data year"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("policy matching")
        verbose_name_plural = _("policy matchings")

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

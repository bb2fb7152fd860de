"""好差评 for any government service (specs/ratings.md): the real-name rating of a service another app registered
as a rating target (a closed request, a decided approval item; talent recognitions, financing referrals later),
the 差评 case of every bad rating with its steps, appeal and follow-up rating, and the rating settings."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core import capabilities, registries
from parkos.core.models import FieldCheck, ScopedQuerySet, VersionedModel, WorkflowEvent
from parkos.core.zone_settings import Section

# The 企业服务中心 runs 好差评 (it decides appeals and re-opens cases); the capability is the service centre's.
RATINGS_OFFICE = "servicedesk.centre"


def runs_ratings(user) -> bool:
    return capabilities.holds(user, RATINGS_OFFICE)


def describe(user, target: str, target_id: int) -> tuple[str, str]:
    """What was rated, in words, and a link to it when `user` may open it (from the app that registered it)."""
    t = registries.rating_targets.get(target)
    return t.describe(user, target_id) if t is not None else (f"#{target_id}", "")


class RatingConfig(Section):
    """The 好差评 time limits and windows (spec ratings.md §3, §4.2, §5), a section of the zone's settings."""

    key = "ratings"
    label = _("rating settings")
    capability = RATINGS_OFFICE

    rating_window_days = forms.IntegerField(
        label=_("rating window (calendar days after closing)"), min_value=0, initial=7
    )
    case_contact_wd = forms.IntegerField(
        label=_("差评: contact the rater within (working days)"), min_value=0, initial=1
    )
    case_verify_wd = forms.IntegerField(label=_("差评: verify within (working days)"), min_value=0, initial=3)
    case_rectify_simple_wd = forms.IntegerField(
        label=_("差评: rectify a simple case within (working days)"), min_value=0, initial=5
    )
    case_rectify_complex_wd = forms.IntegerField(
        label=_("差评: rectify a complex case within (working days)"), min_value=0, initial=15
    )
    case_feedback_wd = forms.IntegerField(
        label=_("差评: feedback after rectification within (working days)"), min_value=0, initial=1
    )
    appeal_window_wd = forms.IntegerField(
        label=_("差评: appeal within (working days)"), min_value=0, initial=5
    )
    appeal_review_wd = forms.IntegerField(
        label=_("差评: appeal decided within (working days)"), min_value=0, initial=5
    )
    followup_window_days = forms.IntegerField(
        label=_("follow-up rating window (calendar days)"), min_value=0, initial=7
    )
    strict_good_rate = forms.BooleanField(
        label=_("好评率 counts only 非常满意 and 满意 (strict variant of spec §5)"),
        required=False,
        initial=False,
    )


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    BASIC = 3, _("Basically satisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


BAD_REASONS = [
    "整体满意度",
    "办事效率",
    "服务水平",
    "服务态度",
    "办事指南精确度",
    "办事便捷度",
    "平台操作性",
]  # spec §2, offline + online (the national content standard's list; nothing else is accepted)
FOLLOWUP_LEVELS = (4, 3, 2)  # spec §3: the rater re-rates the rectification 满意 / 基本满意 / 不满意


class Rating(models.Model):
    """One real-name rating of a closed request or an approval item; a follow-up rating after a 差评 case points at
    the case."""

    # what was rated: a service another app registered (`registries.rating_targets`) and its record's id
    target = models.CharField(_("service rated"), max_length=40)
    target_id = models.PositiveBigIntegerField()
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="ratings")
    department = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ratings_received",
    )
    category = models.CharField(_("category"), max_length=60, blank=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings_given"
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    text = models.TextField(_("comment"), blank=True)
    content_version = models.CharField(max_length=10, default="2020")
    on = models.DateField(_("date"))
    # a case keeps every follow-up rating (a re-opened case may be rated again): records are append-only
    followup_of = models.ForeignKey(
        "BadRatingCase", null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    excluded = models.BooleanField(_("left out of the statistics"), default=False)
    exclusion_reason = models.CharField(_("why left out"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["target", "target_id"])]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            FieldCheck(
                field="level",
                condition=Q(level__gte=1) & Q(level__lte=5),
                name="rating_level_range",
                violation_error_message=_("A rating is from 1 to 5."),
            ),
            models.UniqueConstraint(
                fields=["target", "target_id"],
                condition=Q(followup_of__isnull=True),
                name="rating_once_per_service",
                violation_error_message=_("This service has already been rated."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.on}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_ratings(user):
            return None
        if user.is_enterprise_user:
            return Q(enterprise__accounts__user=user)
        return Q(department_id=user.department_id) | Q(officer=user)


class CaseState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    VERIFYING = "verifying", _("Verifying")
    RECTIFYING = "rectifying", _("Rectifying")
    EXPLAINED = "explained", _("Explained")
    APPEALED = "appealed", _("Appealed")
    UPHELD = "upheld", _("Appeal upheld")
    FEEDBACK = "feedback", _("Feedback sent")
    CLOSED = "closed", pgettext_lazy("case", "Closed")


class BadRatingCase(VersionedModel):
    """The handling of one 差评 (spec §4.3) with each step's deadline in working days."""

    class Kind(models.TextChoices):
        SIMPLE = "simple", _("Fix at once (立行立改)")
        COMPLEX = "complex", _("Rectify by a deadline (限期整改)")

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="case")
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="rating_cases",
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=CaseState.choices, default=CaseState.RECEIVED, db_index=True
    )
    received_on = models.DateField(_("received on"))
    contact_due = models.DateField(_("contact due"))
    contact_on = models.DateField(_("contacted on"), null=True, blank=True)
    contact_method = models.CharField(_("contact method"), max_length=40, blank=True)
    verify_due = models.DateField(_("verification due"), null=True, blank=True)
    kind = models.CharField(_("classification"), max_length=10, choices=Kind.choices, blank=True)
    rectify_due = models.DateField(_("rectification due"), null=True, blank=True)
    measures = models.TextField(_("rectification measures"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    done_on = models.DateField(_("rectified on"), null=True, blank=True)
    feedback_due = models.DateField(_("feedback due"), null=True, blank=True)
    feedback_on = models.DateField(_("feedback sent on"), null=True, blank=True)
    feedback = models.TextField(_("feedback to the rater"), blank=True)
    followup_due = models.DateField(_("follow-up rating due"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    appeal_grounds = models.TextField(_("appeal grounds"), blank=True)
    appeal_on = models.DateField(_("appealed on"), null=True, blank=True)
    appeal_due = models.DateField(_("appeal decision due"), null=True, blank=True)
    appeal_decision = models.TextField(_("appeal decision"), blank=True)
    appeal_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("appeal reviewer"),
    )
    appeal_decided_on = models.DateField(_("appeal decided on"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("bad-rating case")
        verbose_name_plural = _("bad-rating cases")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.state}"

    @property
    def followup(self) -> Rating | None:
        """The latest follow-up rating (earlier ones stay, and count, after a re-opening)."""
        ratings = sorted(self.followups.all(), key=lambda r: (r.on, r.pk))
        return ratings[-1] if ratings else None

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if runs_ratings(user):
            return None
        if user.is_enterprise_user:
            return (
                Q(rating__enterprise__accounts__user=user) if action in {"view", "export"} else Q(pk__in=[])
            )
        return Q(department_id=user.department_id)


class CaseEvent(WorkflowEvent):
    """Append-only timeline of a 差评 case."""

    case = models.ForeignKey(BadRatingCase, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["case", "at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

"""The enterprise service desk: requests (诉求) with their categories and time limits, dispatch to departments,
visits (走访), the 企业服务卡 and its officer; 好差评 ratings of closed requests and approval items, and the 差评
case of every bad rating with its steps, appeal and follow-up rating."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core import capabilities
from parkos.core.models import ScopedQuerySet, VersionedModel, WorkflowEvent
from parkos.core.zone_settings import Section

SERVICE_CENTRE = "servicedesk.centre"  # the capability of the 企业服务中心


class ServiceConfig(Section):
    """Zone-wide service-desk settings (spec ratings.md §6 defaults), a section of the zone's settings; the 好差评
    limits are the ratings app's (`ratings.RatingConfig`)."""

    key = "servicedesk"
    label = _("service settings")
    capability = SERVICE_CENTRE

    first_response_wd = forms.IntegerField(
        label=_("first response within (working days)"), min_value=0, initial=1
    )
    send_back_wd = forms.IntegerField(
        label=_("a wrong assignment is sent back within (working days)"), min_value=0, initial=2
    )
    revisit_wd = forms.IntegerField(
        label=_("revisit within (working days after closing)"), min_value=0, initial=3
    )


def is_service_centre(user) -> bool:
    """Whether the user acts as the service centre (its capability, granted by a system administrator)."""
    return capabilities.holds(user, SERVICE_CENTRE)


def centre_department_id() -> int | None:
    """The department holding the service centre's capability."""
    ids = capabilities.department_ids(SERVICE_CENTRE)
    return ids[0] if ids else None


class Category(models.Model):
    """A kind of request with its time limits in working days (card holders have their own, shorter ones)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    close_wd = models.PositiveSmallIntegerField(_("close within (working days)"))
    card_close_wd = models.PositiveSmallIntegerField(_("card holders: close within (working days)"))
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("default department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")

    def __str__(self) -> str:
        return self.name


class ServiceCard(VersionedModel):
    """The 企业服务卡 of a key enterprise for a year, with its named service officer."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="service_cards",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("card number"), max_length=20)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service officer"),
        on_delete=models.PROTECT,
        related_name="service_cards",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "number"]
        verbose_name = _("service card")
        verbose_name_plural = _("service cards")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="card_one_per_year",
                violation_error_message=_("This enterprise already has a service card for this year."),
            ),
            models.UniqueConstraint(
                fields=["year", "number"],
                name="card_unique_number",
                violation_error_message=_("Another card of this year has this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.number}"


class Channel(models.TextChoices):
    PORTAL = "portal", _("Enterprise portal")
    VISIT = "visit", _("Officer's visit")
    HOTLINE = "hotline", _("12345 hotline")
    CARD = "card", _("Service card")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Being handled")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("request", "Closed")
    REVISITED = "revisited", _("Revisited")


def _request_scope(user, action: str, prefix: str = "") -> Q | None:
    """The service centre and leaders see every request; a department what is dispatched to it (lead or co);
    an officer their card holders'; an enterprise user their own enterprise's."""
    if is_service_centre(user):
        return None
    if user.is_enterprise_user:
        return Q(**{f"{prefix}enterprise__accounts__user": user})
    if user.department_id is None:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}department_id": user.department_id}) | Q(**{f"{prefix}officer": user})
    if action in {"view", "export"}:
        q |= Q(
            **{
                f"{prefix}pk__in": Request.co_departments.through.objects.filter(
                    department_id=user.department_id
                ).values("request_id")
            }
        )
    return q


class Request(VersionedModel):
    """An enterprise's request (诉求), from intake to the service centre's revisit."""

    number = models.CharField(_("request number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    external_ref = models.CharField(_("hotline ticket"), max_length=40, blank=True, db_index=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="requests"
    )
    title = models.CharField(_("request title"), max_length=120)
    text = models.TextField(_("request"))
    contact = models.CharField(_("contact"), max_length=60, blank=True)
    card = models.ForeignKey(
        ServiceCard,
        verbose_name=_("service card"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    visit = models.ForeignKey(
        "Visit",
        verbose_name=_("visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("lead department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    co_departments = models.ManyToManyField(
        "core.Department", verbose_name=_("co-departments"), blank=True, related_name="co_service_requests"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=RequestState.choices, default=RequestState.RECEIVED, db_index=True
    )
    received_on = models.DateField(_("received on"))
    limit_wd = models.PositiveSmallIntegerField(_("time limit (working days)"))
    due_on = models.DateField(_("due on"))
    first_response_due = models.DateField(_("first response due"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    revisit_due = models.DateField(_("revisit due"), null=True, blank=True)
    revisit_note = models.TextField(_("revisit"), blank=True)
    reopened = models.PositiveSmallIntegerField(_("times re-opened"), default=0)
    escalated = models.BooleanField(_("escalated to leaders"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [models.Index(fields=["state", "due_on"]), models.Index(fields=["department", "state"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _request_scope(user, action)


class RequestEvent(WorkflowEvent):
    """Append-only timeline of a request."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")

    class Meta:
        ordering = ["request", "at", "pk"]
        verbose_name = _("request event")
        verbose_name_plural = _("request events")

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


class Visit(VersionedModel):
    """A visit to an enterprise (走访): who went, what was discussed, which requests it raised."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="visits",
    )
    on = models.DateField(_("date"))
    officials = models.CharField(_("officials"), max_length=200)
    topics = models.TextField(_("topics"))
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.on} {self.enterprise_id}"

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        if is_service_centre(user):
            return None
        if user.is_enterprise_user:
            return Q(enterprise__accounts__user=user)
        return Q(department_id=user.department_id) | Q(enterprise__owner_id=user.department_id)

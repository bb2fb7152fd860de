"""Industry chains (产业链): a chain is a tree of nodes; registry enterprises are placed on nodes (one or more may
be the chain's leaders, 链主); supplier relations record what the chain's enterprises buy at a node and from whom;
targets are companies outside the zone that would fill a node's gap; `investment` turns them into leads (the
lead points back at its target: investment depends on chains, never the other way)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkos.core.models import FieldCheck, ScopedQuerySet, VersionedModel
from parkos.core.zone_settings import Section

MONEY = {"max_digits": 16, "decimal_places": 2}
CHAIN_OFFICE = "chains.office"  # the capability of the office that steers the chains (产业链办公室)


class ChainConfig(Section):
    """Zone-wide thresholds of the gap analysis (a node may set its own), a section of the zone's settings."""

    key = "chains"
    label = _("chain settings")
    capability = CHAIN_OFFICE

    min_enterprises = forms.IntegerField(
        label=_("a node needs at least this many zone enterprises"), min_value=0, initial=1
    )
    min_output = forms.DecimalField(
        label=_("a node needs at least this output (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        initial=Decimal(0),
    )
    min_local_rate = forms.DecimalField(
        label=_("a node needs at least this local supply rate (%)"),
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=100,
        initial=Decimal(30),
    )
    key_weight = forms.DecimalField(
        label=_("weight of key nodes in the gap ranking"),
        max_digits=4,
        decimal_places=2,
        min_value=0,
        initial=Decimal("1.5"),
    )


class ZoneKnowledge:
    """Chains, nodes, placements, purchases and targets are the zone's shared knowledge: every administration
    user reads them (what one may change is decided by the chain's department in the services); enterprise users
    see none of it."""

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return Q(pk__in=[]) if user.is_enterprise_user else None


class Chain(ZoneKnowledge, VersionedModel):
    """An industry chain the zone builds (工程机械, 新能源汽车, …)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chains",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")

    def __str__(self) -> str:
        return self.name


class Segment(models.TextChoices):
    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")
    COMPONENT = "component", _("Key components")
    SERVICE = "service", _("Services")


class Node(ZoneKnowledge, VersionedModel):
    """A link of the chain; thresholds left empty follow the zone settings."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent node"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=60)
    segment = models.CharField(
        _("segment"), max_length=20, choices=Segment.choices, default=Segment.MIDSTREAM
    )
    is_key = models.BooleanField(_("key node"), default=False)
    min_enterprises = models.PositiveSmallIntegerField(_("minimum enterprises"), null=True, blank=True)
    min_output = models.DecimalField(_("minimum output (10k yuan)"), null=True, blank=True, **MONEY)
    min_local_rate = models.DecimalField(
        _("minimum local supply rate (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "order", "pk"]
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "name"],
                name="node_unique_name",
                violation_error_message=_("This chain already has a node with this name."),
            ),
            FieldCheck(
                field="min_local_rate",
                condition=Q(min_local_rate__isnull=True) | Q(min_local_rate__gte=0, min_local_rate__lte=100),
                name="node_min_local_rate_percent",
                violation_error_message=_("The minimum rate is a percentage from 0 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"


class Placement(ZoneKnowledge, models.Model):
    """A zone enterprise on a node; `is_leader` marks a chain leader (链主)."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="placements")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="chain_placements",
    )
    is_leader = models.BooleanField(_("chain leader"), default=False)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["node", "-is_leader", "enterprise__name"]
        verbose_name = _("enterprise on a node")
        verbose_name_plural = _("enterprises on nodes")
        constraints = [
            models.UniqueConstraint(
                fields=["node", "enterprise"],
                name="placement_unique",
                violation_error_message=_("This enterprise is already placed on this node."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.node} ← {self.enterprise_id}"


class SupplyRelation(ZoneKnowledge, models.Model):
    """One year's purchases of a buyer at a node from a supplier: a zone enterprise (`supplier`) or a company
    outside the zone (`supplier_name` only)."""

    node = models.ForeignKey(Node, verbose_name=_("node"), on_delete=models.CASCADE, related_name="supplies")
    buyer = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("buyer"), on_delete=models.CASCADE, related_name="purchases"
    )
    supplier = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("supplier in the zone"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales",
    )
    supplier_name = models.CharField(_("supplier"), max_length=200, blank=True)
    supplier_region = models.CharField(_("supplier's region"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("purchases (10k yuan)"), **MONEY)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["node", "buyer", "-amount"]
        verbose_name = _("supply relation")
        verbose_name_plural = _("supply relations")
        constraints = [
            FieldCheck(
                field="amount",
                condition=Q(amount__gte=0),
                name="supply_amount_nonneg",
                violation_error_message=_("The amount cannot be negative."),
            ),
            FieldCheck(
                field="supplier_name",
                condition=Q(supplier__isnull=False) | ~Q(supplier_name=""),
                name="supply_has_supplier",
                violation_error_message=_("Name the supplier."),
            ),
        ]
        indexes = [models.Index(fields=["year", "node"])]

    def __str__(self) -> str:
        return f"{self.buyer_id} ← {self.supplier_id or self.supplier_name} {self.year}"

    @property
    def is_local(self) -> bool:
        return self.supplier_id is not None


class Target(ZoneKnowledge, VersionedModel):
    """A company outside the zone that would fill a node's gap (招商目标), until it becomes a lead."""

    node = models.ForeignKey(Node, verbose_name=_("node"), on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("company"), max_length=200)
    uscc = models.CharField(_("USCC"), max_length=18, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    top500_list = models.CharField(_("top-500 list"), max_length=20, blank=True, default="")
    is_foreign = models.BooleanField(_("foreign"), default=False)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)
    notes = models.TextField(_("notes"), blank=True)
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
        ordering = ["node", "name"]
        verbose_name = _("target company")
        verbose_name_plural = _("target companies")
        constraints = [
            models.UniqueConstraint(
                fields=["node", "name"],
                name="target_unique_name",
                violation_error_message=_("This node already has a target with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

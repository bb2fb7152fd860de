"""The national 经开区 evaluation self-assessment (specs/metrics.md §4): the indicator catalogue as data, the peer
zones with their imported values, and the zone's own values where ParkOS does not hold them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkos.core.models import FieldCheck, VersionedModel
from parkos.core.zone_settings import Section

EVALUATION_OFFICE = "cockpit.evaluation"  # the capability of the office that keeps the self-assessment
VALUE = {"max_digits": 20, "decimal_places": 4}


class Region(models.TextChoices):
    """MOFCOM ranks the national zones overall and by region."""

    EAST = "east", _("Eastern region")
    CENTRAL = "central", _("Central region")
    WEST = "west", _("Western region")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Derive(models.TextChoices):
    VALUE = "value", _("The figure itself")
    GROWTH = "growth", _("Growth on the previous year (%)")


class Dimension(models.Model):
    """A first-level dimension of one version of the evaluation, with its weight in the total (%)."""

    version = models.PositiveSmallIntegerField(_("version"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=40)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("evaluation dimension")
        verbose_name_plural = _("evaluation dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="cockpit_dimension_unique",
                violation_error_message=_("This version already has a dimension with that code."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(VersionedModel):
    """A second-level indicator: its direction, unit and source; `figure` names the ParkOS zone figure that fills
    the zone's value (the kernel's `appraisal_figures`), empty when the value is entered; `weight` is relative
    within the dimension (equal weights unless the office knows better)."""

    dimension = models.ForeignKey(
        Dimension, verbose_name=_("dimension"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    weight = models.DecimalField(_("weight in its dimension"), max_digits=6, decimal_places=2, default=1)
    source = models.CharField(_("source of the data"), max_length=200, blank=True)
    figure = models.CharField(_("ParkOS figure"), max_length=60, blank=True)
    derive = models.CharField(_("derived as"), max_length=10, choices=Derive.choices, default=Derive.VALUE)
    basis = models.CharField(_("basis of the indicator"), max_length=300, blank=True)
    is_active = models.BooleanField(_("counted"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__version", "dimension__order", "order", "pk"]
        verbose_name = _("evaluation indicator")
        verbose_name_plural = _("evaluation indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "code"],
                name="cockpit_indicator_unique",
                violation_error_message=_("This dimension already has an indicator with that code."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0),
                name="cockpit_indicator_weight_positive",
                violation_error_message=_("An indicator's weight is above zero."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PeerZone(models.Model):
    """A national zone the self-assessment compares with (the province's national zones, the region's …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices, default=Region.CENTRAL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer zone")
        verbose_name_plural = _("peer zones")

    def __str__(self) -> str:
        return self.name


class PeerValue(models.Model):
    """A peer zone's value of one indicator for one data year (imported from the published figures)."""

    zone = models.ForeignKey(
        PeerZone, verbose_name=_("peer zone"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="peer_values"
    )
    year = models.PositiveSmallIntegerField(_("data year"))
    value = models.DecimalField(_("value"), **VALUE)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "zone", "indicator"]
        verbose_name = _("peer value")
        verbose_name_plural = _("peer values")
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "indicator", "year"],
                name="cockpit_peer_value_unique",
                violation_error_message=_("This zone already has a value of that indicator for the year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.zone} · {self.indicator} · {self.year}"


class ZoneValue(VersionedModel):
    """The zone's own value of an indicator for a data year, entered by the office (an official statistic: it
    takes precedence over what ParkOS computes)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="zone_values"
    )
    year = models.PositiveSmallIntegerField(_("data year"))
    value = models.DecimalField(_("value"), **VALUE)
    note = models.CharField(_("source note"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "indicator"]
        verbose_name = _("zone value")
        verbose_name_plural = _("zone values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="cockpit_zone_value_unique",
                violation_error_message=_("The zone already has a value of that indicator for the year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}"


TARGETS_OFFICE = "cockpit.targets"  # the capability of the office that sets the year's targets (目标任务)


class ReportConfig(Section):
    """The 经济运行月报 as a 公文 (GB/T 9704): who issues it, its number, whom it goes and is copied to, who prints
    it — a section of the zone's settings, kept by the office that sets the targets."""

    key = "cockpit_report"
    label = _("monthly economic report")
    capability = TARGETS_OFFICE

    issuer = forms.CharField(
        label=_("report: issuing office's mark"), max_length=40, initial="经开区经济运行月报"
    )
    number_prefix = forms.CharField(
        label=_("report: number prefix (〔year〕 and the month's number follow)"),
        max_length=20,
        initial="经开经发",
    )
    signer = forms.CharField(label=_("report: signed by"), max_length=40, initial="经开区经济发展局")
    addressee = forms.CharField(
        label=_("report: sent to"), max_length=100, initial="区党工委、管委会领导，各部门、各园区"
    )
    cc = forms.CharField(label=_("report: copied to"), max_length=200, initial="市统计局", required=False)
    printer = forms.CharField(label=_("report: printed by"), max_length=40, initial="经开区经济发展局")


def target_tiles() -> list[tuple[str, str]]:
    """The cockpit figures that take a target (the apps' tiles), as choices: the audit trail shows their names."""
    from parkos.core import registries

    return [(t.key, str(t.label)) for t in registries.tiles if t.target]


class Target(VersionedModel):
    """目标任务: the year's target of one cockpit figure (a tile that takes targets), for the whole zone or one park,
    in the tile's unit; the cockpit shows the figure's completion against the time elapsed (时序进度)."""

    year = models.PositiveSmallIntegerField(_("year"))
    tile = models.CharField(_("figure"), max_length=60, choices=target_tiles)
    park = models.ForeignKey(
        "core.Park", verbose_name=_("park"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "tile", "park"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "tile", "park"],
                condition=models.Q(park__isnull=False),
                name="cockpit_target_park_unique",
                violation_error_message=_("This figure already has a target for this year and park."),
            ),
            models.UniqueConstraint(
                fields=["year", "tile"],
                condition=models.Q(park__isnull=True),
                name="cockpit_target_zone_unique",
                violation_error_message=_("This figure already has a target for this year."),
            ),
            FieldCheck(
                field="value",
                condition=models.Q(value__gte=0),
                name="cockpit_target_nonneg",
                violation_error_message=_("A target cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_tile_display()}"

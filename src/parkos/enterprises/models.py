"""The enterprise registry (企业库): enterprises, their land, annual and monthly figures, contacts."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.cn import uscc as stdnum_uscc

from parkos.core.geo import coordinate_check, coordinate_field
from parkos.core.models import FieldCheck, ScopedQuerySet, VersionedModel
from parkos.core.validators import not_in_future

from . import industries

MONEY = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}
AMOUNT = {"max_digits": 16, "decimal_places": 3, "null": True, "blank": True}


def validate_uscc(value: str) -> None:
    if not stdnum_uscc.is_valid(value):
        raise ValidationError(
            _("“%(value)s” is not a valid unified social credit code"), params={"value": value}
        )


def validate_industry(value: str) -> None:
    try:
        industries.normalize(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class SrdiLevel(models.TextChoices):
    NONE = "", _("None")
    PROVINCE = "province", _("Provincial SRDI")
    LITTLE_GIANT = "little_giant", _("National little giant")


class Top500Kind(models.TextChoices):
    NONE = "", _("None")
    FORTUNE_GLOBAL = "fortune_global", _("Fortune Global 500")
    CHINA = "china", _("China top 500")
    CHINA_PRIVATE = "china_private", _("China private top 500")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    MOVED_OUT = "moved_out", _("Moved out")
    DEREGISTERED = "deregistered", _("Deregistered")


def _enterprise_scope(user, action: str, prefix: str = "") -> Q | None:
    if user.is_zone_wide:
        return None
    if user.is_enterprise_user:
        if action != "view" and action != "export":
            return Q(pk__in=[])
        return Q(**{f"{prefix}accounts__user": user})
    if user.department_id is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}owner_id": user.department_id})


class Enterprise(VersionedModel):
    """A registered enterprise; one row per USCC."""

    uscc = models.CharField(_("USCC"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200, db_index=True)
    former_names = models.CharField(_("former names"), max_length=500, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=60, blank=True)
    registered_capital = models.DecimalField(_("registered capital (10k yuan)"), **MONEY)
    established_on = models.DateField(
        _("date established"), null=True, blank=True, validators=[not_in_future]
    )
    industry_code = models.CharField(
        _("industry code"), max_length=4, blank=True, validators=[validate_industry], db_index=True
    )
    industry_division = models.CharField(_("industry division"), max_length=2, blank=True, editable=False)
    park = models.ForeignKey(
        "core.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = coordinate_field("longitude")
    latitude = coordinate_field("latitude")
    is_above_scale = models.BooleanField(_("above scale"), default=False)
    is_high_tech = models.BooleanField(_("high-tech enterprise"), default=False)
    # the day ParkOS saw the flag switched on for an enterprise already in the registry (入规, 升高); cleared when
    # the flag is switched off — the cockpit counts the enterprises that gained it in a period
    above_scale_since = models.DateField(_("above scale since"), null=True, blank=True, editable=False)
    high_tech_since = models.DateField(_("high-tech since"), null=True, blank=True, editable=False)
    srdi_level = models.CharField(
        _("SRDI level"), max_length=20, choices=SrdiLevel.choices, blank=True, default=""
    )
    top500_kind = models.CharField(
        _("top-500 kind"), max_length=20, choices=Top500Kind.choices, blank=True, default=""
    )
    is_foreign_funded = models.BooleanField(_("foreign-funded"), default=False)
    is_listing_reserve = models.BooleanField(_("listing reserve"), default=False)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
        db_index=True,
    )
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    owner = models.ForeignKey(
        "core.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            coordinate_check("longitude", "ent"),
            coordinate_check("latitude", "ent"),
            FieldCheck(
                field="registered_capital",
                condition=Q(registered_capital__gte=0),
                name="ent_capital_nonneg",
                violation_error_message=_("Registered capital cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["park", "status"]),
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["industry_division", "status"]),
            # 入规 / 升高 in a period: a range over the few dated rows, not a scan of the registry
            models.Index(fields=["above_scale_since"], name="ent_above_scale_since"),
            models.Index(fields=["high_tech_since"], name="ent_high_tech_since"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.industry_division = self.industry_code[:2]
        stamped = self.stamp_flags(timezone.localdate())
        if stamped and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *stamped}
        super().save(*args, **kwargs)
        self._loaded_flags = {f: bool(getattr(self, f)) for f in self.FLAGS_SINCE}

    FLAGS_SINCE = {"is_above_scale": "above_scale_since", "is_high_tech": "high_tech_since"}

    def stamp_flags(self, today) -> list[str]:
        """Date a flag switched on (入规, 升高) since the enterprise was read, clear the date of one switched off;
        the changed date fields. A new enterprise gets no date: entering the registry is not gaining a flag."""
        loaded = getattr(self, "_loaded_flags", None)
        if loaded is None:
            return []
        changed = []
        for flag, since in self.FLAGS_SINCE.items():
            now, before = bool(getattr(self, flag)), loaded[flag]
            if now and not before:
                setattr(self, since, today)
                changed.append(since)
            elif not now and getattr(self, since) is not None:
                setattr(self, since, None)
                changed.append(since)
        self._loaded_flags = {f: bool(getattr(self, f)) for f in self.FLAGS_SINCE}
        return changed

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _enterprise_scope(user, action)

    GROUPING = (
        "owner_id",
        "park_id",
        "is_above_scale",
        "industry_division",
    )  # what the monthly totals split by

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._loaded_grouping = obj.grouping()  # to tell whether a save moves the enterprise's monthly figures
        obj._loaded_flags = {f: bool(obj.__dict__.get(f)) for f in cls.FLAGS_SINCE}  # to date 入规 and 升高
        return obj

    def grouping(self) -> tuple:
        return tuple(self.__dict__.get(f) for f in self.GROUPING)

    @property
    def industry_label(self) -> str:
        return industries.label(self.industry_code)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.replace("，", ",").split(",") if t.strip()]


# The fields people edit (forms, API, imports, exports all follow this order); `uscc` is the identity.
ENTERPRISE_FIELDS = [
    "name", "former_names", "legal_representative", "registered_capital", "established_on", "industry_code",
    "park", "address", "longitude", "latitude", "is_above_scale", "is_high_tech", "srdi_level", "top500_kind", "is_foreign_funded",
    "is_listing_reserve", "is_headquarters", "status", "tags", "owner",
]  # fmt: skip


class EnterpriseChild(models.Model):
    """Rows that belong to one enterprise and share its scope."""

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, user, action: str) -> Q | None:
        return _enterprise_scope(user, action, prefix="enterprise__")


class EnterpriseAccount(models.Model):
    """Links an enterprise user's login to their enterprise."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_account"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="accounts")
    # the enterprise's verified contact, set by the administration; invites the enterprise's other users
    is_manager = models.BooleanField(_("verified contact (invites colleagues)"), default=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("enterprise account")
        verbose_name_plural = _("enterprise accounts")

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


class LandParcel(EnterpriseChild, VersionedModel):
    """A land parcel the enterprise uses (宗地), with its certificate and area in 亩."""

    class Purpose(models.TextChoices):
        INDUSTRIAL = "industrial", _("Industrial")
        WAREHOUSING = "warehousing", _("Warehousing and logistics")
        COMMERCIAL = "commercial", _("Commercial")
        RD = "rd", _("Research and development")
        OTHER = "other", _("Other")

    class Tenure(models.TextChoices):
        OWNED = "owned", _("Owned")
        RENTED_IN = "rented_in", _("Rented in")
        RENTED_OUT = "rented_out", _("Rented out")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="land_parcels")
    certificate_no = models.CharField(_("certificate number"), max_length=60)
    area_mu = models.DecimalField(_("area (mu)"), max_digits=12, decimal_places=2)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.INDUSTRIAL
    )
    tenure = models.CharField(_("tenure"), max_length=20, choices=Tenure.choices, default=Tenure.OWNED)
    location = models.CharField(_("location"), max_length=200, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "certificate_no"]
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "certificate_no"],
                name="land_unique_certificate",
                violation_error_message=_(
                    "This enterprise already has a parcel with this certificate number."
                ),
            ),
            FieldCheck(
                field="area_mu",
                condition=Q(area_mu__gte=0),
                name="land_area_nonneg",
                violation_error_message=_("The area cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_no} ({self.area_mu} 亩)"


ANNUAL_FIELDS = [
    "revenue",
    "gross_output",
    "value_added",
    "tax_paid",
    "total_profit",
    "rd_expense",
    "employees",
    "energy_tce",
    "electricity_10k_kwh",
    "cod_t",
    "ammonia_n_t",
    "so2_t",
    "nox_t",
]


class AnnualIndicator(EnterpriseChild, VersionedModel):
    """One enterprise's figures for one year (money in 万元, energy in 吨标准煤, emissions in 吨)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="annual_indicators")
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(_("operating revenue (10k yuan)"), **MONEY)
    gross_output = models.DecimalField(_("gross industrial output (10k yuan)"), **MONEY)
    value_added = models.DecimalField(_("industrial value added (10k yuan)"), **MONEY)
    tax_paid = models.DecimalField(_("taxes paid (10k yuan)"), **MONEY)
    total_profit = models.DecimalField(_("total profit (10k yuan)"), **MONEY)
    rd_expense = models.DecimalField(_("R&D expenditure (10k yuan)"), **MONEY)
    employees = models.PositiveIntegerField(_("average employees"), null=True, blank=True)
    energy_tce = models.DecimalField(_("energy use (tce)"), **AMOUNT)
    electricity_10k_kwh = models.DecimalField(_("electricity (10k kWh)"), **AMOUNT)
    cod_t = models.DecimalField(_("COD (t)"), **AMOUNT)
    ammonia_n_t = models.DecimalField(_("ammonia nitrogen (t)"), **AMOUNT)
    so2_t = models.DecimalField(_("SO₂ (t)"), **AMOUNT)
    nox_t = models.DecimalField(_("NOx (t)"), **AMOUNT)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("annual indicators")
        verbose_name_plural = _("annual indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="annual_unique_year",
                violation_error_message=_("This enterprise already has figures for this year."),
            ),
            models.CheckConstraint(
                condition=Q(revenue__gte=0)
                & Q(gross_output__gte=0)
                & Q(rd_expense__gte=0)
                & Q(energy_tce__gte=0),
                name="annual_nonneg",
                violation_error_message=_(
                    "Revenue, gross output, R&D spending and energy use cannot be negative."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class MonthlyIndicator(EnterpriseChild, VersionedModel):
    """One enterprise's figures for one month; `month` is the first day of that month."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="monthly_indicators")
    month = models.DateField(_("month"))
    output_value = models.DecimalField(_("output value (10k yuan)"), **MONEY)
    revenue = models.DecimalField(_("operating revenue (10k yuan)"), **MONEY)
    tax = models.DecimalField(_("tax (10k yuan)"), **MONEY)
    electricity_kwh = models.DecimalField(
        _("electricity (kWh)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-month"]
        verbose_name = _("monthly indicators")
        verbose_name_plural = _("monthly indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "month"],
                name="monthly_unique_month",
                violation_error_message=_("This enterprise already has figures for this month."),
            ),
            FieldCheck(
                field="month",
                condition=Q(month__day=1),
                name="monthly_first_day",
                violation_error_message=_("A month is given by its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.month:%Y-%m}"


class Contact(EnterpriseChild, VersionedModel):
    """A person at the enterprise the administration talks to."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("title"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class MonthlyTotal(models.Model):
    """The registry's monthly figures summed per month, responsible department, park, 规上 flag and industry
    division — what the cockpit, the economy page and the monthly report read instead of the millions of
    enterprise rows. Rebuilt per month by `totals.refresh` whenever `MonthlyTotalStale` says a month changed."""

    month = models.DateField(_("month"), db_index=True)
    owner = models.ForeignKey(
        "core.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    park = models.ForeignKey("core.Park", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    above_scale = models.BooleanField(default=False)
    industry_division = models.CharField(max_length=2, blank=True)
    enterprises = models.PositiveIntegerField(default=0)
    output_value = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    revenue = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    tax = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    electricity_kwh = models.DecimalField(max_digits=20, decimal_places=0, default=0)

    class Meta:
        verbose_name = _("monthly total")
        verbose_name_plural = _("monthly totals")
        indexes = [models.Index(fields=["owner", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class MonthlyTotalStale(models.Model):
    """A month whose totals must be rebuilt before they are read (`ALL_MONTHS`: every month)."""

    month = models.DateField(unique=True)

    class Meta:
        verbose_name = _("stale monthly total")
        verbose_name_plural = _("stale monthly totals")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

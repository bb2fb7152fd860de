"""Per-mu evaluation (亩均效益综合评价): evaluation inputs per enterprise and year, schemes, runs, results."""

from __future__ import annotations

import orjson
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from parkos.core import capabilities
from parkos.core.models import FieldCheck, ScopedQuerySet, VersionedModel
from parkos.enterprises.models import EnterpriseChild

EVALUATION_OFFICE = "efficiency.office"  # the capability of the office that runs 亩均 evaluation (亩均办)


def runs_evaluation(user) -> bool:
    """System administrators and the evaluation office's administrators run evaluations, set the schemes and the
    class policies, publish and answer objections (zone-wide acts: a department's administrator alone may not)."""
    return capabilities.acts(user, EVALUATION_OFFICE, "evaluate")


# the engine's codes in the interface's words
STATUS_LABELS = {
    "rated": pgettext_lazy("evaluation", "Rated"),
    "exempt": pgettext_lazy("evaluation", "Exempt"),
    "protected": pgettext_lazy("evaluation", "Deferred"),
    "data_incomplete": pgettext_lazy("evaluation", "Data incomplete"),
    "not_evaluated": pgettext_lazy("evaluation", "Not evaluated"),
}
MODE_LABELS = {  # how a cohort's benchmark is set (engine.BENCHMARK_MODES)
    "cohort_aggregate": _("Cohort aggregate (total ÷ total)"),
    "cohort_mean": _("Cohort mean"),
    "industry_aggregate": _("Aggregate of the industry division"),
    "fixed": _("Fixed benchmarks"),
    "prev_year": _("Previous year's average × factor"),
}


class Profile(models.TextChoices):
    """The named schemes a year's scheme starts from (engine.PROFILES, specs/efficiency.md §8)."""

    DEFAULT = "default", _("ParkOS default")
    CHANGSHA_ETDZ = "changsha_etdz", _("Changsha ETDZ")
    ZHEJIANG_HUANGYAN = "zhejiang_huangyan", _("Huangyan, Zhejiang (2022)")
    JIANGSU_HUAIAN = "jiangsu_huaian", _("Huai'an, Jiangsu (2024)")
    S4_CITY = "s4_city", _("Prefecture-level city (Anhui/Jiangsu style)")
    HEFEI_HTZ = "hefei_htz", _("Hefei High-tech Zone")
    SHANDONG = "shandong", _("Shandong province")


COHORT_LABELS = {
    "above": pgettext_lazy("cohort", "Above scale"),
    "below": pgettext_lazy("cohort", "Below scale"),
}


class EvaluationInput(EnterpriseChild, VersionedModel):
    """What the evaluation of one year needs beyond the annual indicators: cohort, land figure, events."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="evaluation_inputs"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    is_above_scale = models.BooleanField(_("above scale"))
    land_mu = models.DecimalField(
        _("land for evaluation (mu)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    vetoes = models.JSONField(_("veto events"), default=list, blank=True)
    downgrades = models.JSONField(_("downgrade events"), default=list, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["enterprise", "-year"]
        verbose_name = _("evaluation input")
        verbose_name_plural = _("evaluation inputs")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                name="evalinput_unique_year",
                violation_error_message=_("This enterprise already has evaluation data for this year."),
            ),
            FieldCheck(
                field="land_mu",
                condition=Q(land_mu__gte=0),
                name="evalinput_land_nonneg",
                violation_error_message=_("The land area cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class EvaluationScheme(VersionedModel):
    """The scheme used for one evaluation year (a snapshot of it is stored with every run)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    profile = models.CharField(_("profile"), max_length=40, choices=Profile.choices, default=Profile.DEFAULT)
    config = models.JSONField(_("configuration"))
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")

    def __str__(self) -> str:
        return f"{self.year} {self.get_profile_display()}"


class EvaluationRun(models.Model):
    """One computation of a year's evaluation, with the scheme it used."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLICITY = "publicity", _("Public notice")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    state = models.CharField(_("publication"), max_length=10, choices=State.choices, default=State.DRAFT)
    publicity_from = models.DateField(_("public notice from"), null=True, blank=True)
    objection_deadline = models.DateField(_("objections until"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    scheme = models.JSONField(_("scheme snapshot"))
    profile = models.CharField(_("profile"), max_length=40, choices=Profile.choices, default=Profile.DEFAULT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    benchmarks = models.JSONField(_("benchmarks"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")

    def __str__(self) -> str:
        return f"{self.year} #{self.pk}"


class EvaluationResult(EnterpriseChild):
    """One enterprise's result in a run; the inputs it was computed from are kept with it."""

    # no separate index on run: the unique (run, enterprise) constraint leads with it
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results", db_index=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="evaluation_results"
    )
    cohort = models.CharField(_("cohort"), max_length=5)
    status = models.CharField(_("status"), max_length=20)
    total = models.FloatField(_("total"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    score_class = models.CharField(_("class before downgrades"), max_length=1, blank=True)
    final_class = models.CharField(_("class"), max_length=1, blank=True)
    tax_per_mu = models.FloatField(_("tax per mu"), null=True)
    # inputs, values, scores, mean-score indicators and what-if, as JSON text: written 100k rows at a time and
    # never queried inside, so it skips jsonb's parsing on PostgreSQL (see docs/design.md)
    detail_json = models.TextField(_("detail"))
    whatif_score = models.FloatField(_("score needed for the next class"), null=True)
    note = models.TextField(_("note"), blank=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["run", "cohort", "rank"]
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "enterprise"],
                name="evalresult_unique",
                violation_error_message=_("This enterprise already has a result in this run."),
            )
        ]
        # the ranking list reads one run in (cohort, rank) order; class filters scan that run's rows
        indexes = [models.Index(fields=["run", "cohort", "rank"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.enterprise_id} {self.final_class}"

    def detail(self, codes: list[str]) -> dict:
        """Inputs, indicator values, scores, mean-score indicators and what-if; `codes` are the run's
        indicator codes in scheme order (`exports.indicator_codes`), which the stored arrays follow."""
        n, v, sc, w, m, division, established, above, vetoes, downgrades = orjson.loads(self.detail_json)
        used = [i for i, x in enumerate(sc) if x is not None]
        return {
            "inputs": {
                "n": n,
                "division": division,
                "established": established,
                "above": above,
                "vetoes": vetoes,
                "downgrades": downgrades,
            },
            "values": {codes[i]: v[i] for i in used},
            "scores": {codes[i]: sc[i] for i in used},
            "mean": [codes[i] for i in used if m[i]],
            "whatif": {codes[i]: w[i] for i in used if w[i] is not None},
        }


class Objection(EnterpriseChild):
    """An enterprise's objection to its result during the public notice, and the administration's answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")

    run = models.ForeignKey(
        EvaluationRun, on_delete=models.CASCADE, related_name="objections", verbose_name=_("evaluation run")
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="objections"
    )
    text = models.TextField(_("objection"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.run_id}:{self.enterprise_id}"


class ClassPolicy(VersionedModel):
    """The differentiated policy levers of one class in one year (差别化政策)."""

    year = models.PositiveSmallIntegerField(_("year"))
    klass = models.CharField(_("class"), max_length=1, choices=[(c, c) for c in "ABCD"])
    electricity_surcharge = models.DecimalField(
        _("electricity surcharge (yuan/kWh)"), max_digits=6, decimal_places=3, default=0
    )
    consecutive_years = models.PositiveSmallIntegerField(
        _("consecutive years for the higher surcharge"), default=3
    )
    consecutive_surcharge = models.DecimalField(
        _("surcharge after consecutive years (yuan/kWh)"), max_digits=6, decimal_places=3, default=0
    )
    water_surcharge_pct = models.DecimalField(
        _("water surcharge (%)"), max_digits=5, decimal_places=2, default=0
    )
    land_tax_reduction_pct = models.DecimalField(
        _("land-use tax reduction (%)"), max_digits=5, decimal_places=2, default=0
    )
    land_supply_priority = models.BooleanField(_("land supply priority"), default=False)
    subsidy_eligible = models.BooleanField(_("eligible for subsidies"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "klass"]
        verbose_name = _("class policy")
        verbose_name_plural = _("class policies")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "klass"],
                name="classpolicy_unique",
                violation_error_message=_("This class already has measures for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.klass}"


class RectificationPlan(EnterpriseChild, VersionedModel):
    """A low-efficiency enterprise's rectification plan (腾笼换鸟), tracked to its deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Completed")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="rectifications"
    )
    year = models.PositiveSmallIntegerField(_("evaluation year"))
    reason = models.CharField(_("reason"), max_length=200)
    measures = models.TextField(_("measures"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"

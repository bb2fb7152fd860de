"""The 亩均 pages' forms: starting a run, publicity and objections, the scheme editor (its indicator rows are
fields `<cohort>-<i>-code|weight|cap|bench|missing`), the class policies and the low-efficiency plans. Views parse
with these and call one service; what a scheme means is checked by `Scheme.validate` in the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from parkos.core.forms import YearParams

from . import engine, exports

ROWS_PER_COHORT = 8
COHORTS = (engine.ABOVE, engine.BELOW)
EVENTS = engine.VETO_EVENTS + engine.DOWNGRADE_EVENTS


def _num(label, **kw) -> forms.FloatField:
    return forms.FloatField(label=label, required=False, **kw)


class IndexParams(YearParams):
    enterprise = forms.IntegerField(
        required=False, min_value=1
    )  # the enterprise page's link to its latest report


class RunStartForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class PublicizeForm(forms.Form):
    working_days = forms.IntegerField(
        label=_("working days of public notice"), min_value=0, max_value=60, required=False
    )


class ObjectionAnswerForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), required=False)


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("objection"), required=False)


class SchemeProfileForm(forms.Form):
    profile = forms.ChoiceField(label=_("profile"), choices=[(p, p) for p in engine.PROFILES])
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SchemeForm(forms.Form):
    """The scheme editor: up to eight indicator rows per cohort, the benchmark, the class cut-offs, protection and
    exemptions, and each event as a veto or a downgrade."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    profile_name = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    benchmark_mode = forms.ChoiceField(
        label=_("benchmark"), choices=[(m, m) for m in engine.BENCHMARK_MODES], required=False
    )
    benchmark_multiplier = _num(_("benchmark multiplier"))
    cut_a = _num(_("A: top share"))
    cut_b = _num(_("B: up to share"))
    cut_c = _num(_("C: up to share"))
    protection_years = forms.IntegerField(
        label=_("protection years"), min_value=0, max_value=20, required=False
    )
    small_min_land_mu = _num(_("smallest land (mu)"))
    exempt_divisions = forms.CharField(label=_("exempt divisions"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = [("", "—"), *((c, c) for c in engine.CATALOGUE)]
        for cohort in COHORTS:
            for i in range(ROWS_PER_COHORT):
                p = f"{cohort}-{i}-"
                self.fields[p + "code"] = forms.ChoiceField(
                    label=_("Indicator"), choices=codes, required=False
                )
                self.fields[p + "weight"] = _num(_("Weight"))
                self.fields[p + "cap"] = _num(_("Cap"))
                self.fields[p + "bench"] = _num(_("Fixed benchmark"))
                self.fields[p + "missing"] = forms.ChoiceField(
                    choices=[("mean_score", "mean_score"), ("zero", "zero")], required=False
                )
        for e in EVENTS:
            self.fields[f"event-{e}"] = forms.ChoiceField(
                choices=[("", ""), ("veto", "veto"), ("downgrade", "downgrade")], required=False
            )

    def config(self) -> dict[str, Any]:
        """The scheme as the engine reads it (the form must be valid)."""
        d = self.cleaned_data

        def val(name: str, default):
            return default if d.get(name) in (None, "") else d[name]

        config: dict[str, Any] = {"fixed_benchmarks": {}}
        for cohort in COHORTS:
            inds, fixed = [], {}
            for i in range(ROWS_PER_COHORT):
                p = f"{cohort}-{i}-"
                code = d[p + "code"]
                if not code:
                    continue
                inds.append(
                    {
                        "code": code,
                        "weight": val(p + "weight", 0.0),
                        "cap": d[p + "cap"],
                        "missing": d[p + "missing"] or "mean_score",
                    }
                )
                if d[p + "bench"] is not None:
                    fixed[code] = d[p + "bench"] / 100 if code in exports.PERCENT else d[p + "bench"]
            config[cohort] = inds
            config["fixed_benchmarks"][cohort] = fixed
        exempt = d["exempt_divisions"].replace("，", ",").split(",")
        config.update(
            {
                "benchmark_mode": d["benchmark_mode"] or "cohort_aggregate",
                "benchmark_multiplier": val("benchmark_multiplier", 1.0),
                "cutoffs": [val("cut_a", 0.2), val("cut_b", 0.6), val("cut_c", 0.95)],
                "protection_years": val("protection_years", 3),
                "small_min_land_mu": val("small_min_land_mu", 3.0),
                "exempt_divisions": [x.strip() for x in exempt if x.strip()],
                "vetoes": [e for e in EVENTS if d[f"event-{e}"] == "veto"],
                "downgrades": [e for e in EVENTS if d[f"event-{e}"] == "downgrade"],
            }
        )
        return config


class ClassPolicyForm(forms.Form):
    """One class's differentiated policy for the year (surcharges, reductions, priorities); an empty number is 0."""

    klass = forms.ChoiceField(label=_("class"), choices=[(c, c) for c in "ABCD"])
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    electricity_surcharge = forms.DecimalField(label=_("electricity surcharge (yuan/kWh)"), required=False)
    consecutive_years = forms.IntegerField(
        label=_("consecutive years for the higher surcharge"), min_value=1, max_value=20, required=False
    )
    consecutive_surcharge = forms.DecimalField(
        label=_("surcharge after consecutive years (yuan/kWh)"), required=False
    )
    water_surcharge_pct = forms.DecimalField(label=_("water surcharge (%)"), required=False)
    land_tax_reduction_pct = forms.DecimalField(label=_("land-use tax reduction (%)"), required=False)
    land_supply_priority = forms.BooleanField(label=_("land supply priority"), required=False)
    subsidy_eligible = forms.BooleanField(label=_("eligible for subsidies"), required=False)

    def policy(self) -> dict[str, Any]:
        d = {k: v for k, v in self.cleaned_data.items() if k not in {"klass", "version"}}
        for k in (
            "electricity_surcharge",
            "consecutive_surcharge",
            "water_surcharge_pct",
            "land_tax_reduction_pct",
        ):
            d[k] = d[k] if d[k] is not None else 0
        d["consecutive_years"] = d["consecutive_years"] or 3
        return d


class PlanCreateForm(forms.Form):
    enterprise = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("reason"), required=False)
    measures = forms.CharField(label=_("measures"), required=False)
    deadline = forms.DateField(label=_("deadline"))


class PlanCompleteForm(forms.Form):
    plan = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

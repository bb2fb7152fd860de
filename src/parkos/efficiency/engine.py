"""Per-mu benefit evaluation (亩均效益综合评价): a pure engine over numpy columns.

Rules (the default scheme of issue #3; variants from specs/efficiency.md are scheme options):

* Status, in this order: 不参评 outside GB/T 4754 divisions 06–46; 免评 in the exempt divisions (16, 44–46);
  暂缓 when established after 31 Dec of Y − protection_years; 数据不全 when land is missing or 0; 不参评 when
  below-scale with land < small_min_land_mu; otherwise 参评. 规上 and 规下 are separate cohorts.
* Indicator value = max(numerator, 0) ÷ denominator. Benchmark (cohort aggregate) = Σ numerator ÷ Σ
  denominator over the cohort's 参评 enterprises (vetoed ones included) whose denominator is > 0.
* Score = weight × min(value ÷ benchmark, cap). A missing or 0 denominator gets the mean score of that
  indicator over the cohort's 参评 enterprises that have it. A benchmark of 0 gives everyone 0.
* Vetoed enterprises are D and not ranked. The others are ranked by unrounded total desc, then 亩均税收
  desc, then USCC asc; with p = rank ÷ n the class is A if p ≤ cut_A, B if p ≤ cut_B, C if p ≤ cut_C,
  else D, computed exactly as rank ≤ floor(n × cut). A downgrade event lowers the class by one.

Floating point: values and scores are float64; totals that differ by less than 1e-9 are treated as equal
when ranking (float noise must not beat the 亩均税收 tie-break), and display rounding goes through
`display()` (half up, after removing float noise). Nothing is rounded before the class is decided.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import numpy as np

# ---- statuses, cohorts, classes -------------------------------------------------------------------------
RATED, EXEMPT, PROTECTED, DATA_INCOMPLETE, NOT_EVALUATED = (
    "rated",
    "exempt",
    "protected",
    "data_incomplete",
    "not_evaluated",
)
STATUSES = (
    RATED,
    EXEMPT,
    PROTECTED,
    DATA_INCOMPLETE,
    NOT_EVALUATED,
)  # labels: efficiency.models.STATUS_LABELS
ABOVE, BELOW = "above", "below"  # labels: efficiency.models.COHORT_LABELS
CLASSES = ("A", "B", "C", "D")

VETO_EVENTS = (
    "较大及以上安全事故",
    "较大及以上环境事件",
    "严重失信",
    "违法用地",
    "淘汰类工艺装备",
    "数据造假",
)
DOWNGRADE_EVENTS = ("一般安全事故", "环境行政处罚", "超能耗限额")

# ---- indicators ----------------------------------------------------------------------------------------
# numerators: tax, va, revenue, profit, rd; denominators: land, energy, emissions, employees, revenue, electricity
CATALOGUE: dict[str, tuple[str, str, str, str]] = {  # code: (name, numerator, denominator, unit)
    "tax_per_mu": ("亩均税收", "tax", "land", "万元/亩"),
    "va_per_mu": ("亩均增加值", "va", "land", "万元/亩"),
    "sales_per_mu": ("亩均销售收入", "revenue", "land", "万元/亩"),
    "profit_per_mu": ("亩均利润总额", "profit", "land", "万元/亩"),
    "va_per_energy": ("单位能耗增加值", "va", "energy", "万元/吨标准煤"),
    "sales_per_energy": ("单位能耗销售收入", "revenue", "energy", "万元/吨标准煤"),
    "tax_per_energy": ("单位能耗税收", "tax", "energy", "万元/吨标准煤"),
    "tax_per_kwh": ("单位电耗税收", "tax", "electricity", "万元/万千瓦时"),
    "va_per_emission": ("单位排放增加值", "va", "emissions", "万元/吨"),
    "sales_per_emission": ("单位排放销售收入", "revenue", "emissions", "万元/吨"),
    "tax_per_emission": ("单位排放税收", "tax", "emissions", "万元/吨"),
    "labour_productivity": ("全员劳动生产率", "va", "employees", "万元/人"),
    "rd_ratio": ("研发经费占营业收入比重", "rd", "revenue", ""),
}
INPUT_COLUMNS = (
    "land",
    "tax",
    "va",
    "revenue",
    "profit",
    "rd",
    "employees",
    "energy",
    "electricity",
    "cod",
    "nh3n",
    "so2",
    "nox",
)


@dataclass(frozen=True)
class Indicator:
    code: str
    weight: float
    cap: float | None = 2.0
    missing: str = "mean_score"  # or "zero": a missing denominator scores 0

    @property
    def name(self) -> str:
        return CATALOGUE[self.code][0]

    @property
    def numerator(self) -> str:
        return CATALOGUE[self.code][1]

    @property
    def denominator(self) -> str:
        return CATALOGUE[self.code][2]


@dataclass(frozen=True)
class Scheme:
    """Everything that decides a result; stored as a snapshot with every run."""

    above: tuple[Indicator, ...]
    below: tuple[Indicator, ...]
    # cohort_aggregate | cohort_mean | industry_aggregate | fixed | prev_year (the service turns prev_year into
    # fixed values: the previous year's published benchmarks × benchmark_multiplier)
    benchmark_mode: str = "cohort_aggregate"
    benchmark_multiplier: float = 1.0
    fixed_benchmarks: dict[str, dict[str, float]] = field(default_factory=dict)  # cohort -> code -> value
    cutoffs: tuple[float, float, float] = (0.20, 0.60, 0.95)
    vetoes: tuple[str, ...] = VETO_EVENTS
    downgrades: tuple[str, ...] = DOWNGRADE_EVENTS
    exempt_divisions: tuple[str, ...] = ("16", "44", "45", "46")
    industrial_divisions: tuple[int, int] = (6, 46)
    protection_years: int = 3
    small_min_land_mu: float = 3.0
    tie_tolerance: float = 1e-9

    def indicators(self, cohort: str) -> tuple[Indicator, ...]:
        return self.above if cohort == ABOVE else self.below

    def validate(self) -> list[str]:
        """Problems that make a scheme unusable (empty list when fine)."""
        problems = []
        a, b, c = self.cutoffs
        if not 0 < a <= b <= c <= 1:
            problems.append("class cut-offs must satisfy 0 < A ≤ B ≤ C ≤ 1")
        for cohort in (ABOVE, BELOW):
            for ind in self.indicators(cohort):
                if ind.code not in CATALOGUE:
                    problems.append(f"unknown indicator {ind.code}")
                if ind.weight < 0:
                    problems.append(f"{ind.code}: weight must not be negative")
                if ind.cap is not None and ind.cap <= 0:
                    problems.append(f"{ind.code}: cap must be positive")
                if self.benchmark_mode == "fixed" and not self.fixed_benchmarks.get(cohort, {}).get(ind.code):
                    problems.append(f"{cohort}/{ind.code}: a fixed benchmark is required")
        if self.benchmark_mode not in BENCHMARK_MODES:
            problems.append(f"unknown benchmark mode {self.benchmark_mode}")
        for cohort in (ABOVE, BELOW):
            if not self.indicators(cohort) or sum(i.weight for i in self.indicators(cohort)) <= 0:
                problems.append(f"{cohort}: the indicators' weights must be set (their sum is 0)")
        if self.benchmark_multiplier <= 0:
            problems.append("the benchmark multiplier must be positive")
        return problems

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["cutoffs"] = list(self.cutoffs)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scheme:
        d = dict(d)
        for cohort in (ABOVE, BELOW):
            d[cohort] = tuple(Indicator(**i) for i in d.get(cohort, ()))
        for key in ("cutoffs", "vetoes", "downgrades", "exempt_divisions", "industrial_divisions"):
            if key in d:
                d[key] = tuple(d[key])
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


BENCHMARK_MODES = ("cohort_aggregate", "cohort_mean", "industry_aggregate", "fixed", "prev_year")

DEFAULT_SCHEME = Scheme(
    above=(
        Indicator("tax_per_mu", 30),
        Indicator("va_per_mu", 20),
        Indicator("va_per_energy", 20),
        Indicator("va_per_emission", 10),
        Indicator("labour_productivity", 10),
        Indicator("rd_ratio", 10),
    ),
    below=(Indicator("tax_per_mu", 50), Indicator("tax_per_kwh", 50)),
)


def _inds(*pairs, cap: float | None = 2.0) -> tuple[Indicator, ...]:
    return tuple(Indicator(code, weight, cap) for code, weight in pairs)


# The named profiles of specs/efficiency.md §8 (a year's scheme starts from one and can then be edited).
PROFILES: dict[str, Scheme] = {
    "default": DEFAULT_SCHEME,
    "changsha_etdz": DEFAULT_SCHEME,  # the default; Changsha's low-efficiency lines belong to the land module
    "zhejiang_huangyan": Scheme(  # S1: the published 2022 constants, no cap
        above=_inds(
            ("tax_per_mu", 30),
            ("va_per_mu", 20),
            ("va_per_energy", 20),
            ("va_per_emission", 10),
            ("labour_productivity", 10),
            ("rd_ratio", 10),
            cap=None,
        ),
        below=_inds(("tax_per_mu", 50), ("tax_per_kwh", 50), cap=None),
        benchmark_mode="fixed",
        fixed_benchmarks={
            ABOVE: {
                "tax_per_mu": 24.097,
                "va_per_mu": 136.16,
                "va_per_energy": 2.694,
                "va_per_emission": 4929.81,
                "labour_productivity": 18.14,
                "rd_ratio": 0.0302,
            },
            BELOW: {"tax_per_mu": 11.5932, "tax_per_kwh": 0.2352},
        },
    ),
    "jiangsu_huaian": Scheme(  # S21: 45/35/20, benchmark ≈ 2 × previous-year average, protection 2 years
        above=_inds(("tax_per_mu", 45), ("sales_per_mu", 35), ("tax_per_energy", 20)),
        below=_inds(("tax_per_mu", 45), ("sales_per_mu", 35), ("tax_per_energy", 20)),
        benchmark_mode="prev_year",
        benchmark_multiplier=2.0,
        protection_years=2,
    ),
    "s4_city": Scheme(  # S4: 45/20/15/15/5, 规下 by 亩均税收 only, cut-offs 0.25/0.70/0.95
        above=_inds(
            ("tax_per_mu", 45),
            ("sales_per_mu", 20),
            ("va_per_energy", 15),
            ("rd_ratio", 15),
            ("labour_productivity", 5),
        ),
        below=_inds(("tax_per_mu", 100)),
        cutoffs=(0.25, 0.70, 0.95),
    ),
    "hefei_htz": Scheme(  # S26: 35/25/10/10/10/10; 规下 60/40; 0.20/0.65/0.95; land ≥ 5 亩
        above=_inds(
            ("va_per_mu", 35),
            ("tax_per_mu", 25),
            ("profit_per_mu", 10),
            ("labour_productivity", 10),
            ("rd_ratio", 10),
            ("sales_per_energy", 10),
        ),
        below=_inds(("tax_per_mu", 60), ("sales_per_mu", 40)),
        cutoffs=(0.20, 0.65, 0.95),
        small_min_land_mu=5.0,
    ),
    "shandong": Scheme(  # S27: five indicators, 2 × previous year; the weights must be set by the user
        above=_inds(
            ("tax_per_mu", 0),
            ("sales_per_energy", 0),
            ("sales_per_emission", 0),
            ("rd_ratio", 0),
            ("labour_productivity", 0),
        ),
        below=_inds(("tax_per_mu", 0), ("sales_per_energy", 0)),
        benchmark_mode="prev_year",
        benchmark_multiplier=2.0,
    ),
}


# ---- inputs and outputs ----------------------------------------------------------------------------------
@dataclass
class Inputs:
    """One row per enterprise. Numbers are float arrays with NaN for missing; events are lists of names."""

    uscc: np.ndarray  # str
    division: np.ndarray  # str, "" when unknown
    established: np.ndarray  # datetime64[D], NaT when unknown
    is_above: np.ndarray  # bool
    numbers: dict[str, np.ndarray]  # INPUT_COLUMNS
    vetoes: list[list[str]]
    downgrades: list[list[str]]

    def __len__(self) -> int:
        return len(self.uscc)


@dataclass
class Result:
    status: np.ndarray
    cohort: np.ndarray
    values: dict[str, np.ndarray]  # indicator code -> value (NaN when it has no denominator or is not rated)
    scores: dict[str, np.ndarray]  # indicator code -> score (NaN when the cohort does not use it)
    mean_score_used: dict[str, np.ndarray]  # indicator code -> bool
    benchmarks: dict[str, dict[str, float]]  # cohort -> code -> benchmark
    total: np.ndarray  # NaN when not rated
    rank: np.ndarray  # 0 when not ranked
    score_class: np.ndarray  # "" / A..D before downgrades (vetoed: D)
    final_class: np.ndarray  # "" / A..D
    vetoed: np.ndarray
    downgraded: np.ndarray
    applied_vetoes: list[list[str]]
    applied_downgrades: list[list[str]]
    whatif: dict[
        str, np.ndarray
    ]  # code -> minimum value increase to reach the next class (NaN: not by this alone)
    whatif_score: np.ndarray  # the total-score increase needed (NaN when no next class)
    pool_size: dict[str, int]


def display(x: float | None, places: int = 2) -> Decimal | None:
    """Half-up rounding for display, after taking off float noise (so 10.005 shows as 10.01)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return Decimal(repr(round(float(x), 9))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# ---- the computation --------------------------------------------------------------------------------------
def statuses(inp: Inputs, scheme: Scheme, year: int) -> np.ndarray:
    div = np.array([int(d) if d.isdigit() else -1 for d in inp.division])
    lo, hi = scheme.industrial_divisions
    industrial = (div >= lo) & (div <= hi)
    exempt = np.isin(inp.division, list(scheme.exempt_divisions))
    cutoff = np.datetime64(f"{year - scheme.protection_years}-12-31")
    established = inp.established.astype("datetime64[D]")
    protected = ~np.isnat(established) & (established > cutoff)
    land = inp.numbers["land"]
    no_land = np.isnan(land) | (land <= 0)
    small = ~inp.is_above & (land < scheme.small_min_land_mu)
    return np.select(
        [~industrial, exempt, protected, no_land, small],
        [NOT_EVALUATED, EXEMPT, PROTECTED, DATA_INCOMPLETE, NOT_EVALUATED],
        default=RATED,
    ).astype(object)


def _column(inp: Inputs, name: str) -> np.ndarray:
    if name == "emissions":
        parts = np.vstack([inp.numbers[k] for k in ("cod", "nh3n", "so2", "nox")])
        total = np.nansum(parts, axis=0)
        return np.where(np.isnan(parts).all(axis=0), np.nan, total)
    return inp.numbers[name].astype(float)


def _benchmark(scheme: Scheme, cohort: str, ind: Indicator, num, den, has, rated, division) -> np.ndarray:
    """The benchmark for each row (a per-row array so that industry benchmarks fit the same code)."""
    n = len(num)
    use = rated & has
    mode = scheme.benchmark_mode
    if mode in ("fixed", "prev_year"):
        return np.full(n, float(scheme.fixed_benchmarks.get(cohort, {}).get(ind.code, 0.0)))
    if mode == "cohort_mean":
        vals = num[use] / den[use]
        b = float(vals.mean()) if len(vals) else 0.0
        return np.full(n, b * scheme.benchmark_multiplier)
    if mode == "industry_aggregate":
        codes, inv = np.unique(division, return_inverse=True)
        sn = np.bincount(inv, weights=np.where(use, num, 0.0), minlength=len(codes))
        sd = np.bincount(inv, weights=np.where(use, den, 0.0), minlength=len(codes))
        per = np.divide(sn, sd, out=np.zeros_like(sn), where=sd > 0)
        return per[inv] * scheme.benchmark_multiplier
    total = float(den[use].sum())
    b = float(num[use].sum()) / total if total > 0 else 0.0
    return np.full(n, b * scheme.benchmark_multiplier)


def _quota(n: int, cut: float) -> int:
    return math.floor(n * Fraction(str(cut)))


def evaluate(inp: Inputs, scheme: Scheme, year: int) -> Result:
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return _evaluate(inp, scheme, year)


def _evaluate(inp: Inputs, scheme: Scheme, year: int) -> Result:
    n = len(inp)
    status = statuses(inp, scheme, year)
    rated_all = status == RATED
    cohort = np.where(inp.is_above, ABOVE, BELOW).astype(object)
    veto_set, down_set = set(scheme.vetoes), set(scheme.downgrades)
    applied_v = [[e for e in ev if e in veto_set] if ev else ev for ev in inp.vetoes]
    applied_d = [[e for e in ev if e in down_set] if ev else ev for ev in inp.downgrades]
    vetoed = np.array([bool(v) for v in applied_v], dtype=bool) & rated_all
    downgraded = np.array([bool(d) for d in applied_d], dtype=bool) & rated_all & ~vetoed

    codes = list(dict.fromkeys(i.code for c in (ABOVE, BELOW) for i in scheme.indicators(c)))
    values = {c: np.full(n, np.nan) for c in codes}
    scores = {c: np.full(n, np.nan) for c in codes}
    mean_used = {c: np.zeros(n, dtype=bool) for c in codes}
    whatif = {c: np.full(n, np.nan) for c in codes}
    benchmarks: dict[str, dict[str, float]] = {ABOVE: {}, BELOW: {}}
    bench_rows: dict[str, np.ndarray] = {}
    total = np.full(n, np.nan)
    rank = np.zeros(n, dtype=np.int64)
    score_class = np.full(n, "", dtype=object)
    whatif_score = np.full(n, np.nan)
    pool_size = {}
    tax_per_mu = np.maximum(np.nan_to_num(_column(inp, "tax"), nan=0.0), 0) / np.where(
        inp.numbers["land"] > 0, inp.numbers["land"], np.nan
    )

    for coh in (ABOVE, BELOW):
        rated = rated_all & (cohort == coh)
        if not rated.any():
            pool_size[coh] = 0
            continue
        coh_total = np.zeros(n)
        inds = scheme.indicators(coh)
        for ind in inds:
            num = np.maximum(np.nan_to_num(_column(inp, ind.numerator), nan=0.0), 0.0)
            den = _column(inp, ind.denominator)
            has = ~np.isnan(den) & (den > 0)
            b = _benchmark(scheme, coh, ind, num, np.where(has, den, 0.0), has, rated, inp.division)
            value = np.divide(num, den, out=np.full(n, np.nan), where=has)
            ratio = np.divide(value, b, out=np.zeros(n), where=(b > 0) & np.isfinite(b) & has)
            ratio = np.nan_to_num(ratio, nan=0.0, posinf=np.inf)  # never a NaN score, whatever the data
            if ind.cap is not None:
                ratio = np.minimum(ratio, ind.cap)
            s = ind.weight * ratio
            with_den = rated & has
            mean = float(s[with_den].mean()) if with_den.any() else 0.0
            missing = rated & ~has
            s = np.where(missing, mean if ind.missing == "mean_score" else 0.0, s)
            values[ind.code] = np.where(rated, value, values[ind.code])
            scores[ind.code] = np.where(rated, s, scores[ind.code])
            mean_used[ind.code] |= missing & (ind.missing == "mean_score")
            coh_total += np.where(rated, s, 0.0)
            bench_rows[f"{coh}:{ind.code}"] = b
            if scheme.benchmark_mode != "industry_aggregate":
                benchmarks[coh][ind.code] = float(b[0]) if n else 0.0
        total = np.where(rated, coh_total, total)

        pool = np.flatnonzero(rated & ~vetoed)
        m = len(pool)
        pool_size[coh] = m
        if m:
            key_total = np.round(total[pool] / scheme.tie_tolerance) * scheme.tie_tolerance
            order = pool[
                np.lexsort((inp.uscc[pool], -np.nan_to_num(tax_per_mu[pool], nan=-np.inf), -key_total))
            ]
            r = np.arange(1, m + 1)
            rank[order] = r
            quotas = [_quota(m, c) for c in scheme.cutoffs]
            klass = np.select([r <= quotas[0], r <= quotas[1], r <= quotas[2]], [0, 1, 2], default=3)
            score_class[order] = np.array(CLASSES, dtype=object)[klass]
            # what-if: the total needed to enter the class above (others and benchmarks held as published)
            sorted_totals = total[order]
            target_quota = np.array([0, *quotas])[
                klass
            ]  # places in the class above (0 for A: no class above)
            possible = (klass > 0) & (target_quota > 0)
            needed = np.full(m, np.nan)
            needed[possible] = sorted_totals[target_quota[possible] - 1] - sorted_totals[possible]
            whatif_score[order] = needed
            for ind in inds:
                b = bench_rows[f"{coh}:{ind.code}"][order]
                cur = scores[ind.code][order]
                has = ~mean_used[ind.code][order]
                room = (ind.weight * ind.cap if ind.cap is not None else np.inf) - cur
                ok = possible & has & (b > 0) & (ind.weight > 0) & (needed <= room + 1e-12)
                inc = np.full(m, np.nan)
                inc[ok] = needed[ok] * b[ok] / ind.weight
                whatif[ind.code][order] = inc

    score_class[vetoed] = "D"
    final = score_class.copy()
    idx = np.flatnonzero(downgraded & (score_class != ""))
    final[idx] = np.array([CLASSES[min(CLASSES.index(c) + 1, 3)] for c in score_class[idx]], dtype=object)
    return Result(
        status=status,
        cohort=cohort,
        values=values,
        scores=scores,
        mean_score_used=mean_used,
        benchmarks=benchmarks,
        total=total,
        rank=rank,
        score_class=score_class,
        final_class=final,
        vetoed=vetoed,
        downgraded=downgraded,
        applied_vetoes=applied_v,
        applied_downgrades=applied_d,
        whatif=whatif,
        whatif_score=whatif_score,
        pool_size=pool_size,
    )


def explain(res: Result, scheme: Scheme, i: int) -> list[tuple[str, list[str]]]:
    """The 说明 of one row as codes with their items: ("veto", events), ("downgrade", events), ("mean_score",
    indicator codes). The caller words them (`services.explanation_text`)."""
    parts: list[tuple[str, list[str]]] = []
    if res.applied_vetoes[i] and res.vetoed[i]:
        parts.append(("veto", list(res.applied_vetoes[i])))
    if res.applied_downgrades[i] and res.downgraded[i]:
        parts.append(("downgrade", list(res.applied_downgrades[i])))
    means = [c for c, used in res.mean_score_used.items() if used[i]]
    if means:
        parts.append(("mean_score", means))
    return parts

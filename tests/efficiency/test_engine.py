"""The engine against the worked examples of specs/efficiency.md §7 and each rule of the default scheme."""

import dataclasses
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.efficiency.engine import (
    DEFAULT_SCHEME,
    Indicator,
    Scheme,
    display,
    evaluate,
    explain,
)
from tests.efficiency.helpers import make_inputs

Y = 2025


def row(uscc, **kw):
    base = {"uscc": uscc, "division": "35", "established": "2010-01-01", "above": True}
    return {**base, **kw}


# ---- §7.1: Zhejiang six indicators, fixed benchmarks, cap 2 ---------------------------------------------
EX1 = [  # land, tax, VA, employees, energy, emissions, R&D, revenue
    ("E1", 50, 1500, 6000, 250, 2000, 0.8, 600, 20000),
    ("E2", 100, 800, 5000, 400, 4000, 2.0, 300, 25000),
    ("E3", 20, 1400, 4000, 100, 500, 0.2, 900, 15000),
    ("E4", 40, 600, 3200, 160, 1600, 0.64, 270, 12000),
    ("E5", 80, 240, 2400, 200, 2400, 1.2, 0, 8000),
    ("E6", 30, 750, 3600, 150, 1200, 0.6, 540, 18000),
]
FIXED1 = {
    "tax_per_mu": 20,
    "va_per_mu": 100,
    "va_per_energy": 2.5,
    "va_per_emission": 5000,
    "labour_productivity": 20,
    "rd_ratio": 0.03,
}


def example1(cap=2.0, cutoffs=(0.20, 0.60, 0.95)):
    scheme = dataclasses.replace(
        DEFAULT_SCHEME,
        above=tuple(Indicator(i.code, i.weight, cap) for i in DEFAULT_SCHEME.above),
        benchmark_mode="fixed",
        fixed_benchmarks={"above": FIXED1},
        cutoffs=cutoffs,
    )
    rows = [
        row(f"9143{u}", land=mu, tax=t, va=v, employees=e, energy=en, cod=em, rd=rd, revenue=rev)
        for u, mu, t, v, e, en, em, rd, rev in EX1
    ]
    return evaluate(make_inputs(rows), scheme, Y)


def test_example_1_totals_ranks_and_classes():
    res = example1()
    assert [display(t) for t in res.total] == [
        Decimal(x) for x in ("130.00", "47.25", "200.00", "82.00", "28.50", "119.50")
    ]
    assert list(res.rank) == [2, 5, 1, 4, 6, 3]
    assert list(res.final_class) == ["B", "C", "A", "C", "D", "B"]
    assert display(res.scores["labour_productivity"][1]) == Decimal("6.25")


def test_example_1_without_cap_changes_only_e3():
    res = example1(cap=None)
    assert display(res.total[2]) == Decimal("289.00")
    assert list(res.final_class) == ["B", "C", "A", "C", "D", "B"]


def test_example_1_other_cutoffs_make_e4_b():
    assert list(example1(cutoffs=(0.25, 0.70, 0.95)).final_class) == ["B", "C", "A", "B", "D", "B"]


# ---- §7.2: S4 weights, cohort aggregate, cap 2, veto and downgrade -------------------------------------
def example2():
    scheme = dataclasses.replace(
        DEFAULT_SCHEME,
        above=(
            Indicator("tax_per_mu", 45),
            Indicator("sales_per_mu", 20),
            Indicator("va_per_energy", 15),
            Indicator("rd_ratio", 15),
            Indicator("labour_productivity", 5),
        ),
        cutoffs=(0.25, 0.70, 0.95),
    )
    data = [
        ("F1", 40, 800, 9000, 2400, 960, 360, 100),
        ("F2", 60, 600, 7200, 1800, 1200, 144, 120),
        ("F3", 20, 900, 7200, 2000, 400, 288, 50),
        ("F4", 50, 450, 3900, 1000, 800, 78, 80),
        ("F5", 30, 250, 2700, 800, 640, 30, 50),
    ]
    rows = [
        row(u, land=mu, tax=t, revenue=r, va=v, energy=e, rd=rd, employees=emp)
        for u, mu, t, r, v, e, rd, emp in data
    ]
    rows[0]["vetoes"] = ["较大及以上安全事故"]
    rows[1]["downgrades"] = ["环境行政处罚"]
    return evaluate(make_inputs(rows), scheme, Y)


def test_example_2_benchmarks_scores_and_classes():
    res = example2()
    assert res.benchmarks["above"] == pytest.approx(
        {
            "tax_per_mu": 15,
            "sales_per_mu": 150,
            "va_per_energy": 2.0,
            "rd_ratio": 0.03,
            "labour_productivity": 20,
        }
    )
    assert [display(t) for t in res.total] == [
        Decimal(x) for x in ("134.75", "71.00", "190.00", "59.90", "55.93")
    ]
    assert res.total[4] == pytest.approx(4027 / 72, abs=1e-12)
    assert list(res.rank) == [0, 2, 1, 3, 4]
    assert list(res.score_class) == ["D", "B", "A", "C", "D"]
    assert list(res.final_class) == ["D", "C", "A", "C", "D"]
    assert explain(res, DEFAULT_SCHEME, 0) == [
        ("veto", ["较大及以上安全事故"])
    ]  # codes; the service words them
    assert explain(res, DEFAULT_SCHEME, 1) == [("downgrade", ["环境行政处罚"])]


# ---- §7.3: below-scale with Huangyan's 2022 constants, no cap ---------------------------------------------
def test_example_3_below_scale_fixed_constants():
    scheme = dataclasses.replace(
        DEFAULT_SCHEME,
        below=(Indicator("tax_per_mu", 50, None), Indicator("tax_per_kwh", 50, None)),
        benchmark_mode="fixed",
        fixed_benchmarks={"below": {"tax_per_mu": 11.5932, "tax_per_kwh": 0.2352}},
    )
    rows = [
        row(u, above=False, land=mu, tax=t, electricity=e)
        for u, mu, t, e in [
            ("G1", 8, 120, 400),
            ("G2", 20, 100, 250),
            ("G3", 5, 10, 100),
            ("G4", 12, 240, 600),
        ]
    ]
    res = evaluate(make_inputs(rows), scheme, Y)
    assert [display(t) for t in res.total] == [Decimal(x) for x in ("128.47", "106.60", "29.88", "171.29")]
    assert [display(t, 6) for t in res.total] == [
        Decimal(x) for x in ("128.468606", "106.598379", "29.884250", "171.291475")
    ]
    assert list(res.final_class) == ["B", "C", "D", "B"]  # n = 4: no A place


# ---- the default scheme's rules, one hand-worked case each -------------------------------------------------
def full(uscc, **kw):
    base = {
        "land": 10,
        "tax": 100,
        "va": 400,
        "revenue": 2000,
        "employees": 20,
        "energy": 100,
        "cod": 1,
        "rd": 60,
    }
    return row(uscc, **{**base, **kw})


def test_status_order():
    rows = [
        full("S1", division="52"),  # 批发: outside 06-46 → 不参评
        full("S2", division="44"),  # 电力: exempt
        full("S3", division="16", established="2024-06-01"),  # exempt wins over protected
        full("S4", established="2023-01-01"),  # after 2022-12-31 → 暂缓
        full("S5", established="2022-12-31"),  # on the day: rated
        {**full("S6"), "land": 0},  # 数据不全
        {**full("S7", above=False), "land": 2.99},  # below-scale < 3 亩 → 不参评
        {**full("S8", above=False), "land": 3},  # rated
        {**full("S9"), "land": None},  # 数据不全
        full("S10", division=""),  # unknown industry → 不参评
    ]
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    assert list(res.status) == [
        "not_evaluated",
        "exempt",
        "exempt",
        "protected",
        "rated",
        "data_incomplete",
        "not_evaluated",
        "rated",
        "data_incomplete",
        "not_evaluated",
    ]
    # a cohort of one: p = 1/1 > 0.95 → D, exactly as the rule says
    assert list(res.final_class) == ["", "", "", "", "D", "", "", "D", "", ""]


def test_benchmark_is_cohort_aggregate_over_rated_with_denominator():
    rows = [
        full("A1"),
        {**full("A2"), "tax": 300, "land": 20, "energy": None},
        {**full("A3", established="2025-01-01"), "tax": 9999},
    ]  # protected: not in the benchmark
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    assert res.benchmarks["above"]["tax_per_mu"] == pytest.approx(400 / 30)
    assert res.benchmarks["above"]["va_per_energy"] == pytest.approx(400 / 100)  # A2 has no energy: left out


def test_negative_numerator_counts_as_zero_in_value_and_benchmark():
    rows = [full("N1"), {**full("N2"), "tax": -50}]
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    assert res.values["tax_per_mu"][1] == 0
    assert res.benchmarks["above"]["tax_per_mu"] == pytest.approx(100 / 20)


def test_missing_denominator_gets_the_mean_score_of_those_that_have_it():
    rows = [{**full("M1"), "energy": 50}, {**full("M2"), "energy": 200}, {**full("M3"), "energy": 0}]
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    # benchmark = (400 + 400) / (50 + 200) = 3.2 (M3's VA is left out with its missing energy)
    # M1: 8 / 3.2 = 2.5 → capped at 2 → 40; M2: 2 / 3.2 × 20 = 12.5; M3: mean (40 + 12.5) / 2 = 26.25
    assert res.benchmarks["above"]["va_per_energy"] == pytest.approx(3.2)
    assert list(res.scores["va_per_energy"]) == pytest.approx([40, 12.5, 26.25])
    assert list(res.mean_score_used["va_per_energy"]) == [False, False, True]
    assert ("mean_score", ["va_per_energy"]) in explain(res, DEFAULT_SCHEME, 2)


def test_emissions_are_the_sum_of_four_pollutants():
    rows = [{**full("P1"), "cod": 0.5, "nh3n": 0.1, "so2": 0.2, "nox": 0.2}, full("P2")]
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    assert res.values["va_per_emission"][0] == pytest.approx(400 / 1.0)


def test_zero_benchmark_gives_everyone_zero():
    rows = [{**full("Z1"), "rd": 0}, {**full("Z2"), "rd": 0}, {**full("Z3"), "rd": 0, "revenue": None}]
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    assert list(res.scores["rd_ratio"]) == [0, 0, 0]


def test_ties_break_on_tax_per_mu_then_uscc():
    a = {**full("T2"), "tax": 100, "land": 10}
    b = {**full("T1"), "tax": 100, "land": 10}
    res = evaluate(make_inputs([a, b]), DEFAULT_SCHEME, Y)
    assert list(res.rank) == [2, 1]  # identical totals and 亩均税收: USCC ascending


def test_float_noise_does_not_beat_the_tie_break():
    # equal exact totals reached through different indicators; the higher 亩均税收 must rank first
    scheme = dataclasses.replace(
        DEFAULT_SCHEME,
        above=(Indicator("tax_per_mu", 30, None), Indicator("va_per_mu", 20, None)),
        benchmark_mode="fixed",
        fixed_benchmarks={"above": {"tax_per_mu": 3, "va_per_mu": 3}},
    )
    x = row("X", land=1, tax=0.1 * 3, va=0.2 * 3)  # scores 3 + 4 ... arranged to tie at 7 with float noise
    y = row("Y", land=1, tax=0.1 * 3 + 0.2 * 3 * 20 / 30, va=0)
    res = evaluate(make_inputs([y, x]), scheme, Y)
    assert res.total[0] == pytest.approx(res.total[1])
    assert list(res.rank) == [1, 2]  # Y has the higher 亩均税收


def test_vetoed_are_d_and_not_ranked_downgrade_once_however_many():
    rows = [full(f"V{i}", tax=100 * (10 - i)) for i in range(10)]
    rows[0]["vetoes"] = ["数据造假"]
    rows[1]["downgrades"] = ["一般安全事故", "超能耗限额"]
    rows[9]["downgrades"] = ["环境行政处罚"]  # D stays D
    rows[2]["vetoes"] = ["不在名单里的事件"]  # unknown events do nothing
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    assert res.rank[0] == 0
    assert res.final_class[0] == "D"
    assert res.pool_size["above"] == 9
    assert (res.score_class[1], res.final_class[1]) == ("A", "B")
    assert res.final_class[9] == "D"
    assert res.final_class[2] == "B"


def test_cohorts_are_ranked_separately():
    rows = [full("C1"), full("C2", above=False), {**full("C3", above=False), "tax": 1}]
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    assert list(res.rank) == [1, 1, 2]
    assert np.isnan(res.scores["va_per_mu"][1])


def test_whatif_reaches_exactly_the_next_class():
    rows = [full(f"W{i}", tax=50 + 10 * i) for i in range(10)]
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    i = int(np.flatnonzero(res.final_class == "C")[0])
    inc = res.whatif["tax_per_mu"][i]
    assert inc > 0
    bumped = [dict(r) for r in rows]
    land = bumped[i]["land"]
    fixed = dataclasses.replace(
        DEFAULT_SCHEME, benchmark_mode="fixed", fixed_benchmarks={"above": res.benchmarks["above"]}
    )
    bumped[i]["tax"] += (inc + 1e-6) * land
    assert evaluate(make_inputs(bumped), fixed, Y).final_class[i] == "B"
    bumped[i]["tax"] -= 2e-3 * land
    assert evaluate(make_inputs(bumped), fixed, Y).final_class[i] == "C"


# ---- properties ---------------------------------------------------------------------------------------------
cohort_rows = st.lists(
    st.tuples(
        st.floats(1, 500),
        st.floats(-50, 5000),
        st.floats(0, 20000),
        st.floats(0, 3000),
        st.one_of(st.none(), st.just(0.0), st.floats(0.001, 5000)),
        st.integers(1, 500),
    ),
    min_size=1,
    max_size=40,
)


def _rows(data):
    return [
        row(f"U{i:03d}", land=mu, tax=t, va=v, revenue=r, energy=e, employees=emp, rd=r * 0.02, cod=1)
        for i, (mu, t, v, r, e, emp) in enumerate(data)
    ]


@settings(max_examples=60, deadline=None)
@given(cohort_rows, st.randoms())
def test_permuting_rows_changes_nothing(data, rnd):
    rows = _rows(data)
    res = evaluate(make_inputs(rows), DEFAULT_SCHEME, Y)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    res2 = evaluate(make_inputs([rows[p] for p in perm]), DEFAULT_SCHEME, Y)
    assert list(res2.final_class) == [res.final_class[p] for p in perm]
    assert list(res2.rank) == [res.rank[p] for p in perm]
    np.testing.assert_allclose(res2.total, res.total[perm], rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(cohort_rows)
def test_classes_follow_rank_order(data):
    res = evaluate(make_inputs(_rows(data)), DEFAULT_SCHEME, Y)
    ranked = sorted((r, c) for r, c in zip(res.rank, res.score_class, strict=True) if r)
    assert [c for _r, c in ranked] == sorted(c for _r, c in ranked)
    totals = [res.total[i] for i in np.argsort(res.rank) if res.rank[i]]
    assert all(a >= b - 1e-9 for a, b in zip(totals, totals[1:], strict=False))


@settings(max_examples=60, deadline=None)
@given(cohort_rows, st.integers(0, 39), st.floats(0, 1000))
def test_a_higher_value_never_lowers_a_score(data, who, extra):
    rows = _rows(data)
    who %= len(rows)
    fixed = dataclasses.replace(
        DEFAULT_SCHEME,
        benchmark_mode="fixed",
        fixed_benchmarks={
            "above": {
                k: 10.0
                for k in (
                    "tax_per_mu",
                    "va_per_mu",
                    "va_per_energy",
                    "va_per_emission",
                    "labour_productivity",
                    "rd_ratio",
                )
            }
        },
    )
    before = evaluate(make_inputs(rows), fixed, Y)
    rows[who]["tax"] = max(rows[who]["tax"], 0) + extra
    after = evaluate(make_inputs(rows), fixed, Y)
    assert after.scores["tax_per_mu"][who] >= before.scores["tax_per_mu"][who] - 1e-12
    assert after.total[who] >= before.total[who] - 1e-9


def test_scheme_round_trips_through_its_snapshot():
    assert Scheme.from_dict(DEFAULT_SCHEME.to_dict()) == DEFAULT_SCHEME
    assert DEFAULT_SCHEME.validate() == []


def test_the_explanation_is_worded_at_the_edge_in_the_interface_language():
    from django.utils import translation

    from parkos.efficiency.services import explanation_text

    parts = [("veto", ["违法用地"]), ("mean_score", ["va_per_energy", "tax_per_mu"])]
    with translation.override("zh-hans"):
        assert explanation_text(parts) == "一票否决：违法用地；按平均得分计：单位能耗增加值、亩均税收"
    with translation.override("en"):
        assert explanation_text([("downgrade", ["超能耗限额"])]) == "Downgraded: 超能耗限额"

"""Eligibility rules as data: validation refuses anything outside the format (no rule text is ever executed), the
plain-Chinese description, three-valued evaluation over columns (checked against a row-by-row reference), the
explanation per condition (met / not met / data missing), and support formulas."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.policies import engine

RD_RULE = {
    "all": [
        {"field": "is_high_tech", "op": "eq", "value": True},
        {"field": "rd_expense", "op": "gte", "value": 500},
    ]
}
RD_SUPPORT = {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50}


def table(**cols):
    """Columns by field name (year offset 0); None marks missing data."""
    n = len(next(iter(cols.values())))
    values, missing = {}, {}
    for name, vals in cols.items():
        miss = np.array([v is None for v in vals])
        kind = engine.FIELDS[name].kind
        if kind == "number":
            col = np.array([0.0 if v is None else float(v) for v in vals])
        elif kind == "bool":
            col = np.array([bool(v) for v in vals])
        else:
            col = np.array(["" if v is None else v for v in vals], dtype=object)
        values[(name, 0)], missing[(name, 0)] = col, miss
    return engine.Table(n=n, values=values, missing=missing)


def test_rd_subsidy_met_not_met_and_missing_explained():
    t = table(is_high_tech=[True, True, False, True], rd_expense=[800, 300, 900, None])
    assert engine.evaluate(RD_RULE, t).tolist() == [
        engine.MET,
        engine.NOT_MET,
        engine.NOT_MET,
        engine.UNKNOWN,
    ]
    assert engine.support_amount(RD_SUPPORT, t)[:3].tolist() == [50.0, 30.0, 50.0]  # 10 %, capped at 50 万元
    assert np.isnan(engine.support_amount(RD_SUPPORT, t)[3])
    met = engine.explain(RD_RULE, t, 0, year=2025)
    assert [(c["text"], c["status"], c["actual"]) for c in met] == [
        ("是高新技术企业", "met", "是"),
        ("2025年研发经费不低于500万元", "met", "800万元"),
    ]
    assert [(c["status"], c["actual"]) for c in engine.explain(RD_RULE, t, 1, 2025)] == [
        ("met", "是"),
        ("not_met", "300万元"),
    ]
    missing = engine.explain(RD_RULE, t, 3, 2025)
    assert (missing[1]["status"], missing[1]["actual"], missing[1]["missing"]) == (
        "missing",
        None,
        "2025年研发经费",
    )


def test_three_valued_logic():
    t = table(is_high_tech=[True, False, None], is_above_scale=[None, None, None])
    any_rule = {
        "any": [
            {"field": "is_high_tech", "op": "eq", "value": True},
            {"field": "is_above_scale", "op": "eq", "value": True},
        ]
    }
    # True or unknown = True; False or unknown = unknown; unknown or unknown = unknown
    assert engine.evaluate(any_rule, t).tolist() == [engine.MET, engine.UNKNOWN, engine.UNKNOWN]
    all_rule = {"all": any_rule["any"]}
    t2 = table(is_high_tech=[False, True], is_above_scale=[None, None])
    assert engine.evaluate(all_rule, t2).tolist() == [engine.NOT_MET, engine.UNKNOWN]
    assert engine.evaluate({"not": {"field": "is_high_tech", "op": "eq", "value": True}}, t).tolist() == [
        0,
        1,
        -1,
    ]


def test_description_in_plain_chinese():
    rule = {
        "all": [
            {"field": "srdi_level", "op": "in", "value": ["province", "little_giant"]},
            {
                "any": [
                    {"field": "revenue_growth", "op": "gte", "value": 15},
                    {"field": "park", "op": "in", "value": ["XS", "LK"]},
                ]
            },
            {"field": "age_years", "op": "between", "value": [1, 10]},
        ]
    }
    engine.validate(rule)
    assert engine.describe(rule, 2025) == (
        "专精特新属于省级专精特新、国家级专精特新“小巨人”，且（2025年营业收入增长率不低于15%，或所在片区属于XS、LK），"
        "且成立年限介于1年与10年之间"
    )
    assert engine.describe_support(RD_SUPPORT, 2025) == "按2025年研发经费的10%给予支持，最高50万元"
    assert engine.describe_support({"type": "fixed", "amount": 20}) == "奖励20万元"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("__import__('os').system('rm -rf /')", "应为一个条件对象"),
        ({"field": "__class__", "op": "eq", "value": 1}, "未知字段"),
        ({"field": "rd_expense", "op": "eval", "value": 1}, "不支持运算"),
        ({"field": "rd_expense", "op": "gte", "value": "1+1"}, "不符合运算"),
        ({"field": "is_high_tech", "op": "eq", "value": "True"}, "不符合运算"),
        ({"field": "srdi_level", "op": "eq", "value": "gold"}, "没有取值"),
        ({"all": []}, "非空的条件列表"),
        ({"all": [{"field": "is_high_tech", "op": "eq", "value": True}], "lambda": 1}, "不能有其他键"),
        ({"field": "is_high_tech", "op": "eq", "value": True, "code": "x"}, "未知的键"),
        ({"field": "park", "op": "eq", "value": "XS", "year": -1}, "年度指标"),
        ({"field": "revenue", "op": "between", "value": [10, 1]}, "不符合运算"),
    ],
)
def test_validation_refuses_what_is_not_the_format(rule, message):
    with pytest.raises(engine.RuleError, match=message):
        engine.validate(rule)


def test_support_validation():
    engine.validate_support(RD_SUPPORT)
    engine.validate_support({"type": "fixed", "amount": 20})
    for bad in [
        {"type": "python", "code": "1"},
        {"type": "fixed", "amount": -1},
        {"type": "rate", "field": "park", "rate": 0.1},
        {"type": "rate", "field": "rd_expense", "rate": 0},
    ]:
        with pytest.raises(engine.RuleError):
            engine.validate_support(bad)


# ---- property: the column evaluation equals a row-by-row reference ------------------------------------------------
LEAVES = st.one_of(
    st.builds(lambda v: {"field": "is_high_tech", "op": "eq", "value": v}, st.booleans()),
    st.builds(lambda op, v: {"field": "revenue", "op": op, "value": v}, st.sampled_from(["gt", "gte", "lt", "lte", "eq", "ne"]), st.integers(0, 10)),
    st.builds(lambda vs: {"field": "srdi_level", "op": "in", "value": vs}, st.lists(st.sampled_from(["", "province", "little_giant"]), min_size=1, unique=True)),
)  # fmt: skip
RULES = st.recursive(LEAVES, lambda kids: st.one_of(
    st.builds(lambda xs: {"all": xs}, st.lists(kids, min_size=1, max_size=3)),
    st.builds(lambda xs: {"any": xs}, st.lists(kids, min_size=1, max_size=3)),
    st.builds(lambda x: {"not": x}, kids),
), max_leaves=6)  # fmt: skip


def reference(rule, row):
    """One enterprise, the textbook way: None is unknown."""
    if "all" in rule:
        vals = [reference(p, row) for p in rule["all"]]
        return False if False in vals else None if None in vals else True
    if "any" in rule:
        vals = [reference(p, row) for p in rule["any"]]
        return True if True in vals else None if None in vals else False
    if "not" in rule:
        v = reference(rule["not"], row)
        return None if v is None else not v
    x = row[rule["field"]]
    if x is None:
        return None
    v = rule["value"]
    return {
        "eq": x == v,
        "ne": x != v,
        "gt": x > v if not isinstance(v, list) else None,
        "gte": x >= v if not isinstance(v, list) else None,
        "lt": x < v if not isinstance(v, list) else None,
        "lte": x <= v if not isinstance(v, list) else None,
        "in": x in v if isinstance(v, list) else None,
    }[rule["op"]]


ROWS = st.lists(st.fixed_dictionaries({
    "is_high_tech": st.one_of(st.none(), st.booleans()), "revenue": st.one_of(st.none(), st.integers(0, 10)),
    "srdi_level": st.one_of(st.none(), st.sampled_from(["", "province", "little_giant"])),
}), min_size=1, max_size=30)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(rule=RULES, rows=ROWS)
def test_column_evaluation_equals_the_row_by_row_reference(rule, rows):
    engine.validate(rule)
    t = table(**{k: [r[k] for r in rows] for k in rows[0]})
    got = engine.evaluate(rule, t).tolist()
    want = [{True: engine.MET, False: engine.NOT_MET, None: engine.UNKNOWN}[reference(rule, r)] for r in rows]
    assert got == want


def test_rate_support_of_a_loss_is_zero_not_negative():
    """10 % of a profit of −300 万元 is no support (0.00), not −30; 10 % of 800 is 80, capped at 50; missing stays
    missing."""
    t = table(total_profit=[-300, 800, None, 0])
    got = engine.support_amount({"type": "rate", "field": "total_profit", "rate": 0.1, "cap": 50}, t)
    assert got[:2].tolist() == [0.0, 50.0]
    assert np.isnan(got[2])
    assert got[3] == 0.0


@given(st.lists(st.one_of(st.none(), st.floats(-1e7, 1e7)), min_size=1, max_size=40))
@settings(max_examples=60, deadline=None)
def test_rate_support_is_never_negative_and_never_above_the_cap(values):
    t = table(total_profit=values)
    got = engine.support_amount({"type": "rate", "field": "total_profit", "rate": 0.25, "cap": 100}, t)
    known = got[~np.isnan(got)]
    assert (known >= 0).all()
    assert (known <= 100).all()
    assert np.isnan(got).tolist() == [v is None for v in values]


def test_the_rule_builder_offers_only_what_the_engine_accepts():
    """Every field of the builder's vocabulary with each operator it offers for that field's kind, a value of
    the right shape and each year offset makes a rule `validate` accepts — and the words are Chinese."""
    from parkos.policies.engine import OPS_BY_KIND, validate, vocabulary

    v = vocabulary()
    assert v["words"]["all"] == "以下全部条件"
    labels = {f["key"]: f["label"] for f in v["fields"]}
    assert labels["is_high_tech"] == "高新技术企业"
    for f in v["fields"]:
        assert {op for op, _w in v["ops"][f["kind"]]} == OPS_BY_KIND[f["kind"]]
        for op, word in v["ops"][f["kind"]]:
            assert word
            assert not word.isascii()
            if f["kind"] == "bool":
                value = True
            elif f["kind"] == "number":
                value = [1, 2] if op == "between" else 5
            elif f["kind"] == "choice":
                first = f["choices"][0][0]
                value = [first] if op in {"in", "not_in"} else first
            else:
                value = ["x"] if op in {"in", "not_in"} else "x"
            for year, _w in v["years"] if f["yearly"] else [(0, "")]:
                leaf = {"field": f["key"], "op": op, "value": value, **({"year": year} if year else {})}
                validate({"all": [leaf]})

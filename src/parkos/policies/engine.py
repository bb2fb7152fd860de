"""Eligibility rules as data, evaluated over columns, explained in plain Chinese. No user text is ever executed:
a rule is JSON made of the combinators {"all": [...]}, {"any": [...]}, {"not": rule} and leaves
{"field": F, "op": OP, "value": V[, "year": -1]} over the fields of `FIELDS` with the operators of `OPS`.

Evaluation is three-valued (Kleene): a leaf is met, not met, or unknown when its data is missing; "all" is not met
as soon as one part is not met, unknown when a part is unknown and none fails; "any" is met as soon as one part is
met; "not" swaps met and not met. An enterprise is eligible when the clause's rule is met, "to check" when it is
unknown (and the explanation says which data is missing), not eligible otherwise.

Support: {"type": "fixed", "amount": A} or {"type": "rate", "field": F, "rate": R, "cap": C[, "year": -1]}
(R × the field, at most C, in 万元).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MET, NOT_MET, UNKNOWN = 1, 0, -1


class RuleError(ValueError):
    """A rule that does not follow the format; the message says where, in Chinese."""


@dataclass(frozen=True)
class Field:
    label: str
    kind: str  # bool, number, choice, text
    unit: str = ""
    yearly: bool = False  # indicator of a year (the match year plus the leaf's "year" offset)
    choices: dict[str, str] = field(default_factory=dict)


FIELDS: dict[str, Field] = {
    "is_above_scale": Field("规上企业", "bool"),
    "is_high_tech": Field("高新技术企业", "bool"),
    "srdi_level": Field("专精特新", "choice", choices={"": "无", "province": "省级专精特新", "little_giant": "国家级专精特新“小巨人”"}),
    "top500_kind": Field("三类500强", "choice", choices={"": "否", "fortune_global": "世界500强", "china": "中国500强", "china_private": "中国民营500强"}),
    "is_foreign_funded": Field("外资企业", "bool"),
    "is_listing_reserve": Field("上市后备企业", "bool"),
    "is_headquarters": Field("总部企业", "bool"),
    "industry_code": Field("行业代码", "text"),
    "park": Field("所在片区", "text"),
    "age_years": Field("成立年限", "number", "年"),
    "revenue": Field("营业收入", "number", "万元", yearly=True),
    "gross_output": Field("工业总产值", "number", "万元", yearly=True),
    "value_added": Field("工业增加值", "number", "万元", yearly=True),
    "tax_paid": Field("实缴税金", "number", "万元", yearly=True),
    "total_profit": Field("利润总额", "number", "万元", yearly=True),
    "rd_expense": Field("研发经费", "number", "万元", yearly=True),
    "employees": Field("职工人数", "number", "人", yearly=True),
    "rd_intensity": Field("研发投入强度", "number", "%", yearly=True),
    "revenue_growth": Field("营业收入增长率", "number", "%", yearly=True),
    "efficiency_class": Field("亩均效益评价类别", "choice", yearly=True, choices={"A": "A类", "B": "B类", "C": "C类", "D": "D类"}),
}  # fmt: skip

OPS = {
    "eq": "为", "ne": "不为", "gt": "大于", "gte": "不低于", "lt": "小于", "lte": "不高于", "in": "属于", "not_in": "不属于",
    "between": "介于", "prefix": "以…开头",
}  # fmt: skip
OPS_BY_KIND = {
    "bool": {"eq", "ne"},
    "number": {"eq", "ne", "gt", "gte", "lt", "lte", "between"},
    "choice": {"eq", "ne", "in", "not_in"},
    "text": {"eq", "ne", "in", "not_in", "prefix"},
}


# ---- validation and description -----------------------------------------------------------------------------
def validate(rule: Any, path: str = "规则") -> None:
    """Raise RuleError unless `rule` follows the format exactly (unknown keys are errors too)."""
    if not isinstance(rule, dict) or not rule:
        raise RuleError(f"{path}：应为一个条件对象")
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        if set(rule) != {key} or not isinstance(rule[key], list) or not rule[key]:
            raise RuleError(f"{path}：“{key}”应为非空的条件列表，且不能有其他键")
        for i, part in enumerate(rule[key], start=1):
            validate(part, f"{path}第{i}项")
        return
    if "not" in rule:
        if set(rule) != {"not"}:
            raise RuleError(f"{path}：“not”不能有其他键")
        validate(rule["not"], f"{path}（否定）")
        return
    extra = set(rule) - {"field", "op", "value", "year"}
    if extra:
        raise RuleError(f"{path}：未知的键 {', '.join(sorted(extra))}")
    f = FIELDS.get(rule.get("field"))
    if f is None:
        raise RuleError(f"{path}：未知字段“{rule.get('field')}”")
    op = rule.get("op")
    if op not in OPS_BY_KIND[f.kind]:
        raise RuleError(f"{path}：{f.label}不支持运算“{op}”")
    v = rule.get("value")
    if op in {"in", "not_in"}:
        ok = isinstance(v, list) and v and all(isinstance(x, str) for x in v)
    elif op == "between":
        ok = isinstance(v, list) and len(v) == 2 and all(_is_num(x) for x in v) and v[0] <= v[1]
    elif f.kind == "bool":
        ok = isinstance(v, bool)
    elif f.kind == "number":
        ok = _is_num(v)
    else:
        ok = isinstance(v, str)
    if not ok:
        raise RuleError(f"{path}：{f.label}的取值“{v}”不符合运算“{OPS[op]}”")
    if f.kind == "choice":
        for x in v if isinstance(v, list) else [v]:
            if x not in f.choices:
                raise RuleError(f"{path}：{f.label}没有取值“{x}”")
    if "year" in rule and (not f.yearly or not isinstance(rule["year"], int) or not -5 <= rule["year"] <= 0):
        raise RuleError(f"{path}：只有年度指标可以指定年份偏移（0 到 -5）")


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and np.isfinite(x)


def _value_text(f: Field, v: Any) -> str:
    if isinstance(v, list):
        return "、".join(_value_text(f, x) for x in v)
    if f.kind == "bool":
        return "是" if v else "否"
    if f.kind == "choice":
        return f.choices.get(v, str(v))
    if f.kind == "number":
        return f"{round(float(v), 2):g}{f.unit}"
    return str(v)


def field_label(leaf: dict, year: int | None = None) -> str:
    f = FIELDS[leaf["field"]]
    if not f.yearly:
        return f.label
    off = leaf.get("year", 0)
    if year is not None:
        return f"{year + off}年{f.label}"
    return f.label if not off else f"{-off}年前的{f.label}"


def describe_leaf(leaf: dict, year: int | None = None) -> str:
    f, op, v = FIELDS[leaf["field"]], leaf["op"], leaf["value"]
    label = field_label(leaf, year)
    if op == "between":
        return f"{label}介于{_value_text(f, v[0])}与{_value_text(f, v[1])}之间"
    if op == "prefix":
        return f"{label}以“{v}”开头"
    if f.kind == "bool" and op == "eq":
        return f"是{f.label}" if v else f"不是{f.label}"
    return f"{label}{OPS[op]}{_value_text(f, v)}"


def describe(rule: dict, year: int | None = None) -> str:
    """The rule in plain Chinese."""
    if "all" in rule:
        return "，且".join(_wrap(describe(p, year), p) for p in rule["all"])
    if "any" in rule:
        return "，或".join(_wrap(describe(p, year), p) for p in rule["any"])
    if "not" in rule:
        return f"并非（{describe(rule['not'], year)}）"
    return describe_leaf(rule, year)


def _wrap(text: str, part: dict) -> str:
    return f"（{text}）" if "all" in part or "any" in part else text


def leaves(rule: dict) -> list[dict]:
    if "all" in rule or "any" in rule:
        return [x for p in rule.get("all", rule.get("any", [])) for x in leaves(p)]
    if "not" in rule:
        return leaves(rule["not"])
    return [rule]


def columns_needed(rules: list[dict], supports: list[dict] | None = None) -> set[tuple[str, int]]:
    """(field, year offset) pairs the rules and supports read."""
    need = {(leaf["field"], leaf.get("year", 0)) for r in rules for leaf in leaves(r)}
    for s in supports or []:
        if s.get("type") == "rate":
            need.add((s["field"], s.get("year", 0)))
    return need


# ---- evaluation over columns --------------------------------------------------------------------------------
@dataclass
class Table:
    """Columns of n enterprises: values[(field, year offset)] and a missing mask for each."""

    n: int
    values: dict[tuple[str, int], np.ndarray]
    missing: dict[tuple[str, int], np.ndarray]

    def column(self, name: str, off: int = 0) -> tuple[np.ndarray, np.ndarray]:
        key = (name, off)
        if key not in self.values:
            return np.zeros(self.n), np.ones(self.n, dtype=bool)
        return self.values[key], self.missing[key]


def leaf_status(leaf: dict, t: Table) -> np.ndarray:
    """MET / NOT_MET / UNKNOWN per enterprise."""
    op, v = leaf["op"], leaf["value"]
    col, miss = t.column(leaf["field"], leaf.get("year", 0))
    if op == "eq":
        ok = col == v
    elif op == "ne":
        ok = col != v
    elif op in {"gt", "gte", "lt", "lte"}:
        x = col.astype(float)
        with np.errstate(invalid="ignore"):
            ok = {"gt": x > v, "gte": x >= v, "lt": x < v, "lte": x <= v}[op]
    elif op == "between":
        x = col.astype(float)
        with np.errstate(invalid="ignore"):
            ok = (x >= v[0]) & (x <= v[1])
    elif op in {"in", "not_in"}:
        ok = np.isin(col.astype(str), v)
        ok = ok if op == "in" else ~ok
    elif op == "prefix":
        ok = np.char.startswith(col.astype(str), v)
    else:  # validate() refuses anything else
        raise RuleError(f"未知运算“{op}”")
    return np.where(miss, UNKNOWN, np.where(np.asarray(ok, dtype=bool), MET, NOT_MET)).astype(np.int8)


def evaluate(rule: dict, t: Table) -> np.ndarray:
    """MET / NOT_MET / UNKNOWN per enterprise (three-valued)."""
    if "all" in rule or "any" in rule:
        parts = np.stack([evaluate(p, t) for p in rule.get("all", rule.get("any", []))])
        if "all" in rule:
            return np.where(
                (parts == NOT_MET).any(0), NOT_MET, np.where((parts == UNKNOWN).any(0), UNKNOWN, MET)
            ).astype(np.int8)
        return np.where(
            (parts == MET).any(0), MET, np.where((parts == UNKNOWN).any(0), UNKNOWN, NOT_MET)
        ).astype(np.int8)
    if "not" in rule:
        s = evaluate(rule["not"], t)
        return np.where(s == UNKNOWN, UNKNOWN, 1 - s).astype(np.int8)
    return leaf_status(rule, t)


def support_amount(support: dict | None, t: Table) -> np.ndarray:
    """万元 per enterprise (NaN when the data the formula needs is missing)."""
    if not support:
        return np.full(t.n, np.nan)
    if support.get("type") == "fixed":
        return np.full(t.n, float(support["amount"]))
    if support.get("type") == "rate":
        col, miss = t.column(support["field"], support.get("year", 0))
        amount = col.astype(float) * float(support["rate"])
        if support.get("cap") is not None:
            amount = np.minimum(amount, float(support["cap"]))
        return np.where(miss, np.nan, np.round(amount, 2))
    raise RuleError("扶持方式应为 fixed 或 rate")


def validate_support(support: Any) -> None:
    if support in (None, {}):
        return
    if not isinstance(support, dict) or support.get("type") not in {"fixed", "rate"}:
        raise RuleError('扶持方式：应为 {"type": "fixed", "amount": 金额} 或 {"type": "rate", ...}')
    if support["type"] == "fixed":
        if set(support) != {"type", "amount"} or not _is_num(support["amount"]) or support["amount"] < 0:
            raise RuleError("固定金额扶持：amount 应为不小于 0 的数")
        return
    extra = set(support) - {"type", "field", "rate", "cap", "year"}
    f = FIELDS.get(support.get("field"))
    if extra or f is None or f.kind != "number" or not _is_num(support.get("rate")) or support["rate"] <= 0:
        raise RuleError("按比例扶持：需要数值字段 field、比例 rate（大于 0），可选上限 cap")
    if support.get("cap") is not None and (not _is_num(support["cap"]) or support["cap"] < 0):
        raise RuleError("按比例扶持：上限 cap 应为不小于 0 的数")


def describe_support(support: dict | None, year: int | None = None) -> str:
    if not support:
        return "按申报审核确定"
    if support["type"] == "fixed":
        return f"奖励{support['amount']:g}万元"
    label = field_label({"field": support["field"], "year": support.get("year", 0)}, year)
    cap = f"，最高{support['cap']:g}万元" if support.get("cap") is not None else ""
    return f"按{label}的{support['rate'] * 100:g}%给予支持{cap}"


# ---- explanation --------------------------------------------------------------------------------------------
def explain(rule: dict, t: Table, i: int, year: int | None = None) -> list[dict[str, Any]]:
    """Each leaf of the rule for enterprise i: its text, the enterprise's value, and met / not met / missing."""
    out = []
    for leaf in leaves(rule):
        s = int(leaf_status(leaf, t)[i])
        col, miss = t.column(leaf["field"], leaf.get("year", 0))
        f = FIELDS[leaf["field"]]
        actual = None if miss[i] else _value_text(f, col[i].item() if hasattr(col[i], "item") else col[i])
        out.append({
            "text": describe_leaf(leaf, year), "status": {MET: "met", NOT_MET: "not_met", UNKNOWN: "missing"}[s],
            "actual": actual, "missing": field_label(leaf, year) if s == UNKNOWN else "",
        })  # fmt: skip
    return out

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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import pgettext_lazy

from parkos.core import registries

MET, NOT_MET, UNKNOWN = 1, 0, -1


class RuleError(ValueError):
    """A rule that does not follow the format; the message says where, in the user's language."""


def _t(msg: Any, **kw: Any) -> str:
    """A rule-vocabulary message (marked with context "rule", so that short words never collide with other apps'),
    formatted."""
    text = str(msg)
    return text % {k: str(v) for k, v in kw.items()} if kw else text


@dataclass(frozen=True)
class Field:
    label: Any  # lazily translated
    kind: str  # bool, number, choice, text
    unit: Any = ""
    yearly: bool = False  # indicator of a year (the match year plus the leaf's "year" offset)
    choices: dict[str, Any] = field(default_factory=dict)


_WAN, _YEARS, _PEOPLE = (
    pgettext_lazy("rule", "10k yuan"),
    pgettext_lazy("rule", "years"),
    pgettext_lazy("rule", "persons"),
)
_BUILTIN: dict[str, Field] = {
    "is_above_scale": Field(pgettext_lazy("rule", "above-scale enterprise"), "bool"),
    "is_high_tech": Field(pgettext_lazy("rule", "high-tech enterprise"), "bool"),
    "srdi_level": Field(pgettext_lazy("rule", "SRDI"), "choice", choices={"": pgettext_lazy("rule", "none"), "province": pgettext_lazy("rule", "provincial SRDI"), "little_giant": pgettext_lazy("rule", "national SRDI little giant")}),
    "top500_kind": Field(pgettext_lazy("rule", "top-500"), "choice", choices={"": pgettext_lazy("rule", "no"), "fortune_global": pgettext_lazy("rule", "Fortune Global 500"), "china": pgettext_lazy("rule", "China top 500"), "china_private": pgettext_lazy("rule", "China private top 500")}),
    "is_foreign_funded": Field(pgettext_lazy("rule", "foreign-funded enterprise"), "bool"),
    "is_listing_reserve": Field(pgettext_lazy("rule", "listing reserve enterprise"), "bool"),
    "is_headquarters": Field(pgettext_lazy("rule", "headquarters enterprise"), "bool"),
    "industry_code": Field(pgettext_lazy("rule", "industry code"), "text"),
    "park": Field(pgettext_lazy("rule", "park"), "text"),
    "age_years": Field(pgettext_lazy("rule", "age"), "number", _YEARS),
    "revenue": Field(pgettext_lazy("rule", "operating revenue"), "number", _WAN, yearly=True),
    "gross_output": Field(pgettext_lazy("rule", "gross industrial output"), "number", _WAN, yearly=True),
    "value_added": Field(pgettext_lazy("rule", "industrial value added"), "number", _WAN, yearly=True),
    "tax_paid": Field(pgettext_lazy("rule", "taxes paid"), "number", _WAN, yearly=True),
    "total_profit": Field(pgettext_lazy("rule", "total profit"), "number", _WAN, yearly=True),
    "rd_expense": Field(pgettext_lazy("rule", "R&D expenditure"), "number", _WAN, yearly=True),
    "employees": Field(pgettext_lazy("rule", "employees"), "number", _PEOPLE, yearly=True),
    "rd_intensity": Field(pgettext_lazy("rule", "R&D intensity"), "number", "%", yearly=True),
    "revenue_growth": Field(pgettext_lazy("rule", "revenue growth"), "number", "%", yearly=True),
}  # fmt: skip
BUILTIN_FIELDS = frozenset(_BUILTIN)


class _Fields(Mapping):
    """The registry's own fields plus those other apps register as rule fields (亩均 class, credit class, …)."""

    def _registered(self) -> dict[str, Field]:
        return {
            f.key: Field(f.label, f.kind, f.unit, f.yearly, dict(f.choices))
            for f in registries.rule_fields
            if f.key not in _BUILTIN
        }

    def __getitem__(self, key: str) -> Field:
        if key in _BUILTIN:
            return _BUILTIN[key]
        f = registries.rule_fields.get(key)
        if f is None:
            raise KeyError(key)
        return Field(f.label, f.kind, f.unit, f.yearly, dict(f.choices))

    def __iter__(self):
        return iter({**_BUILTIN, **self._registered()})

    def __len__(self) -> int:
        return len(_BUILTIN) + len(self._registered())


FIELDS: Mapping[str, Field] = _Fields()

OPS = {
    "eq": pgettext_lazy("rule", "is"), "ne": pgettext_lazy("rule", "is not"), "gt": pgettext_lazy("rule", "above"), "gte": pgettext_lazy("rule", "at least"), "lt": pgettext_lazy("rule", "below"), "lte": pgettext_lazy("rule", "at most"),
    "in": pgettext_lazy("rule", "among"), "not_in": pgettext_lazy("rule", "not among"), "between": pgettext_lazy("rule", "between"), "prefix": pgettext_lazy("rule", "starts with"),
}  # fmt: skip
OPS_BY_KIND = {
    "bool": {"eq", "ne"},
    "number": {"eq", "ne", "gt", "gte", "lt", "lte", "between"},
    "choice": {"eq", "ne", "in", "not_in"},
    "text": {"eq", "ne", "in", "not_in", "prefix"},
}


# ---- validation and description -----------------------------------------------------------------------------
def validate(rule: Any, path: str | None = None) -> None:
    """Raise RuleError unless `rule` follows the format exactly (unknown keys are errors too)."""
    path = path or _t(pgettext_lazy("rule", "the rule"))
    if not isinstance(rule, dict) or not rule:
        raise RuleError(_t(pgettext_lazy("rule", "%(path)s: should be a condition object"), path=path))
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        if set(rule) != {key} or not isinstance(rule[key], list) or not rule[key]:
            raise RuleError(
                _t(
                    pgettext_lazy(
                        "rule",
                        "%(path)s: “%(key)s” should be a non-empty list of conditions, with no other keys",
                    ),
                    path=path,
                    key=key,
                )
            )
        for i, part in enumerate(rule[key], start=1):
            validate(part, _t(pgettext_lazy("rule", "%(path)s, item %(n)s"), path=path, n=i))
        return
    if "not" in rule:
        if set(rule) != {"not"}:
            raise RuleError(_t(pgettext_lazy("rule", "%(path)s: “not” takes no other keys"), path=path))
        validate(rule["not"], _t(pgettext_lazy("rule", "%(path)s (negated)"), path=path))
        return
    extra = set(rule) - {"field", "op", "value", "year"}
    if extra:
        raise RuleError(
            _t(
                pgettext_lazy("rule", "%(path)s: unknown keys %(keys)s"),
                path=path,
                keys=", ".join(sorted(extra)),
            )
        )
    f = FIELDS.get(str(rule.get("field")))
    if f is None:
        raise RuleError(
            _t(
                pgettext_lazy("rule", "%(path)s: unknown field “%(field)s”"),
                path=path,
                field=rule.get("field"),
            )
        )
    op = rule.get("op")
    if op not in OPS_BY_KIND[f.kind]:
        raise RuleError(
            _t(
                pgettext_lazy("rule", "%(path)s: %(label)s does not take the operator “%(op)s”"),
                path=path,
                label=f.label,
                op=op,
            )
        )
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
        raise RuleError(
            _t(
                pgettext_lazy(
                    "rule", "%(path)s: the value “%(value)s” of %(label)s does not fit the operator “%(op)s”"
                ),
                path=path,
                value=v,
                label=f.label,
                op=OPS[op],
            )
        )
    if f.kind == "choice":
        for x in v if isinstance(v, list) else [v]:
            if x not in f.choices:
                raise RuleError(
                    _t(
                        pgettext_lazy("rule", "%(path)s: %(label)s has no value “%(value)s”"),
                        path=path,
                        label=f.label,
                        value=x,
                    )
                )
    if "year" in rule and (not f.yearly or not isinstance(rule["year"], int) or not -5 <= rule["year"] <= 0):
        raise RuleError(
            _t(
                pgettext_lazy("rule", "%(path)s: only yearly indicators take a year offset (0 to -5)"),
                path=path,
            )
        )


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and np.isfinite(x)


def _value_text(f: Field, v: Any) -> str:
    if isinstance(v, list):
        return _t(pgettext_lazy("rule", ", ")).join(_value_text(f, x) for x in v)
    if f.kind == "bool":
        return _t(pgettext_lazy("rule", "yes")) if v else _t(pgettext_lazy("rule", "no"))
    if f.kind == "choice":
        return str(f.choices.get(v, v))
    if f.kind == "number":
        return _t(
            pgettext_lazy("rule", "%(number)s %(unit)s"), number=f"{round(float(v), 2):g}", unit=f.unit
        ).strip()
    return str(v)


def field_label(leaf: dict, year: int | None = None) -> str:
    f = FIELDS[leaf["field"]]
    if not f.yearly:
        return str(f.label)
    off = leaf.get("year", 0)
    if year is not None:
        return _t(pgettext_lazy("rule", "%(label)s of %(year)s"), year=year + off, label=f.label)
    return (
        str(f.label)
        if not off
        else _t(pgettext_lazy("rule", "%(label)s %(n)s years earlier"), n=-off, label=f.label)
    )


def describe_leaf(leaf: dict, year: int | None = None) -> str:
    f, op, v = FIELDS[leaf["field"]], leaf["op"], leaf["value"]
    label = field_label(leaf, year)
    if op == "between":
        return _t(
            pgettext_lazy("rule", "%(label)s between %(low)s and %(high)s"),
            label=label,
            low=_value_text(f, v[0]),
            high=_value_text(f, v[1]),
        )
    if op == "prefix":
        return _t(pgettext_lazy("rule", "%(label)s starts with “%(value)s”"), label=label, value=v)
    if f.kind == "bool" and op == "eq":
        return (
            _t(pgettext_lazy("rule", "is a %(label)s"), label=f.label)
            if v
            else _t(pgettext_lazy("rule", "is not a %(label)s"), label=f.label)
        )
    return _t(
        pgettext_lazy("rule", "%(label)s %(op)s %(value)s"), label=label, op=OPS[op], value=_value_text(f, v)
    )


def describe(rule: dict, year: int | None = None) -> str:
    """The rule in plain language (Chinese by default)."""
    if "all" in rule:
        return _t(pgettext_lazy("rule", ", and ")).join(_wrap(describe(p, year), p) for p in rule["all"])
    if "any" in rule:
        return _t(pgettext_lazy("rule", ", or ")).join(_wrap(describe(p, year), p) for p in rule["any"])
    if "not" in rule:
        return _t(pgettext_lazy("rule", "not (%(rule)s)"), rule=describe(rule["not"], year))
    return describe_leaf(rule, year)


def _wrap(text: str, part: dict) -> str:
    return _t(pgettext_lazy("rule", "(%(text)s)"), text=text) if "all" in part or "any" in part else text


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

    def converted(self, name: str, off: int, kind: type) -> np.ndarray:
        """A column as floats or strings, converted once per table (200 clauses test the same columns)."""
        cache = self.__dict__.setdefault("_converted", {})
        key = (name, off, kind)
        if key not in cache:
            cache[key] = self.column(name, off)[0].astype(kind)
        return cache[key]


def leaf_status(leaf: dict, t: Table) -> np.ndarray:
    """MET / NOT_MET / UNKNOWN per enterprise."""
    op, v = leaf["op"], leaf["value"]
    col, miss = t.column(leaf["field"], leaf.get("year", 0))
    if op == "eq":
        ok = col == v
    elif op == "ne":
        ok = col != v
    elif op in {"gt", "gte", "lt", "lte"}:
        x = t.converted(leaf["field"], leaf.get("year", 0), float)
        with np.errstate(invalid="ignore"):
            ok = {"gt": x > v, "gte": x >= v, "lt": x < v, "lte": x <= v}[op]
    elif op == "between":
        x = t.converted(leaf["field"], leaf.get("year", 0), float)
        with np.errstate(invalid="ignore"):
            ok = (x >= v[0]) & (x <= v[1])
    elif op in {"in", "not_in"}:
        ok = np.isin(t.converted(leaf["field"], leaf.get("year", 0), str), v)
        ok = ok if op == "in" else ~ok
    elif op == "prefix":
        ok = np.char.startswith(t.converted(leaf["field"], leaf.get("year", 0), str), v)
    else:  # validate() refuses anything else
        raise RuleError(_t(pgettext_lazy("rule", "unknown operator “%(op)s”"), op=op))
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
        # a rate of a negative base (a loss on a profit-based clause) supports nothing, never a negative sum
        amount = np.maximum(col.astype(float) * float(support["rate"]), 0.0)
        if support.get("cap") is not None:
            amount = np.minimum(amount, float(support["cap"]))
        return np.where(miss, np.nan, np.round(amount, 2))
    raise RuleError(_t(pgettext_lazy("rule", "the support type is fixed or rate")))


def validate_support(support: Any) -> None:
    if support in (None, {}):
        return
    if not isinstance(support, dict) or support.get("type") not in {"fixed", "rate"}:
        raise RuleError(
            _t(pgettext_lazy("rule", 'support: {"type": "fixed", "amount": A} or {"type": "rate", …}'))
        )
    if support["type"] == "fixed":
        if set(support) != {"type", "amount"} or not _is_num(support["amount"]) or support["amount"] < 0:
            raise RuleError(_t(pgettext_lazy("rule", "fixed support: amount is a number not below 0")))
        return
    extra = set(support) - {"type", "field", "rate", "cap", "year"}
    f = FIELDS.get(str(support.get("field")))
    if extra or f is None or f.kind != "number" or not _is_num(support.get("rate")) or support["rate"] <= 0:
        raise RuleError(
            _t(pgettext_lazy("rule", "rate support: a numeric field, a rate above 0 and optionally a cap"))
        )
    if support.get("cap") is not None and (not _is_num(support["cap"]) or support["cap"] < 0):
        raise RuleError(_t(pgettext_lazy("rule", "rate support: the cap is a number not below 0")))


def describe_support(support: dict | None, year: int | None = None) -> str:
    if not support:
        return _t(pgettext_lazy("rule", "set on review of the application"))
    if support["type"] == "fixed":
        return _t(pgettext_lazy("rule", "a grant of %(amount)s × 10k yuan"), amount=f"{support['amount']:g}")
    label = field_label({"field": support["field"], "year": support.get("year", 0)}, year)
    cap = (
        _t(pgettext_lazy("rule", ", at most %(cap)s × 10k yuan"), cap=f"{support['cap']:g}")
        if support.get("cap") is not None
        else ""
    )
    return _t(
        pgettext_lazy("rule", "%(rate)s%% of %(label)s%(cap)s"),
        rate=f"{support['rate'] * 100:g}",
        label=label,
        cap=cap,
    )


# ---- explanation --------------------------------------------------------------------------------------------
def explain(rule: dict, t: Table, i: int, year: int | None = None) -> list[dict[str, Any]]:
    """Each leaf of the rule for enterprise i: its text, the enterprise's value, and met / not met / missing."""
    out = []
    for leaf in leaves(rule):
        s = int(leaf_status(leaf, t)[i])
        col, miss = t.column(leaf["field"], leaf.get("year", 0))
        f = FIELDS[leaf["field"]]
        actual = None if miss[i] else _value_text(f, col[i].item() if hasattr(col[i], "item") else col[i])
        out.append(
            {
                "text": describe_leaf(leaf, year),
                "status": {MET: "met", NOT_MET: "not_met", UNKNOWN: "missing"}[s],
                "actual": actual,
                "missing": field_label(leaf, year) if s == UNKNOWN else "",
            }
        )
    return out


def vocabulary() -> dict[str, Any]:
    """What the rule builder offers, in the user's language: each field with its kind, unit, whether it is yearly
    and its choices; the operators each kind takes, in words; the year offsets. The builder writes the same JSON
    `validate` checks, so nothing it offers can make a rule the engine refuses."""
    return {
        "fields": [
            {
                "key": key,
                "label": str(f.label),
                "kind": f.kind,
                "unit": str(f.unit),
                "yearly": f.yearly,
                "choices": [[k, str(v)] for k, v in f.choices.items()],
            }
            for key, f in FIELDS.items()
        ],
        "ops": {kind: [[op, str(OPS[op])] for op in OPS if op in ops] for kind, ops in OPS_BY_KIND.items()},
        "years": [[0, _t(pgettext_lazy("rule", "the year matched"))]]
        + [[-n, _t(pgettext_lazy("rule", "%(n)s years earlier"), n=n)] for n in range(1, 6)],
        "words": {
            "all": _t(pgettext_lazy("rule", "all of these")),
            "any": _t(pgettext_lazy("rule", "any of these")),
            "yes": _t(pgettext_lazy("rule", "yes")),
            "no": _t(pgettext_lazy("rule", "no")),
            "add": _t(pgettext_lazy("rule", "Add a condition")),
            "remove": _t(pgettext_lazy("rule", "Remove")),
            "match": _t(pgettext_lazy("rule", "An enterprise qualifies when it meets")),
            "and": _t(pgettext_lazy("rule", "to")),
            "several": _t(pgettext_lazy("rule", "separate several values with 、")),
            "complex": _t(
                pgettext_lazy(
                    "rule",
                    "This rule has nested groups; edit it as JSON below (the description shows what it says).",
                )
            ),
        },
    }

"""The results workbook: one row per enterprise, headers as in issue #3."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from parkos.core.excel import Column, Schema

from . import engine
from .models import COHORT_LABELS, STATUS_LABELS, EvaluationResult, EvaluationRun

PERCENT = {"rd_ratio"}  # shown as a percentage (2 decimals) in the workbook and pages


def indicator_codes(scheme: engine.Scheme) -> list[str]:
    return list(dict.fromkeys(i.code for c in (engine.ABOVE, engine.BELOW) for i in scheme.indicators(c)))


def value_header(code: str) -> str:
    name = engine.CATALOGUE[code][0]
    return f"{name}(%)" if code in PERCENT else name


def shown(code: str, v: float | None):
    if v is None:
        return None
    d = engine.display(v * 100 if code in PERCENT else v)
    return float(d) if d is not None else None


def results_schema(scheme: engine.Scheme) -> Schema:
    codes = indicator_codes(scheme)
    cols = [
        Column("uscc", "统一社会信用代码", width=22),
        Column("name", "企业名称", width=30),
        Column("status", "评价状态"),
        Column("cohort", "规模"),
    ]
    cols += [Column(f"v:{c}", value_header(c)) for c in codes]
    cols += [Column(f"s:{c}", f"{engine.CATALOGUE[c][0]}得分") for c in codes]
    cols += [
        Column("total", "总分"),
        Column("rank", "排名"),
        Column("class", "等级"),
        Column("note", "说明", width=40),
    ]
    return Schema(kind="evaluation-results", title="亩均效益评价结果", columns=cols)


def result_records(run: EvaluationRun, results: Iterable[EvaluationResult]) -> Iterable[dict[str, Any]]:
    scheme = engine.Scheme.from_dict(run.scheme)
    codes = indicator_codes(scheme)
    for r in results:
        detail = r.detail(codes)
        rec: dict[str, Any] = {
            "uscc": r.enterprise.uscc,
            "name": r.enterprise.name,
            "status": str(STATUS_LABELS[r.status]),
            "cohort": str(COHORT_LABELS[r.cohort]),
            "total": shown("", r.total) if r.total is not None else None,
            "rank": r.rank,
            "class": r.final_class,
            "note": r.note,
        }
        for c in codes:
            rec[f"v:{c}"] = shown(c, detail["values"].get(c))
            rec[f"s:{c}"] = shown("", detail["scores"].get(c))
        yield rec

"""亩均评价数据表: the yearly feed from the tax, statistics, land, energy and environment bureaus.

One row per enterprise and year with exactly the headers of issue #3. It writes into the registry: the
enterprise (created from the row when new), that year's annual indicators, and the evaluation input
(cohort, land figure, veto and downgrade events). Validation and the error report are the registry's.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from parkos.core.bulk import bulk_insert, bulk_write, changed_fields, ids_by_key, in_chunks
from parkos.core.excel import (
    CellError,
    Column,
    ParsedSheet,
    RowError,
    Schema,
    boolean,
    date_cell,
    decimal_parser,
    integer_parser,
    text,
    uscc,
    year_cell,
)
from parkos.core.imports import Importer, register
from parkos.enterprises.imports import industry_cell
from parkos.enterprises.models import AnnualIndicator, Enterprise

from .engine import DOWNGRADE_EVENTS, VETO_EVENTS
from .models import EvaluationInput

money = decimal_parser(2)
signed_money = decimal_parser(2, minimum=None)
amount = decimal_parser(3)
_SPLIT = re.compile(r"[；;]")


def _events(allowed: tuple[str, ...]):
    def parse(v: Any) -> list[str]:
        names = [p.strip() for p in _SPLIT.split(text(v)) if p.strip()]
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise CellError(
                _("unknown event “%(name)s”; allowed: %(allowed)s")
                % {"name": unknown[0], "allowed": "、".join(allowed)}
            )
        return list(dict.fromkeys(names))

    return parse


EVALUATION_SCHEMA = Schema(
    kind="evaluation-data",
    title="亩均评价数据表",
    columns=[
        Column("uscc", "统一社会信用代码", uscc, required=True, aliases=("信用代码", "USCC"), width=22),
        Column("name", "企业名称", text, required=True, width=30),
        Column("year", "年度", year_cell, required=True),
        Column("is_above_scale", "是否规上", boolean, required=True),
        Column("industry_code", "行业代码", industry_cell, required=True),
        Column("established_on", "成立日期", date_cell),
        Column("land_mu", "用地面积(亩)", money),
        Column("tax_paid", "实缴税金(万元)", signed_money),
        Column("value_added", "工业增加值(万元)", signed_money),
        Column("revenue", "营业收入(万元)", money),
        Column("employees", "年平均职工人数", integer_parser()),
        Column("energy_tce", "综合能耗(吨标准煤)", amount),
        Column("electricity_10k_kwh", "用电量(万千瓦时)", amount),
        Column("rd_expense", "研发经费支出(万元)", money),
        Column("cod_t", "化学需氧量(吨)", amount),
        Column("ammonia_n_t", "氨氮(吨)", amount),
        Column("so2_t", "二氧化硫(吨)", amount),
        Column("nox_t", "氮氧化物(吨)", amount),
        Column("vetoes", "否决事项", _events(VETO_EVENTS), fmt=lambda v: "；".join(v)),
        Column("downgrades", "降档事项", _events(DOWNGRADE_EVENTS), fmt=lambda v: "；".join(v)),
    ],
)
INDICATOR_FIELDS = [
    "tax_paid",
    "value_added",
    "revenue",
    "employees",
    "energy_tce",
    "electricity_10k_kwh",
    "rd_expense",
    "cod_t",
    "ammonia_n_t",
    "so2_t",
    "nox_t",
]
INPUT_FIELDS = ["is_above_scale", "land_mu", "vetoes", "downgrades"]


class EvaluationDataImporter(Importer):
    schema = EVALUATION_SCHEMA

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, int]:
        h = sheet.headers
        self.duplicates(sheet, ("uscc", "year"), h["year"])
        usccs = {r["uscc"] for r in sheet.rows if r.get("uscc")}
        found = ids_by_key(usccs, Enterprise.objects.all())
        allowed = ids_by_key(set(found), Enterprise.objects.restrict(user, "change"))
        for r in sheet.rows:
            u = r.get("uscc")
            if u and u in found and u not in allowed:
                sheet.errors.append(RowError(r["_row"], h["uscc"], _("you may not change this enterprise")))
        return allowed

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        ids: dict[str, int] = dict(ctx)
        # 1. enterprises: new ones are created from their latest row; known ones get the bureaus' identity data
        latest: dict[str, dict] = {}
        for r in rows:
            if r["uscc"] not in latest or r["year"] >= latest[r["uscc"]]["year"]:
                latest[r["uscc"]] = r
        new = [u for u in latest if u not in ids]
        own_dept = None if user.is_zone_wide else user.department_id
        created_ids = bulk_insert(
            Enterprise,
            [
                {
                    "uscc": u,
                    "name": latest[u]["name"],
                    "industry_code": latest[u]["industry_code"],
                    "industry_division": latest[u]["industry_code"][:2],
                    "established_on": latest[u].get("established_on"),
                    "is_above_scale": latest[u]["is_above_scale"],
                    "owner_id": own_dept,
                }
                for u in new
            ],
            user=user,
        )
        ids.update(zip(new, created_ids, strict=True))
        updates, changed = [], set()
        for ent in in_chunks(Enterprise.objects.all(), "uscc", [u for u in latest if u not in new]):
            r = latest[ent.uscc]
            data = {"industry_code": r["industry_code"], "industry_division": r["industry_code"][:2]}
            if r.get("established_on"):
                data["established_on"] = r["established_on"]
            if r["name"] != ent.name:
                data["name"] = r["name"]
                data["former_names"] = "；".join(x for x in [ent.former_names, ent.name] if x)
            diff = changed_fields(ent, data, list(data))
            if diff:
                for f in diff:
                    setattr(ent, f, data[f])
                ent.version += 1
                changed.update(diff)
                updates.append(ent)
        bulk_write(Enterprise, [], updates, sorted(changed), user=user, progress=progress)

        # 2. that year's indicators and evaluation input, upserted by (enterprise, year)
        for r in rows:
            r["enterprise_id"] = ids[r["uscc"]]
            r["vetoes"] = r.get("vetoes") or []
            r["downgrades"] = r.get("downgrades") or []
        years = {r["year"] for r in rows}
        created = updated = 0
        for model, fields in ((AnnualIndicator, INDICATOR_FIELDS), (EvaluationInput, INPUT_FIELDS)):
            existing = {
                (o.enterprise_id, o.year): o
                for o in in_chunks(model.objects.filter(year__in=years), "enterprise_id", set(ids.values()))
            }
            creates, ups, ch = [], [], set()
            for r in rows:
                obj = existing.get((r["enterprise_id"], r["year"]))
                if obj is None:
                    creates.append(
                        {
                            "enterprise_id": r["enterprise_id"],
                            "year": r["year"],
                            **{f: r.get(f) for f in fields},
                        }
                    )
                    continue
                diff = changed_fields(obj, {f: r.get(f) for f in fields}, fields)
                if diff:
                    for f in diff:
                        setattr(obj, f, r.get(f))
                    obj.version += 1
                    ch.update(diff)
                    ups.append(obj)
            bulk_write(model, creates, ups, sorted(ch), user=user, progress=progress)
            if model is AnnualIndicator:
                created, updated = len(creates), len(ups)
        return created, updated

    def records(self, *, user):
        qs = EvaluationInput.objects.restrict(user, "export").order_by("enterprise__uscc", "year")
        annual = {
            (a["enterprise_id"], a["year"]): a
            for a in AnnualIndicator.objects.restrict(user, "export").values(
                "enterprise_id", "year", *INDICATOR_FIELDS
            )
        }
        for e in qs.values(
            "enterprise_id",
            "year",
            *INPUT_FIELDS,
            "enterprise__uscc",
            "enterprise__name",
            "enterprise__industry_code",
            "enterprise__established_on",
        ).iterator(chunk_size=5000):
            a = annual.get((e["enterprise_id"], e["year"]), {})
            yield {
                "uscc": e["enterprise__uscc"],
                "name": e["enterprise__name"],
                "year": e["year"],
                "is_above_scale": e["is_above_scale"],
                "industry_code": e["enterprise__industry_code"],
                "established_on": e["enterprise__established_on"],
                "land_mu": e["land_mu"],
                **{f: a.get(f) for f in INDICATOR_FIELDS},
                "vetoes": e["vetoes"],
                "downgrades": e["downgrades"],
            }


register(EvaluationDataImporter())

"""Chain spreadsheets in: target companies per node (招商目标清单) and supply relations (配套采购), each validated
as a whole before anything is written."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from parkos.core.bulk import bulk_insert_objects
from parkos.core.excel import (
    Column,
    ParsedSheet,
    RowError,
    Schema,
    boolean,
    decimal_parser,
    text,
    uscc,
    year_cell,
)
from parkos.core.imports import Importer, register
from parkos.enterprises.models import Enterprise

from .models import Node, SupplyRelation, Target


def _nodes() -> dict[str, Node]:
    out = {}
    for n in Node.objects.select_related("chain"):
        out[f"{n.chain.name}/{n.name}"] = n
        out[f"{n.chain.name} · {n.name}"] = n
    return out


def _node_of(sheet: ParsedSheet, r: dict[str, Any], nodes: dict[str, Node]) -> None:
    label = (r.get("node") or "").replace("／", "/").replace(" / ", "/")
    r["node"] = nodes.get(label)
    if r["node"] is None:
        sheet.errors.append(
            RowError(
                r["_row"], sheet.headers["node"], _("no chain node “%(v)s” (write chain/node)") % {"v": label}
            )
        )


TARGETS_SCHEMA = Schema(
    kind="chain-targets",
    title="产业链招商目标",
    columns=[
        Column("node", "产业链节点", text, required=True, help="产业链/节点", width=24),
        Column("name", "企业名称", text, required=True, width=30),
        Column("uscc", "统一社会信用代码", uscc, width=22),
        Column("region", "所在地区", text),
        Column("is_foreign", "外资", boolean),
        Column("is_headquarters", "总部", boolean),
        Column("notes", "备注", text, width=40),
    ],
)


class TargetImporter(Importer):
    schema = TARGETS_SCHEMA
    permission = "change"

    def check(self, sheet: ParsedSheet, *, user) -> None:
        nodes = _nodes()
        for r in sheet.rows:
            _node_of(sheet, r, nodes)
        self.duplicates(sheet, ("node", "name"), sheet.headers["name"])
        existing = set(Target.objects.values_list("node_id", "name"))
        for r in sheet.rows:
            if r.get("node") and (r["node"].pk, r["name"]) in existing:
                sheet.errors.append(
                    RowError(r["_row"], sheet.headers["name"], _("already a target of this node"))
                )

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        objs = [
            Target(
                node=r["node"],
                name=r["name"],
                uscc=r.get("uscc") or "",
                region=r.get("region") or "",
                is_foreign=bool(r.get("is_foreign")),
                is_headquarters=bool(r.get("is_headquarters")),
                notes=r.get("notes") or "",
                created_by=user,
            )
            for r in rows
        ]
        bulk_insert_objects(objs, user=user)
        return len(objs), 0


SUPPLY_SCHEMA = Schema(
    kind="chain-supply",
    title="产业链配套采购",
    columns=[
        Column("node", "产业链节点", text, required=True, help="产业链/节点", width=24),
        Column("buyer", "采购方统一社会信用代码", uscc, required=True, width=22),
        Column("supplier_uscc", "供应商统一社会信用代码", uscc, width=22, help="区内企业填写"),
        Column("supplier_name", "供应商名称", text, width=30),
        Column("supplier_region", "供应商所在地", text),
        Column("year", "年度", year_cell, required=True),
        Column("amount", "采购金额(万元)", decimal_parser(2), required=True),
    ],
)


class SupplyImporter(Importer):
    schema = SUPPLY_SCHEMA
    permission = "change"

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, int]:
        nodes = _nodes()
        codes = {r.get("buyer") for r in sheet.rows} | {r.get("supplier_uscc") for r in sheet.rows}
        ids = dict(Enterprise.objects.filter(uscc__in=codes - {None}).values_list("uscc", "pk"))
        h = sheet.headers
        for r in sheet.rows:
            _node_of(sheet, r, nodes)
            if r.get("buyer") and r["buyer"] not in ids:
                sheet.errors.append(
                    RowError(r["_row"], h["buyer"], _("no enterprise with this USCC in the registry"))
                )
            if r.get("supplier_uscc") and r["supplier_uscc"] not in ids:
                sheet.errors.append(
                    RowError(r["_row"], h["supplier_uscc"], _("no enterprise with this USCC in the registry"))
                )
            if not r.get("supplier_uscc") and not r.get("supplier_name"):
                sheet.errors.append(
                    RowError(r["_row"], h.get("supplier_name", "供应商名称"), _("name the supplier"))
                )
        return ids

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        objs = [
            SupplyRelation(
                node=r["node"],
                buyer_id=ctx[r["buyer"]],
                supplier_id=ctx.get(r.get("supplier_uscc")),
                supplier_name=r.get("supplier_name") or "",
                supplier_region=r.get("supplier_region") or "",
                year=r["year"],
                amount=r["amount"],
            )
            for r in rows
        ]
        bulk_insert_objects(objs, user=user)
        return len(objs), 0


register(TargetImporter())
register(SupplyImporter())

"""线索台账: the teams' lead spreadsheets in and out. A row with 线索编号 updates that lead; a row without enters a
new one after the duplicate check of the whole file (rows naming the same investor as an earlier row, or as an
open lead of the same team, are errors; a match with another team's open lead enters the lead and puts the
conflict before the joint meeting)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.bulk import bulk_insert_objects
from parkos.core.excel import (
    Column,
    ParsedSheet,
    RowError,
    Schema,
    boolean,
    choice_parser,
    date_cell,
    decimal_parser,
    integer_parser,
    text,
    uscc,
)
from parkos.core.imports import Importer, register
from parkos.core.models import User, audited
from parkos.enterprises.models import Top500Kind

from . import engine
from .models import HqLevel, Lead, Share, Source, Stage, StageChange, State, Team, is_coordinator
from .services import conflict_open, find_matches, normaliser

money = decimal_parser(2)


def _node_label(node) -> str:
    return f"{node.chain.name}/{node.name}"


LEADS_SCHEMA = Schema(
    kind="investment-leads",
    title="招商线索台账",
    columns=[
        Column("id", "线索编号", integer_parser(minimum=1), help="留空为新线索"),
        Column(
            "investor_name",
            "企业名称",
            text,
            required=True,
            aliases=("投资方", "投资方名称", "客商名称"),
            width=30,
        ),
        Column("uscc", "统一社会信用代码", uscc, width=22),
        Column("title", "项目名称", text, required=True, aliases=("项目", "项目意向"), width=30),
        Column("amount", "计划投资(万元)", money),
        Column("amount_usd", "计划投资(万美元)", money),
        Column("top500_list", "三类500强", choice_parser(Top500Kind.choices)),
        Column("foreign_country", "外资国别", text),
        Column("hq_level", "总部级别", choice_parser(HqLevel.choices)),
        Column("is_central_soe", "央企/中字号", boolean),
        Column("is_industry_leader", "行业龙头", boolean),
        Column("node", "产业链节点", text, help="产业链/节点", width=24),
        Column("source", "来源", choice_parser(Source.choices)),
        Column("agency", "中介机构", text),
        Column("team", "招商小分队", text, required=True, aliases=("小分队", "招商组")),
        Column("officer", "负责人", text),
        Column("next_step", "下一步", text, width=30),
        Column("next_step_on", "下一步日期", date_cell, fmt=lambda d: d.isoformat()),
        Column("stage", "阶段", text, help="导出用，导入时不改变阶段"),
        Column("entered_on", "录入日期", date_cell, fmt=lambda d: d.isoformat(), help="导出用"),
    ],
)
FIELDS = [
    "investor_name", "uscc", "title", "amount", "amount_usd", "top500_list", "foreign_country", "hq_level",
    "is_central_soe", "is_industry_leader", "source", "agency", "next_step", "next_step_on",
]  # fmt: skip


class LeadImporter(Importer):
    schema = LEADS_SCHEMA
    permission = "change"

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, Any]:
        from parkos.chains import public as chains

        h = sheet.headers
        coordinator = is_coordinator(user)
        teams = {t.code: t for t in Team.objects.all()} | {t.name: t for t in Team.objects.all()}
        mine = set(Team.objects.filter(members=user).values_list("pk", flat=True))
        users = {u.username: u for u in User.objects.filter(is_active=True)}
        users |= {u.display_name: u for u in users.values() if u.display_name}
        nodes = chains.nodes_by_label(_node_label)
        nodes |= {k.replace("/", " · "): n for k, n in nodes.items()}
        ids = [r["id"] for r in sheet.rows if r.get("id")]
        changeable = set(
            Lead.objects.restrict(user, "change").filter(pk__in=ids).values_list("pk", flat=True)
        )
        for r in sheet.rows:
            row = r["_row"]
            t = teams.get(r.get("team") or "")
            if t is None:
                sheet.errors.append(RowError(row, h["team"], _("no team “%(v)s”") % {"v": r.get("team")}))
            elif not coordinator and t.pk not in mine:
                sheet.errors.append(RowError(row, h["team"], _("you may only enter leads for your own team")))
            r["team"] = t
            if r.get("officer"):
                r["officer"] = users.get(r["officer"])
                if r["officer"] is None:
                    sheet.errors.append(RowError(row, h["officer"], _("no such user")))
            if r.get("node"):
                label = r["node"]
                r["node"] = nodes.get(label.replace("／", "/").replace(" / ", "/"))
                if r["node"] is None:
                    sheet.errors.append(
                        RowError(row, h["node"], _("no chain node “%(v)s” (write chain/node)") % {"v": label})
                    )
            if r.get("id") and r["id"] not in changeable:
                sheet.errors.append(RowError(row, h["id"], _("no lead with this number that you may change")))
        new = [r for r in sheet.rows if not r.get("id")]
        norm = normaliser()
        keys = [norm(r["investor_name"]) for r in new]
        for group in engine.groups(keys, [engine.clean_uscc(r.get("uscc")) for r in new], _threshold()):
            first = new[group[0]]["_row"]
            for i in group[1:]:
                sheet.errors.append(
                    RowError(
                        new[i]["_row"],
                        h["investor_name"],
                        _("the same investor as row %(row)s of this file") % {"row": first},
                    )
                )
        matches = find_matches([r["investor_name"] for r in new], [r.get("uscc") or "" for r in new])
        found = Lead.objects.in_bulk({p for m in matches for p, _s, _b in m})
        conflicts: dict[int, list[tuple[int, float, str]]] = {}
        for r, ms in zip(new, matches, strict=True):
            for pk, score, by in ms:
                other = found[pk]
                if r["team"] is not None and other.team_id == r["team"].pk:
                    sheet.errors.append(
                        RowError(
                            r["_row"],
                            h["investor_name"],
                            _(
                                "your team already follows this investor in lead #%(id)s (similarity %(score)s)"
                            )
                            % {"id": pk, "score": score},
                        )
                    )
                else:
                    conflicts.setdefault(r["_row"], []).append((pk, score, by))
        return {
            "conflicts": conflicts,
            "keys": dict(zip([r["_row"] for r in new], keys, strict=True)),
            "mine": mine,
        }

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        today = timezone.localdate()
        creates, updated = [], 0
        existing = Lead.objects.select_for_update().in_bulk([r["id"] for r in rows if r.get("id")])
        for r in rows:
            data = {k: r.get(k) if r.get(k) is not None else "" for k in FIELDS}
            for k in ("amount", "amount_usd", "next_step_on"):
                data[k] = r.get(k)
            data["is_central_soe"] = bool(r.get("is_central_soe"))
            data["is_industry_leader"] = bool(r.get("is_industry_leader"))
            data["source"] = r.get("source") or Source.OWN
            officer = r.get("officer") or (user if r["team"] and r["team"].pk in ctx["mine"] else None)
            if r.get("id"):
                lead = existing[r["id"]]
                new_values = {
                    **data,
                    "team_id": r["team"].pk,
                    "node_id": r["node"].pk if r.get("node") else None,
                    "officer_id": officer.pk if officer else lead.officer_id,
                }
                if any(getattr(lead, k) != v for k, v in new_values.items()):
                    for k, v in new_values.items():
                        setattr(lead, k, v)
                    lead.name_key = ctx["keys"].get(r["_row"]) or normaliser()(lead.investor_name)
                    lead.version += 1
                    audited(lead, user)
                    lead.save()
                    updated += 1
                continue
            creates.append(
                Lead(
                    **data,
                    name_key=ctx["keys"][r["_row"]],
                    team=r["team"],
                    officer=officer,
                    node=r.get("node"),
                    stage=Stage.CLUE,
                    state=State.OPEN,
                    entered_on=today,
                    last_activity_on=today,
                    created_by=user,
                )
            )
        bulk_insert_objects(creates, user=user)
        bulk_insert_objects(
            [Share(lead=x, team_id=x.team_id, officer_id=x.officer_id, pct=Decimal(100)) for x in creates],
            user=user,
        )
        bulk_insert_objects(
            [
                StageChange(
                    lead=x, action="enter", on=today, to_state=Stage.CLUE, note=_("imported"), by=user
                )
                for x in creates
            ],
            user=user,
            history=False,
        )
        by_row = {r["_row"]: x for r, x in zip([r for r in rows if not r.get("id")], creates, strict=True)}
        others = Lead.objects.in_bulk({pk for ms in ctx["conflicts"].values() for pk, _s, _b in ms})
        for row, ms in ctx["conflicts"].items():
            for pk, score, by in ms:
                conflict_open(claim=by_row[row], other=others[pk], score=score, by=by, user=user)
        return len(creates), updated

    def records(self, *, user):
        return lead_records(
            Lead.objects.restrict(user, "export").select_related("team", "officer", "node__chain")
        )


def lead_records(qs):
    for x in qs:
        yield {
            "id": x.pk,
            **{k: getattr(x, k) for k in FIELDS},
            "team": x.team.code,
            "officer": x.officer.username if x.officer else None,
            "node": _node_label(x.node) if x.node else None,
            "stage": str(Stage(x.stage).label) if x.state == State.OPEN else str(State(x.state).label),
            "entered_on": x.entered_on,
            "top500_list": str(Top500Kind(x.top500_list).label) if x.top500_list else None,
            "hq_level": str(HqLevel(x.hq_level).label) if x.hq_level else None,
            "source": str(Source(x.source).label),
        }


def _threshold() -> int:
    from .models import InvestmentConfig

    return InvestmentConfig.get().duplicate_threshold


register(LeadImporter())

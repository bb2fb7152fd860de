"""Demo chains and a year of investment promotion, written through the real services: the four chains of the seed's
point 3 (工程机械, 汽车及新能源汽车, 集成电路, 轨道交通装备) with their nodes, zone enterprises on them (the biggest
one as chain leader), purchases from zone and outside suppliers, targets for the gaps; teams, events, leads in every
stage (activities, signings into key projects, funds in place, losses), a few duplicates entered as namesakes, one
conflict decided by a held joint meeting and one waiting for the next."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db import transaction

from parkos.chains import services as chain_services
from parkos.chains.models import Node, Segment, Target
from parkos.core import capabilities
from parkos.core.models import Department, User
from parkos.enterprises.models import AnnualIndicator, Enterprise
from parkos.investment import services
from parkos.investment.models import (
    JOINT_MEETING_OFFICE,
    Activity,
    Event,
    InvestmentConfig,
    Lead,
    LeadConflict,
    Stage,
    Team,
)

# chain → nodes (name, segment, key, parent name or None, registry name words that place enterprises on it)
CHAINS = {
    ("工程机械", "GCJX", ("3514", "3516", "3431", "3489")): [
        ("核心零部件", Segment.UPSTREAM, True, None, ()),
        ("液压件", Segment.COMPONENT, True, "核心零部件", ("液压",)),
        ("发动机与传动", Segment.COMPONENT, True, "核心零部件", ()),
        ("电控与传感", Segment.COMPONENT, True, "核心零部件", ()),
        ("钢材与铸锻件", Segment.UPSTREAM, False, None, ()),
        ("整机制造", Segment.MIDSTREAM, True, None, ()),
        ("挖掘机", Segment.MIDSTREAM, False, "整机制造", ("重工",)),
        ("起重机械", Segment.MIDSTREAM, False, "整机制造", ("起重机械",)),
        ("混凝土与桩工机械", Segment.MIDSTREAM, False, "整机制造", ("工程装备", "机械")),
        ("后市场服务", Segment.SERVICE, False, None, ()),
        ("租赁与再制造", Segment.SERVICE, False, "后市场服务", ()),
        ("工业互联网服务", Segment.SERVICE, False, "后市场服务", ()),
    ],
    ("汽车及新能源汽车", "QCCY", ("3612", "3670", "3611", "3660")): [
        ("三电系统", Segment.UPSTREAM, True, None, ()),
        ("动力电池", Segment.COMPONENT, True, "三电系统", ("动力电池",)),
        ("电驱动", Segment.COMPONENT, True, "三电系统", ("电驱动",)),
        ("整车控制与汽车电子", Segment.COMPONENT, True, "三电系统", ()),
        ("整车制造", Segment.MIDSTREAM, True, None, ("新能源汽车", "汽车")),
        ("车身与底盘零部件", Segment.COMPONENT, False, None, ("汽车零部件",)),
        ("充换电与后市场", Segment.DOWNSTREAM, False, None, ()),
    ],
    ("集成电路", "JCDL", ("3973", "3985", "6520", "3974")): [
        ("芯片设计", Segment.UPSTREAM, True, None, ("芯片", "集成电路")),
        ("晶圆制造", Segment.MIDSTREAM, True, None, ()),
        ("功率半导体器件", Segment.MIDSTREAM, True, None, ("半导体", "微电子")),
        ("封装测试", Segment.DOWNSTREAM, False, None, ()),
        ("电子材料", Segment.UPSTREAM, False, None, ("电子材料",)),
    ],
    ("轨道交通装备", "GDJT", ("3716", "3711", "3714")): [
        ("整车与工程车辆", Segment.MIDSTREAM, True, None, ("轨道装备", "轨道交通")),
        ("牵引传动", Segment.COMPONENT, True, None, ("电气牵引",)),
        ("制动系统", Segment.COMPONENT, True, None, ()),
        ("机车配件", Segment.COMPONENT, False, None, ("机车配件",)),
        ("运维服务", Segment.SERVICE, False, None, ()),
    ],
}
OUTSIDE_SUPPLIERS = ["力士乐", "川崎精机", "康明斯", "潍柴动力", "博格华纳", "大陆汽车", "英飞凌", "安森美", "克诺尔", "西门子交通",
                     "恒立液压", "艾迪精密", "宁德时代", "汇川技术", "华虹宏力", "中车时代"]  # fmt: skip
REGIONS = ["江苏常州", "上海", "山东潍坊", "德国", "日本", "广东深圳", "浙江宁波", "江苏无锡", "北京"]
TEAMS = [("T1", "招商一分队（工程机械）", "zhaoshang1"), ("T2", "招商二分队（汽车）", "zhaoshang2"),
         ("T3", "产业链招商组（集成电路·轨道交通）", "zhaoshang3")]  # fmt: skip
ZIHAO = list("瀚博睿铂凯晟拓远德信恒川立昇奥驰泽越华锐同创天宜沃尔卓航精诚联合广达盛元科瑞海纳宏图智行")
WORDS = {"GCJX": ["液压", "精密传动", "智能装备", "电控", "铸锻"], "QCCY": ["新能源", "电驱科技", "汽车电子", "电池材料", "汽车部件"],
         "JCDL": ["微电子", "半导体", "芯片", "电子材料", "封测"], "GDJT": ["轨道装备", "制动技术", "牵引电气", "交通装备"]}  # fmt: skip
PLACES = ["上海", "深圳", "苏州", "杭州", "北京", "武汉", "宁波", "无锡", "广州", "合肥"]
FOREIGN = [("德国", "GmbH"), ("日本", "株式会社"), ("韩国", "株式会社"), ("美国", "Inc."), ("瑞士", "AG")]


def _name(rng, words) -> str:
    return f"{rng.choice(PLACES)}{''.join(rng.choice(ZIHAO, size=2))}{rng.choice(words)}{rng.choice(['有限公司', '股份有限公司', '科技有限公司'])}"


@transaction.atomic
def build_investment(*, rng: np.random.Generator, today: dt.date, admin: User) -> dict[str, int]:
    tcj = Department.objects.get(code="TCJ")
    capabilities.set_holder(actor=admin, key=JOINT_MEETING_OFFICE, department_id=tcj.pk)
    InvestmentConfig.save_values(
        user=admin, data={"region_names": "长沙经开区\n星沙\n黄花\n榔梨\n螺丝塘\n临空"}
    )
    year = AnnualIndicator.objects.order_by("-year").values_list("year", flat=True).first() or today.year - 1
    chains, gaps = _chains(rng, admin, year)
    teams = []
    for code, name, username in TEAMS:
        team = Team.objects.create(code=code, name=name, department=tcj)
        member = User.objects.filter(username=username).first()
        if member is not None:
            team.members.add(member)
            team.leader = member
            team.save()
        teams.append(team)
    head = User.objects.filter(username="tcj_admin").first() or admin
    events = _events(admin, today)
    leads = _leads(rng, today, teams, chains, events, gaps, head)
    return {"chains": len(chains), "leads": leads}


def _chains(rng, admin, year) -> tuple[dict[str, list[Node]], list[Node]]:
    out, gaps = {}, []
    jfj = Department.objects.filter(code="JFJ").first()
    for order, ((cname, code, codes), nodes) in enumerate(CHAINS.items(), start=1):
        chain = chain_services.chain_save(
            user=admin,
            data={
                "name": cname,
                "code": code,
                "department": jfj,
                "order": order,
                "description": "《2020年工作要点》第3点：补链延链强链",
            },
        )
        made: dict[str, Node] = {}
        for i, (name, seg, key, parent, _words) in enumerate(nodes):
            made[name] = chain_services.node_save(
                user=admin,
                chain_id=chain.pk,
                data={
                    "name": name,
                    "segment": seg,
                    "is_key": key,
                    "parent": made.get(parent),
                    "order": i,
                    "min_enterprises": 2 if key and parent else None,
                    "min_local_rate": Decimal(50)
                    if key
                    else None,  # key links are to be bought mostly locally
                },
            )
        ents = list(
            Enterprise.objects.filter(industry_code__in=codes, status="operating").values_list("pk", "name")
        )
        output = dict(
            AnnualIndicator.objects.filter(year=year, enterprise_id__in=[e for e, _n in ents]).values_list(
                "enterprise_id", "gross_output"
            )
        )
        leaves = [made[n] for n, *_r in nodes if not any(p == n for *_x, p, _w in nodes)]
        empty = {
            made[n] for n, _s, key, parent, words in nodes if key and parent and not words
        }  # the demo's gaps
        fillable = [n for n in leaves if n not in empty]
        placed: dict[int, list[int]] = {}
        for pk, name in ents[: min(len(ents), 60)]:
            node = next(
                (made[n] for n, _s, _k, _p, words in nodes if words and any(w in name for w in words)), None
            )
            if node not in fillable or rng.random() < 0.4:  # names say where most firms belong, not all
                node = fillable[int(rng.integers(len(fillable)))]
            chain_services.placement_set(user=admin, node_id=node.pk, enterprise_id=pk)
            placed.setdefault(node.pk, []).append(pk)
        mid = [
            made[n]
            for n, seg, *_r in nodes
            if seg == Segment.MIDSTREAM and made[n] in fillable and placed.get(made[n].pk)
        ]
        leader = None
        if mid:
            cands = [e for m in mid for e in placed[m.pk]]
            leader = max(cands, key=lambda e: float(output.get(e) or 0))
            lnode = next(m for m in mid if leader in placed[m.pk])
            chain_services.placement_set(user=admin, node_id=lnode.pk, enterprise_id=leader, is_leader=True)
        # purchases are recorded at the buyer's own node (its branch is what it buys for): the chain's midstream
        # makers buy components from the leaves' firms and from outside; each leaf's first firm buys its inputs
        home = {e: m for m in mid for e in placed[m.pk]}
        if leader:
            home[leader] = lnode
        buyers = [leader] if leader else []
        buyers += [e for m in mid for e in placed[m.pk][:2] if e != leader]
        buys = [(b, home[b], [n for n in leaves if n.segment != Segment.MIDSTREAM]) for b in buyers[:4]]
        buys += [
            (placed[n.pk][0], n, [x for x in fillable if x != n][:2]) for n in fillable if placed.get(n.pk)
        ]
        for buyer, at, sources in buys:
            for node in sources:
                local = [e for e in placed.get(node.pk, []) if e != buyer]
                for s in local[:2]:
                    chain_services.supply_add(
                        user=admin,
                        node_id=at.pk,
                        buyer_id=buyer,
                        year=year,
                        supplier_id=s,
                        amount=Decimal(int(rng.integers(200, 3000))),
                    )
                for _ in range(int(rng.integers(1, 3))):
                    chain_services.supply_add(
                        user=admin,
                        node_id=at.pk,
                        buyer_id=buyer,
                        year=year,
                        amount=Decimal(int(rng.integers(500, 8000))),
                        supplier_name=f"{rng.choice(OUTSIDE_SUPPLIERS)}（{rng.choice(REGIONS)}）有限公司",
                        supplier_region=str(rng.choice(REGIONS)),
                    )
        for node in empty:
            gaps.append(node)
            for k in range(3):
                chain_services.target_add(
                    user=admin,
                    node_id=node.pk,
                    data={
                        "name": _name(rng, WORDS[code])
                        if k
                        else f"{rng.choice(REGIONS)}{''.join(rng.choice(ZIHAO, size=2))}{node.name}有限公司",
                        "region": str(rng.choice(REGIONS)),
                        "is_foreign": k == 2,
                        "is_headquarters": k == 0,
                        "notes": "行业前十" if k == 0 else "",
                    },
                )
        out[code] = [made[n] for n, *_r in nodes]
    return out, gaps


def _events(admin, today) -> list[Event]:
    specs = [
        ("德国工程机械专题招商推介会", Event.Kind.OVERSEAS, 300, "德国慕尼黑"),
        ("长三角集成电路产业对接会", Event.Kind.YRD, 240, "上海"),
        ("粤港澳大湾区新能源汽车产业链对接会", Event.Kind.GBA, 180, "深圳"),
        ("京津冀轨道交通装备央企对接会", Event.Kind.JJJ, 120, "北京"),
        ("长沙国际工程机械展览会", Event.Kind.FAIR, 60, "长沙"),
    ]
    return [
        services.event_save(
            user=admin,
            data={
                "name": n,
                "kind": k,
                "start_on": today - dt.timedelta(days=d),
                "place": p,
                "attendees": "投资促进局、经济发展局及各招商分队",
            },
        )
        for n, k, d, p in specs
    ]


def _conflicts(today, teams, gap_targets, head) -> int:
    """Targets of a gap node become leads, and one of them is also claimed by another team: the conflict of the
    year, decided by a joint meeting; and an open conflict for the next meeting. Returns the leads entered."""
    count = 0
    t1, t3 = teams[0], teams[2]
    first = gap_targets[0] if gap_targets else None
    if first is not None:
        lead_a = services.lead_create(
            user=t1.leader,
            data={
                "investor_name": first.name,
                "title": f"{first.node.name}项目",
                "node": first.node,
                "team": t1,
                "target": first,
                "amount": Decimal(40000),
            },
            decision="separate",
            on=today - dt.timedelta(days=90),
        )
        services.lead_create(
            user=t3.leader,
            data={
                "investor_name": first.name.replace("有限公司", "（长沙）有限公司"),
                "title": f"{first.node.name}配套项目",
                "node": first.node,
                "team": t3,
            },
            decision="conflict",
            on=today - dt.timedelta(days=60),
        )
        held = services.meeting_save(
            user=head,
            data={
                "title": "2026年第3次招商引资联席会议",
                "held_on": today,
                "chair": "管委会分管领导",
                "attendees": "投资促进局、各招商分队",
            },
        )
        c = LeadConflict.objects.filter(other=lead_a).first()
        if c is not None:
            services.conflict_decide(
                user=head,
                pk=c.pk,
                owner_team_id=t1.pk,
                shares={t1.pk: 70, t3.pk: 30},
                decision="一分队先行接洽并主谈，产业链招商组协助，业绩七三分成",
                on=today,  # the meeting's day: the service's own today may already be the next one
            )
        services.meeting_close(user=head, pk=held.pk, minutes="议定争议线索1件。")
        count += 2
        services.activity_add(
            user=t1.leader, pk=lead_a.pk, on=today, kind=Activity.Kind.MEETING, summary="联席会议后首次会谈"
        )
    if len(gap_targets) > 3:  # an open conflict for the next meeting
        t = gap_targets[3]
        services.lead_create(
            user=teams[1].leader,
            data={"investor_name": t.name, "title": "配套项目", "team": teams[1]},
            decision="separate",
            on=today - dt.timedelta(days=20),
        )
        services.lead_create(
            user=t3.leader,
            data={"investor_name": f"湖南{t.name}", "title": "配套项目", "team": t3},
            decision="conflict",
            on=today - dt.timedelta(days=5),
        )
        services.meeting_save(
            user=head, data={"title": "2026年第4次招商引资联席会议", "held_on": today + dt.timedelta(days=10)}
        )
        count += 2
    return count


def _leads(rng, today, teams, chains, events, gaps, head) -> int:
    from parkos.demo.zone import make_uscc

    team_chains = {"T1": ["GCJX"], "T2": ["QCCY"], "T3": ["JCDL", "GDJT"]}
    count = 0
    gap_targets = list(Target.objects.filter(node__in=gaps).select_related("node"))
    for team in teams:
        officer = team.leader
        if officer is None:
            continue
        for k in range(28):
            code = str(rng.choice(team_chains[team.code]))
            node = chains[code][int(rng.integers(len(chains[code])))]
            entered = today - dt.timedelta(days=int(rng.integers(20, 360)))
            foreign = rng.random() < 0.2
            country, form = FOREIGN[int(rng.integers(len(FOREIGN)))]
            name = (
                f"{country}{''.join(rng.choice(ZIHAO, size=2))}{rng.choice(WORDS[code])}{form}"
                if foreign
                else _name(rng, WORDS[code])
            )
            source = str(rng.choice(["own", "referral", "agency", "event"], p=[0.4, 0.25, 0.15, 0.2]))
            data = {
                "investor_name": name,
                "title": f"{node.name}{rng.choice(['生产基地', '研发中心', '区域总部', '扩产'])}项目",
                "amount": Decimal(int(rng.choice([3000, 8000, 15000, 30000, 60000, 120000]))),
                "node": node,
                "team": team,
                "officer": officer,
                "source": source,
                "foreign_country": country if foreign else "",
                "amount_usd": Decimal(int(rng.integers(500, 5000))) if foreign else None,
                "top500_list": str(rng.choice(["", "", "", "", "china", "china_private", "fortune_global"])),
                "hq_level": "regional" if rng.random() < 0.15 else "",
                "agency": "湖南某招商咨询有限公司" if source == "agency" else "",
                "event": events[int(rng.integers(len(events)))] if source == "event" else None,
                "next_step": str(
                    rng.choice(["安排高层互访", "报送投资协议草案", "组织来园考察", "对接用地需求"])
                ),
                "next_step_on": today + dt.timedelta(days=int(rng.integers(3, 40))),
            }
            lead = services.lead_create(user=officer, data=data, decision="separate", on=entered)
            count += 1
            _advance(rng, lead, officer, entered, today, make_uscc, k)
    return count + _conflicts(today, teams, gap_targets, head)


def _advance(rng, lead: Lead, officer, entered: dt.date, today: dt.date, make_uscc, k: int) -> None:
    """Walk a lead some way through the funnel with the activities each stage needs; some are lost, a few
    signed (entering key projects) with funds in place, one landed per team."""
    span = (today - entered).days
    day = lambda f: min(today, entered + dt.timedelta(days=max(1, int(span * f))))  # noqa: E731
    fate = rng.random()
    if fate < 0.12:
        services.lead_lose(
            user=officer,
            pk=lead.pk,
            reason=str(rng.choice(["neglect", "declined", "elsewhere"])),
            note="长期未回应" if fate < 0.05 else "",
            on=day(0.5),
        )
        return
    target = (
        Stage.CLUE
        if fate < 0.3
        else Stage.CONTACT
        if fate < 0.5
        else Stage.VISIT
        if fate < 0.7
        else Stage.NEGOTIATION
        if fate < 0.88
        else Stage.SIGNED
    )
    if target == Stage.CLUE:
        return
    services.activity_add(
        user=officer,
        pk=lead.pk,
        on=day(0.15),
        kind=Activity.Kind.CALL,
        summary="电话联系，介绍园区产业政策",
        participants=str(officer),
    )
    services.lead_move(user=officer, pk=lead.pk, stage=Stage.CONTACT, on=day(0.15))
    if target == Stage.CONTACT:
        return
    services.activity_add(
        user=officer,
        pk=lead.pk,
        on=day(0.35),
        kind=Activity.Kind.INSPECTION,
        summary="客商来园考察，参观标准厂房和链主企业",
    )
    services.lead_move(user=officer, pk=lead.pk, stage=Stage.VISIT, on=day(0.35))
    if target == Stage.VISIT:
        return
    services.activity_add(
        user=officer,
        pk=lead.pk,
        on=day(0.55),
        kind=Activity.Kind.NEGOTIATION,
        summary="就用地、投资强度和奖补政策谈判",
    )
    services.lead_move(user=officer, pk=lead.pk, stage=Stage.NEGOTIATION, on=day(0.55))
    if target == Stage.NEGOTIATION:
        return
    lead.refresh_from_db()
    signed_on = day(0.75)
    services.lead_sign(
        user=officer,
        pk=lead.pk,
        signed_on=signed_on,
        amount=lead.amount or Decimal(10000),
        uscc=make_uscc("430121", 90_000_000 + lead.pk),
        company_name=lead.investor_name.replace("有限公司", "（长沙）有限公司"),
    )
    services.funds_add(
        user=officer,
        pk=lead.pk,
        on=day(0.9),
        amount=((lead.amount or Decimal(10000)) * Decimal("0.3")).quantize(Decimal("0.01")),
        evidence="银行进账单",
    )
    if k % 3 == 0:
        services.lead_move(user=officer, pk=lead.pk, stage=Stage.LANDED, on=day(0.95))

"""A realistic synthetic zone for demos and benchmarks, reproducible by seed.

Numbers are drawn column-wise with numpy (skewed, log-normal sizes; growth by year; seasonality by
month) and written with bulk inserts that also write the audit history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from parkos.chains.models import CHAIN_OFFICE
from parkos.core.bulk import bulk_insert_objects
from parkos.core.models import Department, Park, Role, User, Zone
from parkos.demo import geography
from parkos.efficiency.engine import DOWNGRADE_EVENTS, VETO_EVENTS
from parkos.efficiency.models import EVALUATION_OFFICE, EvaluationInput
from parkos.enterprises import totals
from parkos.enterprises.models import (
    AnnualIndicator,
    Contact,
    Enterprise,
    EnterpriseAccount,
    EnterpriseStatus,
    LandParcel,
    MonthlyIndicator,
)
from parkos.projects.models import REFORM_OFFICE

DEMO_PASSWORD = "ParkOS@2026"
# username, role, department code, display name, is superuser
DEMO_USERS = [
    ("admin", Role.SYSTEM_ADMIN, None, "系统管理员", True),
    ("leader", Role.LEADER, None, "管委会领导", False),
    ("jfj_admin", Role.DEPT_ADMIN, "JFJ", "经发局管理员", False),
    ("jfj_staff", Role.DEPT_STAFF, "JFJ", "经发局工作人员", False),
    ("qfzx_staff", Role.DEPT_STAFF, "QFZX", "企业服务中心工作人员", False),
    ("qiye", Role.ENTERPRISE, None, "企业用户", False),
    ("spj_staff", Role.DEPT_STAFF, "SPJ", "行政审批服务局审批员", False),
    ("ghj_staff", Role.DEPT_STAFF, "GHJ", "规划建设局审批员", False),
    ("daiban", Role.DEPT_STAFF, "SPJ", "帮代办专员李娟", False),
    ("daiban2", Role.DEPT_STAFF, "SPJ", "帮代办专员周洋", False),
    ("duchashi", Role.DEPT_STAFF, "DZB", "督查室工作人员", False),
    ("tcj_admin", Role.DEPT_ADMIN, "TCJ", "投资促进局局长", False),
    ("zhaoshang1", Role.DEPT_STAFF, "TCJ", "招商一分队王磊", False),
    ("zhaoshang2", Role.DEPT_STAFF, "TCJ", "招商二分队刘洋", False),
    ("zhaoshang3", Role.DEPT_STAFF, "TCJ", "产业链招商组陈静", False),
]

PARKS = [
    ("XS", "星沙产业基地"),
    ("HH", "黄花综合保税区"),
    ("LK", "临空经济示范区"),
    ("LST", "螺丝塘片区"),
    ("LL", "榔梨片区"),
    ("QC", "汽车产业园"),
]
DEPARTMENTS = [
    ("JFJ", "经济发展局"),
    ("TCJ", "投资促进局"),
    ("GHJ", "规划建设局"),
    ("SPJ", "行政审批服务局"),
    ("QFZX", "企业服务中心"),
    ("KJJ", "科技和人才局"),
    ("CZJ", "财政局"),
    ("DZB", "党政综合办公室"),
]
# (industry, share, codes, name words, is_industrial)
INDUSTRIES = [
    (
        "工程机械",
        0.22,
        ["3514", "3516", "3431", "3489"],
        ["重工", "机械", "液压", "起重机械", "工程装备"],
        True,
    ),
    (
        "汽车及新能源汽车",
        0.20,
        ["3612", "3670", "3611", "3660"],
        ["汽车", "新能源汽车", "汽车零部件", "电驱动", "动力电池"],
        True,
    ),
    (
        "集成电路",
        0.10,
        ["3973", "3985", "6520", "3974"],
        ["微电子", "半导体", "芯片", "集成电路", "电子材料"],
        True,
    ),
    ("轨道交通装备", 0.08, ["3716", "3711", "3714"], ["轨道交通", "轨道装备", "机车配件", "电气牵引"], True),
    (
        "新材料",
        0.12,
        ["2662", "3240", "3062", "3091"],
        ["新材料", "复合材料", "合金材料", "高分子材料"],
        True,
    ),
    (
        "生产性服务业",
        0.28,
        ["6513", "7519", "5891", "7251", "7320"],
        ["科技", "信息技术", "供应链", "物流", "检测技术"],
        False,
    ),
]
ZIHAO = list(
    "恒鑫泰华宇鼎盛中联远达兴博瑞丰润创新誉湘楚星沙岳麓万通宏晟凯德诚信安佳源隆昌和嘉明辉正弘裕峰海天启航腾众耀卓越智芯锐铭金晨"
)
PREFIXES = ["湖南", "长沙", "湖南星沙", "长沙经开区"]
SURNAMES = list("王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林邓彭曾谭唐蒋")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华文辉")
REGION_CODES = ["430121", "430100", "430121", "430111", "430181"]
STREETS = [
    "东六路",
    "星沙大道",
    "漓湘路",
    "凉塘路",
    "黄兴大道",
    "螺丝塘路",
    "映霞路",
    "盼盼路",
    "开元东路",
    "蝶屏路",
]


@dataclass
class DemoResult:
    enterprises: int
    land: int
    annual: int
    monthly: int
    users: list[tuple[str, str, str]]  # username, role label, note
    runs: int = 0
    projects: int = 0
    plans: int = 0
    leads: int = 0
    requests: int = 0
    policies: int = 0


def _org_code(body: str) -> str:
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    c9 = 11 - total % 11
    return body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def make_uscc(region: str, serial: int) -> str:
    """A USCC with a valid GB 11714 organisation code and a valid GB 32100 check character."""
    body = f"{serial:08d}"
    base = "91" + region + _org_code(body)
    return base + stdnum_uscc.calc_check_digit(base)


def _dec(values: np.ndarray, places: int = 2) -> list[Decimal | None]:
    q = Decimal(1).scaleb(-places)
    return [None if np.isnan(v) else Decimal(f"{v:.{places}f}").quantize(q) for v in values]


def _registry(rng, enterprises: int, years: int, months: int, today: dt.date):
    """The zone, its parks and departments, the enterprises with land, indicators, contacts and evaluation inputs,
    and the demo users, in one transaction."""

    with transaction.atomic():
        Zone.objects.get_or_create(
            name="长沙经济技术开发区", defaults={"short_name": "长沙经开区", "region_code": "430121"}
        )
        parks = [Park.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in PARKS]
        for p in parks:
            if p.boundary is None and (ring := geography.outline(p.code)) is not None:
                p.boundary = {"type": "Polygon", "coordinates": [ring]}
                p.save(update_fields=["boundary"])
        depts = [Department.objects.get_or_create(code=c, defaults={"name": n})[0] for c, n in DEPARTMENTS]
        ents = _enterprises(rng, enterprises, parks, depts)
        geography.locate(ents, seed=enterprises, share=0.9)  # a tenth have not given their coordinates yet
        bulk_insert_objects(ents)
        industrial = np.array([e.industry_code[:2] < "44" for e in ents])
        land = _land(rng, ents, industrial)
        bulk_insert_objects(land)
        annual, base_revenue = _annual(rng, ents, industrial, years, today)
        bulk_insert_objects(annual)
        monthly = _monthly(rng, ents, base_revenue, months, today)
        bulk_insert_objects(monthly)
        totals.refresh()  # bulk inserts send no signals: the cockpit's monthly totals, summed once
        bulk_insert_objects(_contacts(rng, ents))
        bulk_insert_objects(_evaluation_inputs(rng, ents, land, annual))
        users = _users(depts, ents[0] if ents else None)
    return ents, land, annual, monthly, users


def demo_build(
    *,
    enterprises: int = 2000,
    seed: int = 7,
    years: int = 3,
    months: int = 24,
    today: dt.date | None = None,
    evaluate: bool = False,
    projects: int = 0,
    workplan: bool = False,
    investment: bool = False,
    services: bool = False,
    step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Build the demo zone into an empty database (raises if enterprises already exist). `step(name)` is called
    as each part begins (the command prints them with a progress bar); `demo_steps` lists them in order."""
    if Enterprise.objects.exists():
        raise RuntimeError("the database already has enterprises; the demo builds into an empty registry")
    say = step or (lambda _name: None)
    say("registry")
    rng = np.random.default_rng(seed)
    # projects live in the present (their clocks and lights are read against today); the registry's figures
    # are fixed to a date so that a seed always gives the same enterprises
    projects_today = today or timezone.localdate()
    today = today or dt.date(2026, 11, 1)
    ents, land, annual, monthly, users = _registry(rng, enterprises, years, months, today)
    _offices()
    runs = 0
    if evaluate:  # the evaluated years (each a run of the default scheme, as the system administrator)
        from parkos.efficiency.services import evaluation_run

        admin = User.objects.get(username="admin")
        for y in sorted({a.year for a in annual}):
            say(f"evaluation:{y}")
            evaluation_run(user=admin, year=y)
            runs += 1
    n_projects = 0
    if projects:
        from parkos.demo.projects import build_projects

        say("projects")
        admin = User.objects.get(username="admin")
        officers = list(User.objects.filter(username__in=["daiban", "daiban2"]).order_by("username"))
        n_projects = build_projects(
            rng=np.random.default_rng(seed + 1),
            n=projects,
            today=projects_today,
            admin=admin,
            officers=officers,
            first_enterprise=ents[0] if ents else None,
        )
    plans = 0
    if workplan:
        from parkos.demo.workplan import build_workplan

        say("workplan")
        plans = build_workplan(
            rng=np.random.default_rng(seed + 2),
            today=projects_today,
            admin=User.objects.get(username="admin"),
        )
    leads = _investment(seed, projects_today, say) if investment else 0
    requests = policies = 0
    if services:
        from parkos.demo.servicedesk import build_policies, build_services

        admin = User.objects.get(username="admin")
        say("services")
        requests = build_services(rng=np.random.default_rng(seed + 4), today=projects_today, admin=admin)[
            "requests"
        ]
        say("policies")
        policies = build_policies(rng=np.random.default_rng(seed + 5), today=projects_today, admin=admin)[
            "policies"
        ]
        from parkos.demo.credit import build_credit

        say("credit")
        build_credit(rng=np.random.default_rng(seed + 8), today=projects_today, admin=admin)
    _analyze()
    return DemoResult(
        len(ents),
        len(land),
        len(annual),
        len(monthly),
        users,
        runs,
        n_projects,
        plans,
        leads,
        requests,
        policies,
    )


def _analyze() -> None:
    """Fresh planner statistics after the bulk load (PostgreSQL): until autovacuum gets round to it, the planner
    takes the new tables for empty and picks plans that scan a whole department's enterprises for one record."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# the offices the zone's departments hold (the other apps' demos name the service centre, the supervision office and
# the joint-meeting office): 经发局 runs the 亩均 evaluation and steers the chains, 行政审批服务局 hosts the 工改办
OFFICES = [(EVALUATION_OFFICE, "JFJ"), (CHAIN_OFFICE, "JFJ"), (REFORM_OFFICE, "SPJ")]


def _offices() -> None:
    from parkos.core import capabilities

    admin = User.objects.get(username="admin")
    for key, code in OFFICES:
        dept = Department.objects.filter(code=code).first()
        if dept is not None:
            capabilities.set_holder(actor=admin, key=key, department_id=dept.pk)


def _investment(seed: int, today: dt.date, say: Callable[[str], None]) -> int:
    """The chains and a year of investment promotion, then the national evaluation self-assessment (its FDI comes
    from the leads' funds); returns the number of leads."""
    from parkos.demo.cockpit import build_national_evaluation, build_targets
    from parkos.demo.investment import build_investment

    admin = User.objects.get(username="admin")
    say("investment")
    leads = build_investment(rng=np.random.default_rng(seed + 3), today=today, admin=admin)["leads"]
    say("national-evaluation")
    build_national_evaluation(rng=np.random.default_rng(seed + 6), today=today, admin=admin)
    build_targets(today=today, admin=admin)
    return leads


def demo_steps(
    *,
    years: int = 3,
    today: dt.date | None = None,
    evaluate: bool = False,
    projects: int = 0,
    workplan: bool = False,
    investment: bool = False,
    services: bool = False,
) -> list[str]:
    """The steps `demo_build` will announce, in order (for a progress bar that knows its end)."""
    last = (today or dt.date(2026, 11, 1)).year - 1
    out = ["registry"]
    out += [f"evaluation:{y}" for y in range(last - years + 1, last + 1)] if evaluate else []
    out += ["projects"] if projects else []
    out += ["workplan"] if workplan else []
    out += ["investment", "national-evaluation"] if investment else []
    out += ["services", "policies", "credit"] if services else []
    return out


def _enterprises(rng, n: int, parks, depts) -> list[Enterprise]:
    shares = np.array([s for _i, s, *_r in INDUSTRIES])
    ind = rng.choice(len(INDUSTRIES), size=n, p=shares / shares.sum())
    serials = rng.choice(np.arange(10_000_000, 99_999_999), size=n, replace=False)
    capital = np.round(np.exp(rng.normal(np.log(1000), 1.3, size=n)), 2)
    est_days = (rng.beta(2.2, 1.3, size=n) * (dt.date(2025, 12, 31) - dt.date(1993, 1, 1)).days).astype(int)
    status = rng.choice(
        [
            EnterpriseStatus.OPERATING,
            EnterpriseStatus.SUSPENDED,
            EnterpriseStatus.MOVED_OUT,
            EnterpriseStatus.DEREGISTERED,
        ],
        size=n,
        p=[0.92, 0.04, 0.03, 0.01],
    )
    u = rng.random((n, 8))
    # park weights: engineering machinery in 星沙, vehicles in 汽车产业园, IC in 临空 / 黄花
    park_pref = {
        0: [0.5, 0.05, 0.05, 0.2, 0.15, 0.05],
        1: [0.15, 0.05, 0.05, 0.1, 0.05, 0.6],
        2: [0.15, 0.3, 0.4, 0.05, 0.05, 0.05],
        3: [0.4, 0.05, 0.05, 0.3, 0.15, 0.05],
        4: [0.25, 0.15, 0.15, 0.15, 0.25, 0.05],
        5: [0.3, 0.2, 0.25, 0.1, 0.1, 0.05],
    }
    owner_pref = [0.45, 0.2, 0.03, 0.02, 0.2, 0.08, 0.01, 0.01]
    owner_idx = rng.choice(len(depts), size=n, p=owner_pref)
    names: set[str] = set()
    out = []
    for i in range(n):
        k = int(ind[i])
        label, _share, codes, words, is_industrial = INDUSTRIES[k]
        while True:
            zh = "".join(rng.choice(ZIHAO, size=2 if len(names) < 20000 else 3))
            name = f"{rng.choice(PREFIXES)}{zh}{rng.choice(words)}{'股份有限公司' if u[i, 7] < 0.15 else '有限公司'}"
            if name not in names:
                names.add(name)
                break
        code = str(rng.choice(codes))
        above = code[:2] <= "43" and u[i, 0] < 0.28  # 规上 is an industrial designation (divisions 06-46)
        high_tech = u[i, 1] < (0.3 if k in (2, 4) else 0.15)
        srdi = "little_giant" if u[i, 2] < 0.01 else ("province" if u[i, 2] < 0.07 else "")
        top500 = (
            "fortune_global"
            if u[i, 3] < 0.002
            else "china"
            if u[i, 3] < 0.004
            else "china_private"
            if u[i, 3] < 0.006
            else ""
        )
        park = parks[int(rng.choice(len(parks), p=park_pref[k]))]
        out.append(
            Enterprise(
                uscc=make_uscc(REGION_CODES[i % len(REGION_CODES)], int(serials[i])),
                name=name,
                former_names=(name.replace("有限公司", "实业有限公司") if u[i, 4] < 0.05 else ""),
                legal_representative=f"{rng.choice(SURNAMES)}{''.join(rng.choice(GIVEN, size=int(rng.integers(1, 3))))}",
                registered_capital=Decimal(f"{capital[i]:.2f}"),
                established_on=dt.date(1993, 1, 1) + dt.timedelta(days=int(est_days[i])),
                industry_code=code,
                park=park,
                address=f"长沙经济技术开发区{rng.choice(STREETS)}{int(rng.integers(1, 400))}号",
                is_above_scale=bool(above),
                is_high_tech=bool(high_tech),
                srdi_level=srdi,
                top500_kind=top500,
                is_foreign_funded=bool(u[i, 5] < 0.05),
                is_listing_reserve=bool(u[i, 6] < (0.08 if above else 0.01)),
                is_headquarters=bool(u[i, 5] > 0.99),
                status=str(status[i]),
                tags=label,
                owner=depts[int(owner_idx[i])],
            )
        )
        out[-1].industry_division = out[-1].industry_code[:2]
    return out


def _land(rng, ents, industrial) -> list[LandParcel]:
    out = []
    for i, e in enumerate(ents):
        if not industrial[i] and rng.random() < 0.6:
            continue
        for j in range(1 if rng.random() < 0.8 else 2):
            median = 60 if e.is_above_scale else 15
            area = max(0.5, float(np.exp(rng.normal(np.log(median), 0.8))))
            tenure = "owned" if rng.random() < 0.8 else "rented_in"
            out.append(
                LandParcel(
                    enterprise=e,
                    certificate_no=f"湘({2008 + int(rng.integers(0, 17))})长沙县不动产权第{int(rng.integers(1, 9999999)):07d}号",
                    area_mu=Decimal(f"{area:.2f}"),
                    purpose="industrial" if industrial[i] else "commercial",
                    tenure=tenure,
                    location=e.address,
                )
            )
            del j
    return out


def _annual(rng, ents, industrial, years: int, today: dt.date):
    n = len(ents)
    above = np.array([e.is_above_scale for e in ents])
    high_tech = np.array([e.is_high_tech for e in ents])
    base = np.where(above, np.exp(rng.normal(np.log(15000), 1.0, n)), np.exp(rng.normal(np.log(500), 0.9, n)))
    base = np.where(above, np.maximum(base, 2000), np.minimum(base, 1999))
    last_year = today.year - 1
    out = []
    for y in range(last_year - years + 1, last_year + 1):
        growth = rng.normal(0.08, 0.15, n)
        revenue = base * (1 + growth) ** (y - last_year + years)
        output = np.where(industrial, revenue * rng.uniform(0.9, 1.1, n), np.nan)
        va = np.where(industrial, output * rng.uniform(0.18, 0.35, n), np.nan)
        tax = revenue * rng.uniform(0.015, 0.06, n)
        profit = revenue * rng.normal(0.06, 0.06, n)
        rd = revenue * np.where(high_tech, rng.uniform(0.03, 0.08, n), rng.uniform(0.0, 0.03, n))
        employees = np.maximum(3, revenue / rng.uniform(60, 150, n)).astype(int)
        energy = np.where(industrial, output * rng.uniform(0.01, 0.12, n), np.nan)
        emis = [
            np.where(industrial, energy * rng.uniform(0.0, f, n), np.nan)
            for f in (0.004, 0.0005, 0.002, 0.003)
        ]
        cols = [_dec(revenue), _dec(output), _dec(va), _dec(tax), _dec(profit), _dec(rd)]
        electricity = revenue * rng.uniform(0.02, 0.15, n)  # 万kWh: 200-1,500 kWh per 万元
        cols3 = [_dec(energy, 3), *[_dec(c, 3) for c in emis], _dec(electricity, 3)]
        for i, e in enumerate(ents):
            if e.established_on.year > y:  # no figures before the firm existed
                continue
            out.append(
                AnnualIndicator(
                    enterprise=e,
                    year=y,
                    revenue=cols[0][i],
                    gross_output=cols[1][i],
                    value_added=cols[2][i],
                    tax_paid=cols[3][i],
                    total_profit=cols[4][i],
                    rd_expense=cols[5][i],
                    employees=int(employees[i]),
                    energy_tce=cols3[0][i],
                    electricity_10k_kwh=cols3[5][i],
                    cod_t=cols3[1][i],
                    ammonia_n_t=cols3[2][i],
                    so2_t=cols3[3][i],
                    nox_t=cols3[4][i],
                )
            )
    return out, base


def _monthly(rng, ents, base, months: int, today: dt.date) -> list[MonthlyIndicator]:
    out = []
    n = len(ents)
    season = np.array([0.75, 0.6, 1.0, 1.0, 1.05, 1.1, 1.0, 1.0, 1.05, 1.05, 1.1, 1.3])
    first = (today.year * 12 + today.month - 1) - months
    for m in range(first, first + months):
        year, month = divmod(m, 12)
        monthly = base / 12 * season[month] * rng.normal(1.0, 0.1, n).clip(0.3)
        output, revenue = _dec(monthly * rng.uniform(0.9, 1.1, n)), _dec(monthly)
        tax = _dec(monthly * rng.uniform(0.015, 0.06, n))
        kwh = _dec(monthly * rng.uniform(300, 1500, n), 0)
        d = dt.date(year, month + 1, 1)
        for i, e in enumerate(ents):
            if e.established_on > d:
                continue
            out.append(
                MonthlyIndicator(
                    enterprise=e,
                    month=d,
                    output_value=output[i],
                    revenue=revenue[i],
                    tax=tax[i],
                    electricity_kwh=kwh[i],
                )
            )
    return out


VETO_SHARE, DOWNGRADE_SHARE = 0.01, 0.03


def _evaluation_inputs(rng, ents, land, annual) -> list[EvaluationInput]:
    """The bureaus' feed for each evaluated year: cohort, land for evaluation, a few vetoes and downgrades."""
    area: dict[int, Decimal] = {}
    for p in land:
        if p.tenure != "rented_out":
            area[p.enterprise_id] = area.get(p.enterprise_id, Decimal(0)) + p.area_mu
    by_pk = {e.pk: e for e in ents}
    out = []
    for a in annual:
        e = by_pk[a.enterprise_id]
        if e.industry_code[:2] > "46":  # the feed covers industrial enterprises only
            continue
        u = rng.random()
        vetoes = [str(rng.choice(VETO_EVENTS))] if u < VETO_SHARE else []
        downgrades = (
            [str(rng.choice(DOWNGRADE_EVENTS))] if VETO_SHARE <= u < VETO_SHARE + DOWNGRADE_SHARE else []
        )
        out.append(
            EvaluationInput(
                enterprise=e,
                year=a.year,
                is_above_scale=e.is_above_scale,
                land_mu=area.get(e.pk),
                vetoes=vetoes,
                downgrades=downgrades,
            )
        )
    return out


def _contacts(rng, ents) -> list[Contact]:
    out = []
    for e in ents:
        for j, title in enumerate(["总经理", "办公室主任"][: int(rng.integers(1, 3))]):
            out.append(
                Contact(
                    enterprise=e,
                    name=f"{rng.choice(SURNAMES)}{''.join(rng.choice(GIVEN, size=2))}",
                    title=title,
                    phone=f"1{int(rng.choice([33, 35, 37, 38, 39, 58, 86, 89]))}{int(rng.integers(0, 10**8)):08d}",
                    is_primary=j == 0,
                )
            )
    return out


def _users(depts, first_enterprise) -> list[tuple[str, str, str]]:
    by_code = {d.code: d for d in depts}
    out = []
    for username, role, dept, display, superuser in DEMO_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.display_name = role, display
        user.department = by_code.get(dept) if dept else None
        user.is_superuser = user.is_staff = superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        note = ""
        if role == Role.ENTERPRISE and first_enterprise is not None:
            EnterpriseAccount.objects.update_or_create(
                user=user, defaults={"enterprise": first_enterprise, "is_manager": True}
            )
            note = first_enterprise.name
        out.append((username, str(role.label), note or (by_code[dept].name if dept else "")))
    return out

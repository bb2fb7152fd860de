"""Demo key projects: ~150 projects over three years, with plans, monthly reports, problems, 帮代办 logs and
approvals driven through the real services, so every state, suspension, extension, return and light is
one the state machine produced."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from parkos.core.bulk import bulk_insert_objects
from parkos.core.models import Department, Park, RecordEvent, User
from parkos.core.selectors import working_calendar
from parkos.demo import geography
from parkos.enterprises.models import Enterprise
from parkos.projects import services
from parkos.projects.catalogue import install_defaults
from parkos.projects.models import (
    Authorization,
    Category,
    Handover,
    ItemInstance,
    ItemState,
    Kind,
    Level,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Status,
    YearPlan,
)

WORDS = ["智能制造产业园", "新能源汽车零部件", "工程机械再制造", "集成电路封测", "生物医药产业化", "高端装备研发中心",
         "锂电池材料", "工业互联网平台", "数字经济产业园", "冷链物流中心", "精密铸造", "功率半导体", "氢燃料电池",
         "智能网联汽车测试", "新材料中试基地"]  # fmt: skip
SUFFIX = ["项目", "一期项目", "二期项目", "扩能项目", "技改项目"]
PROGRESS = [
    "主体结构施工",
    "桩基施工完成",
    "设备安装调试",
    "厂房封顶",
    "场地平整",
    "钢结构吊装",
    "试生产",
    "内外装修",
]
PROBLEMS = [
    ("项目用地红线内有高压线需迁改", "GHJ"),
    ("施工用电报装进度慢", "JFJ"),
    ("周边道路未贯通影响材料进场", "GHJ"),
    ("外资股东出资到位延迟", "TCJ"),
    ("环评批复前置条件需协调", "SPJ"),
    ("人才公寓配套需求", "KJJ"),
]
MILESTONE_ORDER = [
    Status.SIGNED,
    Status.LAND,
    Status.STARTED,
    Status.COMPLETED,
    Status.PRODUCTION,
    Status.CAPACITY,
]
GAPS = {  # months after the previous milestone (low, high)
    Status.SIGNED: (1, 3),
    Status.LAND: (2, 4),
    Status.STARTED: (2, 5),
    Status.COMPLETED: (10, 22),
    Status.PRODUCTION: (1, 3),
    Status.CAPACITY: (6, 12),
}


def _months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, min(d.day, 28))


def _new_project(rng, i: int, *, investors, first_enterprise, start_day, parks, leads, officers) -> Project:
    """One synthetic key project (not saved)."""
    investor = investors[int(rng.integers(0, len(investors)))]
    if i < 2 and first_enterprise is not None:
        investor = first_enterprise
    registered = start_day + dt.timedelta(days=int(rng.integers(0, 3 * 365 - 60)))
    total = Decimal(str(round(float(np.exp(rng.normal(np.log(30000), 0.9))), 2)))
    itype = str(rng.choice(["industrial", "social", "gov", "small_low_risk"], p=[0.6, 0.2, 0.1, 0.1]))
    kind = str(rng.choice([Kind.NEW, Kind.CONTINUED, Kind.UPGRADE, Kind.EXPANSION], p=[0.6, 0.15, 0.15, 0.1]))
    p = Project(
        code=f"2{registered.year % 1000:03d}-430121-{int(rng.integers(10, 99))}-03-{100000 + i:06d}",
        name=f"{investor.name.removesuffix('有限公司').removesuffix('股份')[:10]}{WORDS[i % len(WORDS)]}{SUFFIX[int(rng.integers(0, len(SUFFIX)))]}",
        investor=investor,
        category=str(rng.choice(Category.values, p=[0.5, 0.2, 0.2, 0.1])),
        top500_list=str(
            rng.choice(["", "fortune_global", "china", "china_private"], p=[0.85, 0.05, 0.05, 0.05])
        ),
        is_talent=bool(rng.random() < 0.1),
        level=str(rng.choice(Level.values, p=[0.15, 0.35, 0.5])),
        kind=kind,
        investment_type=itype,
        land_mode="existing"
        if kind != Kind.NEW
        else str(rng.choice(["transfer", "with_scheme"], p=[0.8, 0.2])),
        total_investment=total,
        contracted_investment=total,
        park=parks[int(rng.integers(0, len(parks)))] if parks else None,
        land_area_mu=Decimal(str(round(float(rng.uniform(20, 300)), 2))),
        lead_department=leads[int(rng.integers(0, len(leads)))],
        helper=officers[int(rng.integers(0, len(officers)))] if officers else None,
        registered_on=registered,
    )
    # the inputs of the rest of the rate catalogue, from their own stream (the zone's other draws stay as they were)
    more = np.random.default_rng(10_000 + i)
    p.capital_required = Decimal(str(round(float(total) * float(more.uniform(0.2, 0.35)), 2)))
    if p.category in (Category.INDUSTRY, Category.PRODUCT):
        p.design_output = Decimal(str(round(float(total) * float(more.uniform(1.0, 2.5)), 2)))
    p.approved_on = registered + dt.timedelta(days=int(more.integers(20, 55)))  # registered ≥ 60 days ago
    p.agreed_start_on = _months(registered, int(more.integers(3, 8)))
    return p


def _year_plans(
    p: Project, planned: dict, actual: dict, year_plans: list, today: dt.date
) -> tuple[dt.date, float]:
    """The project's year plans: its investment spread evenly from the start of construction to completion."""
    start = actual.get(Status.STARTED) or planned.get(Status.STARTED)
    end_inv = planned.get(Status.COMPLETED) or _months(start, 18)
    span_months = max(1, (end_inv.year - start.year) * 12 + end_inv.month - start.month + 1)
    monthly_plan = float(p.total_investment) / span_months
    for y in range(start.year, end_inv.year + 1):
        months_in_year = sum(1 for k in range(span_months) if _months(start.replace(day=1), k).year == y)
        if months_in_year:
            inv = round(monthly_plan * months_in_year, 2)
            continuing = y > start.year  # started in an earlier year: 续建, resumed after the Spring Festival
            resumed = dt.date(y, 2, 20 + p.pk % 8) if continuing else None
            year_plans.append(
                YearPlan(
                    project=p,
                    year=y,
                    investment=Decimal(str(inv)),
                    funds=Decimal(str(round(inv * 0.9, 2))),
                    fai_target=Decimal(str(round(inv * 0.85, 2))),
                    is_continuing=continuing,
                    resumed_on=resumed if resumed is not None and resumed <= today else None,
                )
            )
    return start, monthly_plan


def _monthly_reports(
    rng, p: Project, actual: dict, status: str, start, monthly_plan: float, today, reports: list
) -> None:
    """Monthly reports from the start of construction to last month (now and then one missing)."""
    if Status.STARTED in actual:
        m = actual[Status.STARTED].replace(day=1)
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        skip_last = rng.random() < 0.12
        pace = float(rng.uniform(0.6, 1.25))
        done = 0.0
        while m <= last_month and done < float(p.total_investment):
            if m == last_month and skip_last:
                break
            if status == Status.PAUSED and m > last_month - dt.timedelta(days=120):
                break
            inv = min(float(p.total_investment) - done, monthly_plan * pace * float(rng.uniform(0.5, 1.5)))
            done += inv
            producing = Status.PRODUCTION in actual and m >= actual[Status.PRODUCTION].replace(day=1)
            design = float(p.design_output or 0)
            reports.append(
                MonthlyReport(
                    project=p,
                    month=m,
                    investment=Decimal(str(round(inv, 2))),
                    fai=Decimal(str(round(inv * (0.8 + (m.month % 3) * 0.07), 2))),  # 统计入库 lags the works
                    capital=Decimal(str(round(inv * 0.25, 2))),
                    output_value=Decimal(str(round(design / 12 * (0.7 + (m.month % 4) * 0.1), 2)))
                    if producing and design
                    else None,
                    funds=Decimal(str(round(inv * float(rng.uniform(0.7, 1.1)), 2))),
                    progress=PROGRESS[int(rng.integers(0, len(PROGRESS)))],
                    problems="" if rng.random() < 0.8 else PROBLEMS[int(rng.integers(0, len(PROBLEMS)))][0],
                    submitted_by=p.helper,
                )
            )
            m = _months(m, 1).replace(day=1)


def _project_history(rng, p: Project, *, today, cal, depts, out: dict[str, list]) -> tuple[dict, dict]:
    """What happened to one project up to today: its milestones (planned and reached, with stalls), year plans,
    monthly reports, a problem now and then, and the 帮代办 authorization; appends the records to `out`."""
    milestones, reports, year_plans = out["milestones"], out["reports"], out["year_plans"]
    problems, auths = out["problems"], out["auths"]
    planned: dict[str, dt.date] = {}
    d = p.registered_on
    for kind in MILESTONE_ORDER:
        if kind == Status.LAND and p.kind != Kind.NEW:
            continue
        lo, hi = GAPS[kind]
        d = _months(d, int(rng.integers(lo, hi + 1)))
        planned[kind] = d
    actual: dict[str, dt.date] = {}
    status = Status.REGISTERED
    stalled: dt.date | None = None
    for kind in MILESTONE_ORDER:
        if kind not in planned:
            continue
        slip = int(rng.normal(15, 45))
        when = planned[kind] + dt.timedelta(days=slip)
        prev = max(actual.values(), default=p.registered_on)
        when = max(when, prev + dt.timedelta(days=7))
        if when > today:
            break
        if rng.random() < 0.05:  # stalls here; a long stall ends paused or terminated below
            stalled = planned[kind]
            break
        actual[kind] = when
        status = kind
    reason = ""
    if stalled is not None and stalled < today - dt.timedelta(days=150):
        before = status
        if status == Status.REGISTERED:
            status, reason = Status.TERMINATED, "投资方战略调整，项目退出"
        else:
            p.status_before_pause, status, reason = status, Status.PAUSED, "企业资金链紧张，暂缓建设"
        # the step as the lifecycle records it (the rates count a termination from its date)
        on = min(stalled + dt.timedelta(days=int(rng.integers(60, 150))), today)
        out["stops"].append((p, before, status, on, reason))
    p.status, p.status_reason = status, reason
    for kind in Milestone.Kind.values:
        milestones.append(
            Milestone(
                project=p,
                kind=kind,
                planned_on=planned.get(kind),
                actual_on=actual.get(kind),
                evidence="施工许可证 430121202" + str(p.pk) if kind == "started" and kind in actual else "",
            )
        )
    start, monthly_plan = _year_plans(p, planned, actual, year_plans, today)
    _monthly_reports(rng, p, actual, status, start, monthly_plan, today, reports)
    if rng.random() < 0.3:
        text, owner = PROBLEMS[int(rng.integers(0, len(PROBLEMS)))]
        raised = today - dt.timedelta(days=int(rng.integers(3, 120)))
        due_wd = int(rng.integers(5, 20))
        answered = rng.random() < 0.5
        problems.append(
            Problem(
                project=p,
                description=text,
                raised_by=p.helper,
                raised_on=raised,
                owner=depts.get(owner, p.lead_department),
                due_wd=due_wd,
                due_on=cal.add_working_days(raised, due_wd),
                answer="已协调相关单位，按计划推进" if answered else "",
                answered_on=raised + dt.timedelta(days=4) if answered else None,
                state=Problem.State.CLOSED if answered else Problem.State.OPEN,
            )
        )
    if p.helper and status != Status.REGISTERED:
        signed = actual.get(Status.SIGNED, p.registered_on)
        auths.append(
            Authorization(
                project=p,
                signed_on=signed,
                valid_until=_months(signed, 24),
                signatory=p.investor.legal_representative or "法定代表人",
                scope="工程建设项目审批全流程帮办代办",
                created_by=p.helper,
            )
        )
    return planned, actual


@transaction.atomic
def build_projects(
    *, rng, n: int = 150, today: dt.date, admin: User, officers: list[User], first_enterprise=None
) -> int:
    install_defaults()
    cal = working_calendar()
    depts = {d.code: d for d in Department.objects.all()}
    parks = list(Park.objects.all())
    investors = list(Enterprise.objects.filter(industry_division__lt="44").order_by("pk")[: max(n * 3, 10)])
    if not investors:
        investors = list(Enterprise.objects.order_by("pk")[: n * 3])
    if not investors:
        return 0
    leads = [depts[c] for c in ("JFJ", "TCJ", "KJJ") if c in depts] or list(depts.values())
    start_day = today - dt.timedelta(days=3 * 365)

    projects, plans = [], {}
    for i in range(n):
        projects.append(
            _new_project(
                rng,
                i,
                investors=investors,
                first_enterprise=first_enterprise,
                start_day=start_day,
                parks=parks,
                leads=leads,
                officers=officers,
            )
        )
    geography.locate(projects, seed=n)
    bulk_insert_objects(projects)
    projects = list(Project.objects.filter(code__in=[p.code for p in projects]).order_by("pk"))

    out: dict[str, list] = {
        k: [] for k in ("milestones", "reports", "year_plans", "problems", "auths", "stops")
    }
    handovers: list = []
    for p in projects:
        plans[p.pk] = _project_history(rng, p, today=today, cal=cal, depts=depts, out=out)
    milestones, reports, year_plans = out["milestones"], out["reports"], out["year_plans"]
    problems, auths = out["problems"], out["auths"]
    Project.objects.bulk_update(projects, ["status", "status_reason", "status_before_pause"], 500)
    for objs in (milestones, year_plans, reports, problems, auths):
        bulk_insert_objects(objs)
    ct = ContentType.objects.get_for_model(Project)
    RecordEvent.objects.bulk_create(
        RecordEvent(
            content_type=ct,
            object_id=p.pk,
            workflow="projects.project",
            action=to,
            from_state=frm,
            to_state=to,
            on=on,
            note=reason,
            by=p.helper,
        )
        for p, frm, to, on, reason in out["stops"]
    )

    # approvals, through the services
    actors = {}  # the first staff member of each approving department handles its items
    helpers = [o.pk for o in officers]
    for u in (
        User.objects.filter(role="dept_staff", is_active=True).exclude(pk__in=helpers).order_by("username")
    ):
        actors.setdefault(u.department_id, u)
    with_flow = [p for p in projects if Status.SIGNED in plans[p.pk][1] and p.status != Status.TERMINATED]
    moved = []
    for p in with_flow:
        services.approvals_start(user=admin, pk=p.pk)
        logs, actual = _simulate(rng, cal, p, plans[p.pk][1], today, admin, actors)
        handovers += logs
        if actual != plans[p.pk][1]:
            for m in p.milestones.all():
                if m.actual_on != actual.get(m.kind):
                    m.actual_on = actual.get(m.kind)
                    moved.append(m)
            reached = [k for k in MILESTONE_ORDER if k in actual][-1]
            if p.status == Status.PAUSED:
                p.status_before_pause = reached
            else:
                p.status = reached
            p.save(update_fields=["status", "status_before_pause"])
    Milestone.objects.bulk_update(moved, ["actual_on"], 500)
    bulk_insert_objects(handovers)
    services.refresh(today=today, project_ids=[p.pk for p in projects])
    return len(projects)


def _simulate(rng, cal, project: Project, actual: dict[str, dt.date], today: dt.date, admin: User, actors):
    """Walk the project's items through the state machine: the permit stages from its signing, completion
    acceptance when construction ends. Milestones move to agree with the permits (no start before the
    construction permit, no completion before acceptance); returns the handovers and the milestones."""
    handovers: list[Handover] = []
    stages = list(project.stages.order_by("order"))
    permits, acceptance = stages[:-1], stages[-1]

    def act(it, action, on, **kw):
        user = actors.get(it.department_id, admin)
        if action in services.HELPER_ACTIONS and project.helper is not None:
            user = project.helper  # the 帮代办 officer files for the enterprise
        return services.item_act(
            user=user, pk=it.pk, action=action, on=on, today=today, refresh_after=False, **kw
        )

    def run(stage, t):
        items = list(stage.items.select_related("item", "department").prefetch_related("item__predecessors"))
        done_on: dict[int, dt.date] = {}
        end = t
        in_flow = set(project.items.values_list("item_id", flat=True))
        for it in sorted(items, key=lambda i: (len(i.item.predecessors.all()), i.item.code)):
            preds = [done_on.get(pr.pk) for pr in it.item.predecessors.all() if pr.pk in in_flow]
            if any(x is None for x in preds):
                continue  # its predecessor is still under way
            start = max([t, *preds])
            if start > today or (not it.item.is_mandatory and rng.random() < 0.5):
                continue
            finished = _walk(rng, cal, it, start, today, act, handovers, project, admin)
            if finished is not None:
                done_on[it.item_id] = finished
                end = max(end, finished)
        stage.refresh_from_db()
        return end if stage.state == "completed" else None

    t = actual[Status.SIGNED] + dt.timedelta(days=int(rng.integers(5, 30)))
    permitted = None
    for stage in permits:
        if t > today:
            break
        permitted = run(stage, t)
        if permitted is None:
            break
        t = permitted + dt.timedelta(days=int(rng.integers(3, 25)))
    new = dict(actual)
    later = [Status.STARTED, Status.COMPLETED, Status.PRODUCTION, Status.CAPACITY]

    def drop(from_kind):
        for k in later[later.index(from_kind) :]:
            new.pop(k, None)

    if Status.STARTED in new:
        if permitted is None or stages[len(permits) - 1].state != "completed":
            drop(Status.STARTED)
        else:
            new[Status.STARTED] = max(
                new[Status.STARTED], permitted + dt.timedelta(days=int(rng.integers(3, 15)))
            )
            if new[Status.STARTED] > today:
                drop(Status.STARTED)
    if Status.STARTED in new:
        built = new.get(Status.COMPLETED)
        s4 = (built - dt.timedelta(days=30)) if built else None
        if s4 is None and rng.random() < 0.4:  # construction ending: acceptance under way now
            s4 = today - dt.timedelta(days=int(rng.integers(0, 40)))
        if s4 is not None:
            s4 = max(s4, new[Status.STARTED] + dt.timedelta(days=60))
        if s4 is not None and s4 <= today:
            accepted = run(acceptance, s4)
            if accepted is None:
                drop(Status.COMPLETED)
            elif Status.COMPLETED in new:
                new[Status.COMPLETED] = accepted
                for k in (Status.PRODUCTION, Status.CAPACITY):
                    if k in new:
                        new[k] = max(new[k], accepted + dt.timedelta(days=int(rng.integers(10, 60))))
                        if new[k] > today:
                            drop(k)
        else:
            drop(Status.COMPLETED)
    return handovers, new


def _review_steps(rng, cal, it: ItemInstance, cursor: dt.date, today: dt.date, act, limit: int):
    """The review's pauses and extension: a correction notice part-way, or a special procedure, and sometimes an
    extension; returns the item and the day review resumes (None: today came first)."""
    if rng.random() < 0.22:  # a correction notice part-way
        notice = cal.add_working_days(cursor, int(rng.integers(1, limit + 1)))
        if notice > today:
            return it, None
        it = act(it, "request_correction", notice, note="补正通知书：请补充相关图纸与说明")
        back = notice + dt.timedelta(days=int(rng.integers(3, 25)))
        if back > today:
            return it, None
        it = act(it, "receive_materials", back)
        cursor = back
    elif rng.random() < 0.05:  # a special procedure (expert review)
        begin = cal.add_working_days(cursor, 1)
        if begin > today:
            return it, None
        it = act(it, "start_special", begin, note="组织专家评审，预计10个工作日")
        end = cal.add_working_days(begin, 10)
        if end > today:
            return it, None
        it = act(it, "end_special", end)
        cursor = end
    if rng.random() < 0.06:
        when = cal.add_working_days(cursor, 1)
        if when <= today:
            it = act(
                it,
                "extend",
                when,
                days=int(rng.integers(3, 10)),
                approved_by="分管副局长",
                note="情况复杂需延期",
            )
            cursor = when
    return it, cursor


def _walk(
    rng, cal, it: ItemInstance, start: dt.date, today: dt.date, act, handovers, project, admin
) -> dt.date | None:
    """One item from submission to a decision (or as far as today allows); returns its completion date."""
    if start > today:
        return None
    it = act(it, "submit", start)
    if project.helper_id:
        handovers.append(
            Handover(
                project=project,
                item=it,
                direction=Handover.Direction.TO_DEPARTMENT,
                documents=f"{it.item.name}申请材料一套",
                counterpart=it.department.name,
                at=dt.datetime.combine(start, dt.time(10, 0), tzinfo=dt.UTC),
                officer=project.helper,
            )
        )
    cursor = start
    if it.mode == "commitment" and rng.random() < 0.7:
        it = act(it, "commit", cursor, text_version="2026版")
        verify_on = it.verification_due
        if verify_on and verify_on <= today:
            it = act(it, "verify_pass" if rng.random() < 0.9 else "verify_fail", verify_on)
        return cursor if it.state != ItemState.REVOKED else None
    roll = rng.random()
    if roll < 0.02:
        when = cal.add_working_days(cursor, 1)
        if when > today:
            return None
        act(it, "reject_intake", when, note="不属于本部门受理范围，已告知向有权机关申请")
        again = services.item_resubmit(user=admin, pk=it.pk)
        return _walk(rng, cal, again, when + dt.timedelta(days=3), today, act, handovers, project, admin)
    if roll < 0.03:
        when = cal.add_working_days(cursor, 1)
        if when <= today:
            act(it, "withdraw", when, note="企业调整方案，申请撤回")
            again = services.item_resubmit(user=admin, pk=it.pk)
            return _walk(rng, cal, again, when + dt.timedelta(days=10), today, act, handovers, project, admin)
        return None
    if roll < 0.11:
        notice = cal.add_working_days(cursor, int(rng.integers(1, 4)))
        if notice > today:
            return None
        it = act(it, "pre_correct", notice, note="材料不全，一次性告知补正")
        cursor = notice + dt.timedelta(days=int(rng.integers(2, 10)))
        if cursor > today:
            return None
    cursor = cal.add_working_days(cursor, int(rng.choice([0, 0, 1, 2, 3])))
    if cursor > today:
        return None
    it = act(it, "accept", cursor)
    limit = max(it.promised_limit_wd, 1)
    it, cursor = _review_steps(rng, cal, it, cursor, today, act, limit)
    if cursor is None:
        return None
    if rng.random() < 0.05:
        when = cal.add_working_days(cursor, 2)
        if when > today:
            return None
        act(it, "return", when, note="不符合审批条件，退回申请")
        again = services.item_resubmit(user=admin, pk=it.pk)
        return _walk(
            rng,
            cal,
            again,
            when + dt.timedelta(days=int(rng.integers(5, 20))),
            today,
            act,
            handovers,
            project,
            admin,
        )
    decide = cal.add_working_days(cursor, int(round(limit * float(rng.uniform(0.3, 1.25)))))
    if decide > today:
        return None
    if rng.random() < 0.03:
        act(it, "deny", decide, note="不符合规划条件，不予许可")
        again = services.item_resubmit(user=admin, pk=it.pk)
        return _walk(rng, cal, again, decide + dt.timedelta(days=20), today, act, handovers, project, admin)
    act(it, "approve", decide)
    return decide

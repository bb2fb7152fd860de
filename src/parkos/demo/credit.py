"""Demo credit supervision, written through the real services: SAMR classes (mostly A and B, a few C and D) and tax and
environmental grades for the registry, 双公示 decisions, list entries (some 经营异常, one 严重失信), a year's plan of
eight items over five departments with thirty inspectors and their conflicts, two drawn tasks (one joint) with
results in every state, and repair applications approved, refused and waiting."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from parkos.core import capabilities
from parkos.core.models import Department, Role, User
from parkos.credit import services
from parkos.credit.models import (
    CREDIT_OFFICE,
    Conflict,
    Inspection,
    InspectionState,
    RecordKind,
    Result,
    SamrClass,
    SectorGrade,
)
from parkos.enterprises.models import Enterprise, EnterpriseAccount, EnterpriseStatus

# the five inspecting departments (three are created here: the registry's demo has no 市场监管/生态/应急 bureau)
DEPTS = [
    ("SCJ", "市场监督管理局"),
    ("HBJ", "生态环境分局"),
    ("YJJ", "应急管理局"),
    ("GHJ", None),
    ("SPJ", None),
]
ITEMS = [  # code, name, department, kind, qualification
    ("SC-01", "企业公示信息情况检查", "SCJ", "general", ""),
    ("SC-02", "食品经营许可事项检查", "SCJ", "key", "食品"),
    ("SC-03", "特种设备使用单位检查", "SCJ", "key", "特种设备"),
    ("HB-01", "排污许可执行情况检查", "HBJ", "key", "环境执法"),
    ("HB-02", "危险废物规范化管理检查", "HBJ", "general", "环境执法"),
    ("YJ-01", "安全生产主体责任落实检查", "YJJ", "key", "安全生产"),
    ("GH-01", "建设工程质量安全检查", "GHJ", "general", ""),
    ("SP-01", "告知承诺事项核查", "SPJ", "general", ""),
]
QUALS = {"SCJ": "食品,特种设备", "HBJ": "环境执法", "YJJ": "安全生产", "GHJ": "", "SPJ": ""}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚"
PENALTIES = [
    ("未按规定公示年度报告", "minor"),
    ("销售不合格产品，罚款二万元", "ordinary"),
    ("超标排放大气污染物，罚款十万元", "ordinary"),
    ("未落实安全生产培训，警告", "minor"),
    ("虚假宣传，罚款五十万元", "serious"),
]


def build_credit(*, rng: np.random.Generator, today: dt.date, admin: User) -> dict[str, int]:
    with transaction.atomic():
        depts = _departments(admin)
        ents = list(Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).order_by("pk"))
        _classes(rng, ents, today)
        records = _records(rng, ents, today, admin, depts)
        services.profiles_refresh(today=today)
        tasks = _inspections(rng, ents, today, admin, depts)
        repairs = _repairs(today, admin, depts)
    return {"records": records, "tasks": tasks, "repairs": repairs}


def _departments(admin: User) -> dict[str, Department]:
    out = {}
    for code, name in DEPTS:
        out[code] = (
            Department.objects.get_or_create(code=code, defaults={"name": name})[0]
            if name
            else Department.objects.get(code=code)
        )
    jfj = Department.objects.get(code="JFJ")  # 经发局 hosts the zone's 社会信用体系建设办公室
    capabilities.set_holder(actor=admin, key=CREDIT_OFFICE, department_id=jfj.pk)
    for code in ("SCJ", "HBJ", "YJJ"):  # a login for each new bureau, as the other departments have
        User.objects.get_or_create(
            username=f"{code.lower()}_staff",
            defaults={
                "role": Role.DEPT_STAFF,
                "department": out[code],
                "display_name": f"{out[code].name}科员",
            },
        )
    return out


def _classes(rng, ents: list[Enterprise], today: dt.date) -> None:
    """The SAMR class of every enterprise as of the first of the month, and tax (and, for industry,
    environmental) grades."""
    as_of = today.replace(day=1)
    cls = rng.choice(list("ABCD"), size=len(ents), p=[0.74, 0.19, 0.05, 0.02])
    SamrClass.objects.bulk_create(
        [SamrClass(enterprise=e, cls=str(c), as_of=as_of) for e, c in zip(ents, cls, strict=True)]
    )
    tax = rng.choice(list("ABMCD"), size=len(ents), p=[0.45, 0.3, 0.17, 0.06, 0.02])
    env = rng.choice(["诚信", "良好", "警示", "不良"], size=len(ents), p=[0.4, 0.45, 0.12, 0.03])
    rated = rng.random(len(ents))
    grades = []
    for k, e in enumerate(ents):
        if rated[k] < 0.65:
            grades.append(
                SectorGrade(
                    enterprise=e, scheme="tax_credit", grade=str(tax[k]), as_of=dt.date(today.year, 4, 1)
                )
            )
        if rated[k] < 0.3 and e.industry_division and "13" <= e.industry_division <= "43":
            grades.append(
                SectorGrade(
                    enterprise=e,
                    scheme="environment",
                    grade=str(env[k]),
                    as_of=dt.date(today.year - 1, 12, 1),
                )
            )
    SectorGrade.objects.bulk_create(grades)


def _records(rng, ents: list[Enterprise], today: dt.date, admin: User, depts) -> int:
    """双公示 decisions over the last two years, a few 经营异常 entries, one 严重失信 entry, commitments."""
    n = 0
    picks = rng.choice(len(ents), size=min(len(ents), 40), replace=False).tolist()
    scj, hbj, yjj, spj = depts["SCJ"], depts["HBJ"], depts["YJJ"], depts["SPJ"]
    for k, idx in enumerate(picks[:14]):
        title, severity = PENALTIES[k % len(PENALTIES)]
        dept = [scj, hbj, yjj][k % 3]
        decided = today - dt.timedelta(days=int(rng.integers(20, 700)))
        services.record_create(
            user=admin,
            enterprise_id=ents[idx].pk,
            kind=RecordKind.PENALTY,
            severity=severity,
            title=title,
            decided_on=decided,
            department_id=dept.pk,
            document_no=f"经开{dept.code}罚〔{decided.year}〕{k + 1}号",
            published_on=decided + dt.timedelta(days=int(rng.integers(1, 12))),
        )
        n += 1
    for k, idx in enumerate(picks[14:20]):
        decided = today - dt.timedelta(days=int(rng.integers(30, 400)))
        services.record_create(
            user=admin,
            enterprise_id=ents[idx].pk,
            kind=RecordKind.ABNORMAL,
            severity="minor" if k % 2 else "ordinary",
            title="通过登记的住所无法联系" if k % 2 else "未按规定期限公示年度报告",
            decided_on=decided,
            department_id=scj.pk,
        )
        n += 1
    services.record_create(
        user=admin,
        enterprise_id=ents[picks[20]].pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="拒不履行生效行政处罚决定，列入严重失信主体名单",
        decided_on=today - dt.timedelta(days=200),
        department_id=scj.pk,
    )
    n += 1
    for k, idx in enumerate(picks[21:31]):
        decided = today - dt.timedelta(days=int(rng.integers(5, 300)))
        kind = RecordKind.LICENCE if k % 2 else RecordKind.COMMITMENT
        services.record_create(
            user=admin,
            enterprise_id=ents[idx].pk,
            kind=kind,
            title="排污许可证核发" if kind == RecordKind.LICENCE else "企业投资项目告知承诺",
            decided_on=decided,
            department_id=(hbj if kind == RecordKind.LICENCE else spj).pk,
            published_on=decided + dt.timedelta(days=3) if k % 3 else None,
        )
        n += 1
    return n


def _inspections(rng, ents: list[Enterprise], today: dt.date, admin: User, depts) -> int:
    """The year's items, inspectors, conflicts and plans; two drawn tasks with results in every state."""
    items = {}
    for code, name, dept, kind, qual in ITEMS:
        items[code] = services.item_save(
            user=admin,
            data={
                "code": code,
                "name": name,
                "department_id": depts[dept].pk,
                "kind": kind,
                "qualification": qual,
                "basis": "《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》（国发〔2019〕5号）",
                "a_class_exempt": kind == "general",
            },
        )
    inspectors = []
    for k in range(30):
        code = DEPTS[k % 5][0]
        name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7) % len(GIVEN)]
        until = today + dt.timedelta(days=400) if k % 11 else today - dt.timedelta(days=30)  # some lapsed
        leave = (today - dt.timedelta(days=3), today + dt.timedelta(days=10)) if k == 7 else (None, None)

        inspectors.append(
            services.inspector_save(
                user=admin,
                data={
                    "number": f"ZF{k + 1:03d}",
                    "name": name,
                    "department_id": depts[code].pk,
                    "certificate_no": f"湘执字{430100 + k:06d}",
                    "certificate_until": until,
                    "qualifications": QUALS[code],
                    "leave_from": leave[0],
                    "leave_until": leave[1],
                },
            )
        )
    for k in range(12):
        services.conflict_declare(
            user=admin,
            inspector_id=inspectors[(k * 5) % 30].pk,
            enterprise_id=ents[(k * 37) % len(ents)].pk,
            reason=list(Conflict.Reason.values)[k % 5],
            declared_on=today - dt.timedelta(days=60),
            note="本人申报" if k % 2 else "",
        )
    for code, _name in DEPTS:
        services.plan_save(
            user=admin,
            year=today.year,
            name=f"{today.year}年{depts[code].name}双随机抽查计划",
            department_id=depts[code].pk,
            published_on=dt.date(today.year, 1, 15),
        )
    first = _drawn_task(
        admin,
        "企业公示信息与食品经营抽查",
        [items["SC-01"], items["SC-02"]],
        today - dt.timedelta(days=60),
        0,
    )
    joint = _drawn_task(
        admin,
        "企业公示信息与排污许可联合抽查",
        [items["SC-01"], items["HB-01"]],
        today - dt.timedelta(days=14),
        1,
        inspect_by=today + dt.timedelta(days=30),
    )
    # the new bureaus' logins are enforcement officers too — each the officer of its bureau the joint task drew most
    # (the draw's secret is random, so chosen after it): they sign declarations and open their objects
    from django.db.models import Count

    from parkos.credit.models import Inspector

    for code in ("SCJ", "HBJ"):
        login = User.objects.filter(username=f"{code.lower()}_staff").first()
        busiest = (
            Inspector.objects.filter(department=depts[code], inspections__task=joint)
            .annotate(n=Count("inspections"))
            .order_by("-n", "number")
            .first()
        )
        if login is not None and busiest is not None:
            services.inspector_save(
                user=admin, pk=busiest.pk, data={"user_id": login.pk}, version=busiest.version
            )
    _results(rng, first, today, admin, share=1.0)
    _results(rng, joint, today, admin, share=0.5)
    return 2


def _drawn_task(
    admin: User, name: str, items, planned_on: dt.date, park_index: int, inspect_by: dt.date | None = None
):
    from parkos.core.models import Park
    from parkos.credit.models import InspectionPlan

    plan = InspectionPlan.objects.filter(department=items[0].department, year=planned_on.year).first()
    parks = list(Park.objects.order_by("code"))
    task = services.task_create(
        park_id=parks[park_index % len(parks)].pk if parks else None,
        user=admin,
        name=name,
        item_ids=[i.pk for i in items],
        planned_on=planned_on,
        plan_id=plan.pk if plan else None,
        department_id=items[0].department_id,
        max_load=20,
        inspect_by=inspect_by,
    )
    services.task_freeze(user=admin, pk=task.pk, on=planned_on)
    services.task_draw(
        user=admin, pk=task.pk, witness_code="2026-0815", witnesses="纪工委 李明；法制办 王芳", on=planned_on
    )
    return task


def _results(rng, task, today: dt.date, admin: User, share: float) -> None:
    """Results for a share of the task's objects: most without problems, some ordered to rectify; published in
    time, late, or not yet; manual objects get a team first. The inspectors with a login sign the task's
    no-conflict declaration the day after the draw; while the inspection period runs, each has an object opened
    today, not yet reported (one shared object when the draw teamed two of them on the only object of one)."""
    rows = list(Inspection.objects.filter(task=task).order_by("order"))
    signers = User.objects.filter(inspector__inspections__task=task).distinct().order_by("pk")
    for u in signers:
        services.declaration_sign(user=u, task_id=task.pk, on=task.planned_on + dt.timedelta(days=1))
    # while the inspection period runs, each officer keeps one assigned object of their own without a result (the
    # last in draw order), so the one they open today is always there whatever the draw gave them
    keep: dict[int, int] = {}  # officer's user → the object they open today
    if share < 1:
        for u in signers:
            mine = (
                Inspection.objects.filter(task=task, state=InspectionState.ASSIGNED, inspectors__user=u)
                .exclude(pk__in=list(keep.values()))
                .order_by("-order")
                .values_list("pk", flat=True)
                .first()
            )
            if mine is not None:
                keep[u.pk] = mine
    spare = list(task.record.result["assignments"].values())
    from parkos.credit.models import Inspector

    pool = list(Inspector.objects.filter(number__in={n for team in spare for n in team}).order_by("number"))
    for k, insp in enumerate(rows):
        if insp.state == InspectionState.MANUAL:
            barred = set(
                Conflict.objects.filter(enterprise_id=insp.enterprise_id).values_list(
                    "inspector_id", flat=True
                )
            )
            free = [i.pk for i in pool if i.pk not in barred][:2]
            if len(free) < 2:
                continue
            services.inspection_assign(user=admin, pk=insp.pk, inspector_ids=free, on=task.planned_on)
        if k >= len(rows) * share:
            break
        if insp.pk in keep.values():
            continue
        inspected = min(today, task.planned_on + dt.timedelta(days=int(rng.integers(3, 20))))
        problem = k % 6 == 5
        services.result_enter(
            user=admin,
            pk=insp.pk,
            result=Result.ORDERED if problem else (Result.NO_PROBLEM if k % 9 else Result.NOT_PUBLISHED),
            inspected_on=inspected,
            problems="现场发现公示信息与实际不符，已责令限期改正" if problem or not k % 9 else "",
        )
        if k % 4 == 3:
            continue  # entered, waiting to be published
        late = 35 if k % 7 == 6 else int(rng.integers(2, 15))
        services.result_publish(user=admin, pk=insp.pk, on=min(today, inspected + dt.timedelta(days=late)))
    for u in signers:  # each officer has opened one object today and is on the way
        if u.pk in keep:
            services.inspection_open(user=u, pk=keep[u.pk], on=today)


def _repairs(today: dt.date, admin: User, depts) -> int:
    """Three enterprises apply to repair: one approved, one refused, one waiting (the demo's enterprise login)."""
    from parkos.credit.models import CreditRecord, RecordStatus

    candidates = list(
        CreditRecord.objects.filter(
            kind__in=[RecordKind.PENALTY, RecordKind.ABNORMAL],
            status=RecordStatus.PUBLISHED,
            repair_from__lte=today,
        ).order_by("decided_on", "pk")[:3]
    )
    qiye = EnterpriseAccount.objects.filter(user__username="qiye").select_related("enterprise").first()
    n = 0
    for k, record in enumerate(candidates):
        user = User.objects.filter(enterprise_account__enterprise_id=record.enterprise_id).first()
        if user is None:
            user = User.objects.create_user(
                f"qiye_credit{k + 1}",
                password=None,
                role=Role.ENTERPRISE,
                display_name=f"{record.enterprise.name}联络人",
            )
            EnterpriseAccount.objects.create(user=user, enterprise_id=record.enterprise_id)
        applied = max(record.repair_from, today - dt.timedelta(days=20))
        app = services.repair_apply(
            user=user,
            record_id=record.pk,
            statement="已缴清罚款，完成整改并通过复查",
            commitment="本企业承诺所提交材料真实有效，今后依法诚信经营。",
            on=applied,
        )
        decided = min(today, applied + dt.timedelta(days=3))
        if k == 0:
            services.repair_decide(
                user=admin, pk=app.pk, approve=True, decision="符合修复条件，准予修复", on=decided
            )
        elif k == 1:
            services.repair_decide(
                user=admin, pk=app.pk, approve=False, decision="整改材料不完整，请补正后重新申请", on=decided
            )
        n += 1
    if qiye is not None:  # the enterprise login has a record it may repair
        services.record_create(
            user=admin,
            enterprise_id=qiye.enterprise_id,
            kind=RecordKind.PENALTY,
            severity="minor",
            title="未按规定公示年度报告，警告",
            decided_on=today - dt.timedelta(days=40),
            department_id=depts["SCJ"].pk,
        )
    return n

"""Demo service desk and policies, written through the real services: request categories, service cards for the
biggest enterprises, a year of requests (portal, visits, hotline) handled by the departments with ratings, 差评
cases in every state, visits; about twenty zone policies with clauses, matched against the registry, with
applications, reviews, 免申即享 grant lists and disbursements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db import transaction

from parkos.core import capabilities
from parkos.core.models import Department, User
from parkos.enterprises.models import AnnualIndicator, Enterprise, EnterpriseAccount
from parkos.ratings import services as rating_services
from parkos.ratings.models import BAD_REASONS
from parkos.servicedesk import services
from parkos.servicedesk.models import SERVICE_CENTRE, Category

TOPICS = [
    ("consult", "高企认定政策咨询", "咨询高新技术企业认定条件和奖励兑现时间"),
    ("consult", "研发费用加计扣除", "咨询研发费用加计扣除的归集口径"),
    ("help", "厂区用电增容", "新产线投产需要增容，请协调供电公司"),
    ("help", "员工子女入学", "外地引进技术骨干子女入学需协调学位"),
    ("help", "招工难", "春节后一线操作工缺口约 80 人，请求组织专场招聘"),
    ("help", "物流通道", "厂区门口道路限行影响货车进出"),
    ("complaint", "施工噪音扰民", "相邻工地夜间施工影响员工休息"),
    ("complaint", "审批材料反复要求", "同一材料被要求重复提交三次"),
    ("suggestion", "公交线路优化", "建议增开园区至地铁站的通勤公交"),
    ("suggestion", "人才公寓", "建议增加人才公寓房源并缩短轮候期"),
    ("complex", "土地证办理历史遗留问题", "2012 年取得的土地因规划调整未能办证"),
    ("complex", "供应链融资", "核心企业应收账款确权难，请求协调银行"),
]
DEPTS = {"consult": "KJJ", "help": "JFJ", "complaint": "SPJ", "suggestion": "GHJ", "complex": "JFJ"}
ANSWERS = [
    "已协调相关单位办理完毕",
    "已电话解答并寄送政策汇编",
    "已列入专项协调会议题并落实",
    "已与企业现场对接，问题解决",
]


def _handle(
    rng, k: int, r, code: str, received: dt.date, today: dt.date, *, depts, staff, centre, admin, cases: int
) -> int:
    """A request's life after it was filed: dispatch (sometimes sent back), acceptance, the answer, closing and
    the revisit, and the enterprise's rating; a bad one walks its 差评 case. Returns 1 when it made a case."""
    age = (today - received).days
    dept = r.department or depts[DEPTS[code]]
    handler = r.officer or staff.get(DEPTS[code]) or admin
    if r.state == "received":
        if age < 5:
            return 0
        services.request_dispatch(user=centre, pk=r.pk, department_id=dept.pk, on=received)
    if age < 4 and rng.random() < 0.7:
        return 0
    if k % 17 == 5:  # a wrong assignment sent back and re-dispatched
        services.request_send_back(
            user=handler, pk=r.pk, reason="不属本部门职责，建议由规划建设局承办", on=received
        )
        services.request_dispatch(user=centre, pk=r.pk, department_id=depts["GHJ"].pk, on=received)
        handler = staff.get("GHJ") or admin
    services.request_accept(user=handler, pk=r.pk, on=min(today, received + dt.timedelta(days=1)))
    if age < 20 and rng.random() < 0.5:
        return 0  # still being handled (some late)
    answered = min(today, received + dt.timedelta(days=int(rng.integers(2, 25))))
    services.request_answer(user=handler, pk=r.pk, answer=str(rng.choice(ANSWERS)), on=answered)
    closed = min(today, answered + dt.timedelta(days=1))
    services.request_close(user=centre, pk=r.pk, on=closed)
    if (today - closed).days > 3:
        services.request_revisit(
            user=centre,
            pk=r.pk,
            note="电话回访，企业表示满意",
            satisfied=True,
            on=min(today, closed + dt.timedelta(days=3)),
        )
    rater = _rater(r.enterprise_id)
    if rater is None or rng.random() < 0.12:  # not every enterprise rates (主动评价率 below 100 %)
        return 0
    level = int(rng.choice([5, 5, 5, 4, 4, 3, 2, 1], p=[0.3, 0.15, 0.1, 0.15, 0.1, 0.08, 0.07, 0.05]))
    reasons = [str(rng.choice(BAD_REASONS))] if level <= 2 else []
    rating = services.rate_request(
        user=rater, pk=r.pk, level=level, reasons=reasons, text="" if level > 2 else "办理太慢", on=closed
    )
    if level > 2:
        return 0
    _walk_case(rng, rating.case, handler, centre, rater, closed, today, cases + 1)
    return 1


@transaction.atomic
def build_services(*, rng: np.random.Generator, today: dt.date, admin: User) -> dict[str, int]:
    depts = {d.code: d for d in Department.objects.all()}
    capabilities.set_holder(actor=admin, key=SERVICE_CENTRE, department_id=depts["QFZX"].pk)
    services.install_default_categories()
    for (
        cat
    ) in Category.objects.all():  # complaints and complex matters are dispatched by the service centre itself
        cat.department = depts.get(DEPTS[cat.code]) if cat.code in {"consult", "help", "suggestion"} else None
        cat.save()
    centre = User.objects.filter(username="qfzx_staff").first() or admin
    staff = {
        d: User.objects.filter(department__code=d, is_active=True).order_by("pk").first()
        for d in DEPTS.values()
    }
    year = today.year
    biggest = list(
        AnnualIndicator.objects.filter(year=year - 1, revenue__isnull=False, enterprise__status="operating")
        .order_by("-revenue")
        .values_list("enterprise_id", flat=True)[:30]
    )
    officers = [
        u
        for u in [User.objects.filter(username=n).first() for n in ("qfzx_staff", "jfj_staff", "daiban")]
        if u
    ]
    for k, e in enumerate(biggest):
        services.card_issue(user=admin, enterprise_id=e, year=year, officer_id=officers[k % len(officers)].pk)
    ents = list(
        Enterprise.objects.filter(status="operating").order_by("pk").values_list("pk", flat=True)[:400]
    )
    portal = EnterpriseAccount.objects.select_related("user", "enterprise").first()
    cats = {c.code: c for c in Category.objects.all()}
    made = cases = 0
    for k in range(220):
        # a year of requests, busier lately so that the queue has open ones in every light
        received = today - dt.timedelta(
            days=int(rng.integers(0, 25) if rng.random() < 0.3 else rng.integers(0, 330))
        )
        if received.weekday() >= 5:
            received -= dt.timedelta(days=received.weekday() - 4)
        code, title, text = TOPICS[int(rng.integers(len(TOPICS)))]
        if k >= 217:  # whatever today is, a few complaints just in, waiting for the centre to dispatch them
            received = today
            code, title, text = next(t for t in TOPICS if t[0] == "complaint")
        mine = portal is not None and k % 11 == 0
        ent_id = (
            portal.enterprise_id
            if mine
            else (biggest[k % len(biggest)] if k % 4 == 0 and biggest else ents[int(rng.integers(len(ents)))])
        )
        channel = "portal" if mine else str(rng.choice(["portal", "visit", "hotline"], p=[0.5, 0.3, 0.2]))
        visit = None
        if channel == "visit":
            visit = services.visit_log(
                user=centre,
                enterprise_id=ent_id,
                on=received,
                officials="企业服务中心、" + str(rng.choice(["经济发展局", "科技和人才局", "规划建设局"])),
                topics=f"{title}；生产经营情况；用工用地需求",
            )
        r = services.request_submit(
            user=portal.user if mine else admin,
            enterprise_id=ent_id,
            category_id=cats[code].pk,
            title=title,
            text=text,
            channel=channel,
            on=received,
            visit_id=visit.pk if visit else None,
        )
        made += 1
        cases += _handle(
            rng,
            k,
            r,
            code,
            received,
            today,
            depts=depts,
            staff=staff,
            centre=centre,
            admin=admin,
            cases=cases,
        )
    services.escalate_overdue(today)
    return {"requests": made, "cases": cases}


def _rater(enterprise_id: int) -> User | None:
    """The enterprise's own user, opened for the demo when it has none (ratings are real-name)."""
    acc = EnterpriseAccount.objects.filter(enterprise_id=enterprise_id).select_related("user").first()
    if acc:
        return acc.user
    from parkos.core.models import Role

    u = User.objects.create(username=f"qy{enterprise_id}", role=Role.ENTERPRISE, display_name="企业联系人")
    u.set_unusable_password()
    u.save()
    EnterpriseAccount.objects.create(user=u, enterprise_id=enterprise_id, is_manager=True)
    return u


def _walk_case(rng, case, handler, centre, rater, on: dt.date, today: dt.date, k: int) -> None:
    """Cases end in every state: assigned (0), verifying (1), rectifying (2), explained (3), feedback (4), appealed (5),
    upheld (6), closed with a follow-up rating (7)."""
    fate = k % 8
    if fate == 0:
        return
    day = lambda n: min(today, on + dt.timedelta(days=n))  # noqa: E731
    if fate == 5:
        rating_services.case_act(user=handler, pk=case.pk, action="contact", method="电话", on=day(1))
        rating_services.case_act(
            user=handler, pk=case.pk, action="appeal", note="评价人反映的问题与本件无关", on=day(1)
        )
        return
    if fate == 6:
        rating_services.case_act(user=handler, pk=case.pk, action="contact", method="电话", on=day(1))
        rating_services.case_act(
            user=handler, pk=case.pk, action="appeal", note="系评价人误操作，已电话确认", on=day(1)
        )
        rating_services.case_act(user=centre, pk=case.pk, action="uphold", note="经核实为误评", on=day(3))
        return
    rating_services.case_act(user=handler, pk=case.pk, action="contact", method="电话", on=day(1))
    if fate == 1:
        return
    if fate == 3:
        rating_services.case_act(
            user=handler, pk=case.pk, action="explain", note="该诉求缺乏政策依据，已向企业解释说明", on=day(2)
        )
        return
    rating_services.case_act(
        user=handler,
        pk=case.pk,
        action="rectify",
        kind="complex" if fate == 2 else "simple",
        note="建立台账，专人跟进",
        on=day(2),
    )
    if fate == 2:
        return
    rating_services.case_act(
        user=handler, pk=case.pk, action="done", note="已整改到位并向企业致歉", on=day(5)
    )
    if fate == 7:
        rating_services.case_act(
            user=rater, pk=case.pk, action="followup", level=int(rng.choice([3, 4, 4])), on=day(6)
        )


POLICIES = [  # title, issuer, doc number, department code, [(number, title, rule, support, auto)]
    ("长沙经开区支持企业研发投入奖补办法", "长沙经开区管委会", "长经开管发〔2025〕12号", "KJJ", [
        ("第三条", "研发投入奖补", {"all": [{"field": "is_high_tech", "op": "eq", "value": True}, {"field": "rd_expense", "op": "gte", "value": 200}]},
         {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50}, False),
        ("第四条", "科技型中小企业研发后补助", {"all": [{"field": "age_years", "op": "lte", "value": 10}, {"field": "rd_expense", "op": "gte", "value": 50},
                                                   {"field": "employees", "op": "lte", "value": 300}]}, {"type": "rate", "field": "rd_expense", "rate": 0.05, "cap": 20}, False),
    ]),
    ("关于促进工业企业入规升规的若干措施", "长沙经开区管委会", "长经开管发〔2025〕18号", "JFJ", [
        ("第二条", "入规奖励", {"all": [{"field": "is_above_scale", "op": "eq", "value": True}, {"field": "age_years", "op": "lte", "value": 3}]},
         {"type": "fixed", "amount": 10}, True),
        ("第三条", "产值增长奖励", {"all": [{"field": "is_above_scale", "op": "eq", "value": True}, {"field": "revenue_growth", "op": "gte", "value": 15}]},
         {"type": "fixed", "amount": 15}, False),
    ]),
    ("高新技术企业认定奖励实施细则", "长沙经开区科技和人才局", "长经开科〔2025〕3号", "KJJ", [
        ("第二条", "高企认定奖励", {"field": "is_high_tech", "op": "eq", "value": True}, {"type": "fixed", "amount": 20}, True),
    ]),
    ("专精特新企业培育支持办法", "长沙经开区管委会", "长经开管发〔2025〕21号", "JFJ", [
        ("第三条", "省级专精特新奖励", {"field": "srdi_level", "op": "eq", "value": "province"}, {"type": "fixed", "amount": 30}, True),
        ("第四条", "国家级小巨人奖励", {"field": "srdi_level", "op": "eq", "value": "little_giant"}, {"type": "fixed", "amount": 100}, True),
    ]),
    ("支持企业上市挂牌若干政策", "长沙经开区财政局", "长经开财〔2025〕7号", "CZJ", [
        ("第二条", "上市后备企业辅导奖励", {"field": "is_listing_reserve", "op": "eq", "value": True}, {"type": "fixed", "amount": 50}, False),
    ]),
    ("人才安居实施办法", "长沙经开区科技和人才局", "长经开科〔2025〕9号", "KJJ", [
        ("第五条", "人才住房补贴", {"all": [{"field": "employees", "op": "gte", "value": 50}, {"field": "rd_intensity", "op": "gte", "value": 3}]},
         {"type": "fixed", "amount": 5}, False),
    ]),
    ("亩均效益综合评价结果运用办法", "长沙经开区管委会", "长经开管发〔2025〕5号", "JFJ", [
        ("第六条", "A类企业奖励", {"field": "efficiency_class", "op": "eq", "value": "A"}, {"type": "fixed", "amount": 30}, True),
        ("第七条", "B类企业用地支持", {"field": "efficiency_class", "op": "in", "value": ["A", "B"]}, None, False),
    ]),
    ("总部经济发展扶持办法", "长沙经开区投资促进局", "长经开投〔2025〕2号", "TCJ", [
        ("第四条", "总部企业经营贡献奖", {"all": [{"field": "is_headquarters", "op": "eq", "value": True}, {"field": "tax_paid", "op": "gte", "value": 500}]},
         {"type": "rate", "field": "tax_paid", "rate": 0.05, "cap": 200}, False),
    ]),
    ("鼓励外资企业增资扩产若干措施", "长沙经开区投资促进局", "长经开投〔2025〕5号", "TCJ", [
        ("第二条", "外资增资奖励", {"all": [{"field": "is_foreign_funded", "op": "eq", "value": True}, {"field": "revenue_growth", "op": "gte", "value": 20}]},
         {"type": "fixed", "amount": 50}, False),
    ]),
    ("工业企业技术改造补贴办法", "长沙经开区经济发展局", "长经开经〔2025〕11号", "JFJ", [
        ("第三条", "技术改造补贴", {"all": [{"field": "industry_code", "op": "prefix", "value": "3"}, {"field": "gross_output", "op": "gte", "value": 5000}]},
         {"type": "fixed", "amount": 30}, False),
        ("第四条", "工业互联网应用补贴", {"all": [{"field": "is_above_scale", "op": "eq", "value": True},
                                              {"any": [{"field": "industry_code", "op": "prefix", "value": "35"}, {"field": "industry_code", "op": "prefix", "value": "36"}]}]},
         {"type": "fixed", "amount": 10}, False),
    ]),
    ("稳岗就业支持措施", "长沙经开区社会事务局", "长经开社〔2025〕4号", "QFZX", [
        ("第二条", "稳岗补贴", {"field": "employees", "op": "gte", "value": 100}, {"type": "fixed", "amount": 10}, True),
    ]),
    ("生产性服务业发展扶持办法", "长沙经开区经济发展局", "长经开经〔2025〕15号", "JFJ", [
        ("第三条", "服务业首次入统奖励", {"all": [{"any": [{"field": "industry_code", "op": "prefix", "value": "65"}, {"field": "industry_code", "op": "prefix", "value": "72"}]},
                                                {"field": "revenue", "op": "gte", "value": 1000}]}, {"type": "fixed", "amount": 10}, False),
    ]),
    ("纳税贡献企业表彰奖励办法", "长沙经开区财政局", "长经开财〔2025〕2号", "CZJ", [
        ("第二条", "纳税贡献奖", {"field": "tax_paid", "op": "gte", "value": 3000}, {"type": "fixed", "amount": 20}, True),
    ]),
    ("集成电路产业发展专项政策", "长沙经开区管委会", "长经开管发〔2025〕30号", "KJJ", [
        ("第四条", "集成电路设计企业研发奖励", {"field": "industry_code", "op": "in", "value": ["6520", "3973"]}, {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 100}, False),
    ]),
    ("智能制造示范企业奖励办法", "长沙经开区经济发展局", "长经开经〔2025〕22号", "JFJ", [
        ("第二条", "智能制造示范奖励", {"all": [{"field": "is_above_scale", "op": "eq", "value": True}, {"field": "gross_output", "op": "gte", "value": 20000}]},
         {"type": "fixed", "amount": 50}, False),
    ]),
    ("知识产权资助办法", "长沙经开区科技和人才局", "长经开科〔2025〕12号", "KJJ", [
        ("第三条", "发明专利资助", {"field": "is_high_tech", "op": "eq", "value": True}, {"type": "fixed", "amount": 2}, False),
    ]),
    ("品牌建设奖励办法", "长沙经开区经济发展局", "长经开经〔2025〕25号", "JFJ", [
        ("第二条", "老字号与品牌企业奖励", {"all": [{"field": "age_years", "op": "gte", "value": 15}, {"field": "is_above_scale", "op": "eq", "value": True}]},
         {"type": "fixed", "amount": 10}, False),
    ]),
    ("招才引智奖励办法", "长沙经开区科技和人才局", "长经开科〔2025〕15号", "KJJ", [
        ("第四条", "规模用工企业引才奖励", {"field": "employees", "op": "gte", "value": 300}, {"type": "fixed", "amount": 20}, False),
    ]),
    ("现代物流业降本增效支持措施", "长沙经开区经济发展局", "长经开经〔2025〕28号", "JFJ", [
        ("第三条", "物流企业降本补贴", {"any": [{"field": "industry_code", "op": "prefix", "value": "58"}, {"field": "industry_code", "op": "prefix", "value": "59"},
                                              {"field": "industry_code", "op": "prefix", "value": "60"}]}, {"type": "fixed", "amount": 10}, False),
    ]),
    ("新能源汽车产业链配套奖励办法", "长沙经开区经济发展局", "长经开经〔2025〕20号", "JFJ", [
        ("第三条", "零部件本地配套奖励", {"all": [{"field": "industry_code", "op": "prefix", "value": "36"}, {"field": "gross_output", "op": "gte", "value": 10000}]},
         {"type": "fixed", "amount": 50}, False),
    ]),
]  # fmt: skip


@transaction.atomic
def build_policies(*, rng: np.random.Generator, today: dt.date, admin: User) -> dict[str, int]:
    from parkos.policies import services as policy_services
    from parkos.policies.models import Clause, Eligibility, Grant

    depts = {d.code: d for d in Department.objects.all()}
    n_clauses = 0
    for title, issuer, number, dept, clauses in POLICIES:
        p = policy_services.policy_save(
            user=admin,
            data={
                "title": title,
                "issuer": issuer,
                "doc_number": number,
                "level": "zone",
                "valid_from": dt.date(today.year - 1, 1, 1),
                "department": depts.get(dept) or depts["JFJ"],
            },
        )
        for num, ctitle, rule, support, auto in clauses:
            policy_services.clause_save(
                user=admin,
                policy_id=p.pk,
                data={"number": num, "title": ctitle, "rule": rule, "support": support, "auto_grant": auto},
            )
            n_clauses += 1
    counts = policy_services.match_all()
    for clause in Clause.objects.filter(auto_grant=True)[:4]:
        policy_services.grant_list(user=admin, clause_id=clause.pk)
        ids = list(Grant.objects.filter(clause=clause, state="proposed").values_list("pk", flat=True))
        policy_services.grants_approve(user=admin, ids=ids[: max(1, len(ids) * 2 // 3)])
        for g in Grant.objects.filter(clause=clause, state="approved")[:10]:
            policy_services.disburse(
                user=admin,
                pk=g.pk,
                on=today - dt.timedelta(days=int(rng.integers(1, 60))),
                voucher=f"CZ{today.year}-{g.pk:05d}",
            )
    applied = 0
    picks = []
    for clause in Clause.objects.filter(auto_grant=False, support__isnull=False).order_by(
        "pk"
    ):  # a few per clause
        eligible = Eligibility.objects.filter(status="eligible", clause=clause).select_related(
            "clause__policy"
        )
        picks += list(eligible.order_by("enterprise_id")[:5])
    for e in picks:
        user = _rater(e.enterprise_id)
        amount = e.amount if e.amount is not None else Decimal(10)
        a = policy_services.apply(
            user=user, clause_id=e.clause_id, enterprise_id=e.enterprise_id, amount=amount, note="按政策申报"
        )
        applied += 1
        fate = applied % 4
        if fate == 0:
            continue
        reviewer = User.objects.filter(department=e.clause.policy.department).first() or admin
        policy_services.review(
            user=reviewer if fate != 3 else admin,
            pk=a.pk,
            approve=fate != 3,
            note="" if fate != 3 else "材料不全，佐证不足",
        )
    return {
        "policies": len(POLICIES),
        "clauses": n_clauses,
        "eligible": counts["eligible"],
        "applications": applied,
    }

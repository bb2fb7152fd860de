"""Matching stored clauses against the registry: eligible / data missing / not eligible with the explanation,
a rule refused before it is stored, applications and their review, the 免申即享 list approved in bulk and
disbursed, and each policy's figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import RecordEvent
from parkos.policies import selectors, services
from parkos.policies.models import Application, Eligibility, Grant, MatchRun
from tests.factories import AnnualIndicatorFactory, EnterpriseFactory, enterprise_user

pytestmark = pytest.mark.django_db

RULE = {
    "all": [
        {"field": "is_high_tech", "op": "eq", "value": True},
        {"field": "rd_expense", "op": "gte", "value": 500},
    ]
}


@pytest.fixture
def zone(admin, dept_a):
    a = EnterpriseFactory(name="甲高新", is_high_tech=True, owner=dept_a)
    b = EnterpriseFactory(name="乙高新", is_high_tech=True, owner=dept_a)
    c = EnterpriseFactory(name="丙普通", is_high_tech=False, owner=dept_a)
    d = EnterpriseFactory(name="丁缺数", is_high_tech=True, owner=dept_a)
    AnnualIndicatorFactory(enterprise=a, year=2025, rd_expense=Decimal(800), revenue=Decimal(10000))
    AnnualIndicatorFactory(enterprise=b, year=2025, rd_expense=Decimal(300), revenue=Decimal(9000))
    AnnualIndicatorFactory(enterprise=c, year=2025, rd_expense=Decimal(900), revenue=Decimal(5000))
    AnnualIndicatorFactory(enterprise=d, year=2025, rd_expense=None, revenue=Decimal(5000))
    policy = services.policy_save(
        user=admin,
        data={
            "title": "长沙经开区研发投入奖补办法",
            "issuer": "长沙经开区管委会",
            "level": "zone",
            "doc_number": "长经开管发〔2026〕3号",
            "valid_from": dt.date(2026, 1, 1),
            "department": dept_a,
        },
    )
    clause = services.clause_save(
        user=admin,
        policy_id=policy.pk,
        data={
            "number": "第三条",
            "title": "研发投入奖补",
            "rule": RULE,
            "support": {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50},
        },
    )
    return {"a": a, "b": b, "c": c, "d": d, "policy": policy, "clause": clause}


def test_match_stores_eligible_and_missing_with_amounts(zone):
    counts = services.match_all(year=2025)
    assert (counts["eligible"], counts["unknown"], counts["new"]) == (1, 1, 1)
    rows = {e.enterprise.name: (e.status, e.amount) for e in Eligibility.objects.select_related("enterprise")}
    assert rows == {"甲高新": ("eligible", Decimal("50.00")), "丁缺数": ("unknown", None)}
    assert services.match_all(year=2025)["new"] == 0  # nothing newly eligible the second time


def test_explanations_met_not_met_missing(zone):
    c = zone["clause"]
    ok = selectors.explain_for(clause=c, enterprise_id=zone["a"].pk, year=2025)
    assert (ok["status"], ok["amount"], ok["support_text"]) == (
        "eligible",
        50.0,
        "按2025年研发经费的10%给予支持，最高50万元",
    )
    assert [(x["status"], x["actual"]) for x in ok["conditions"]] == [("met", "是"), ("met", "800万元")]
    no = selectors.explain_for(clause=c, enterprise_id=zone["b"].pk, year=2025)
    assert (no["status"], no["conditions"][1]["status"], no["conditions"][1]["actual"]) == (
        "not_eligible",
        "not_met",
        "300万元",
    )
    miss = selectors.explain_for(clause=c, enterprise_id=zone["d"].pk, year=2025)
    assert (miss["status"], miss["conditions"][1]["missing"]) == ("unknown", "2025年研发经费")


def test_a_rule_outside_the_format_is_refused(zone, admin):
    with pytest.raises(Invalid, match="未知字段"):
        services.clause_save(
            user=admin,
            policy_id=zone["policy"].pk,
            data={
                "number": "第四条",
                "title": "x",
                "rule": {"field": "__import__('os')", "op": "eq", "value": 1},
            },
        )


def test_apply_review_and_grant(zone, dept_a):
    services.match_all(year=2025)
    qiye = enterprise_user(zone["a"], "qiye_a2")
    app = services.apply(
        user=qiye, clause_id=zone["clause"].pk, enterprise_id=zone["a"].pk, amount=Decimal(50)
    )
    with pytest.raises(Invalid):
        services.apply(user=qiye, clause_id=zone["clause"].pk, enterprise_id=zone["a"].pk, amount=Decimal(50))
    with pytest.raises(Forbidden):
        services.apply(user=qiye, clause_id=zone["clause"].pk, enterprise_id=zone["b"].pk, amount=Decimal(50))
    from tests.factories import UserFactory

    staff = UserFactory(username="keji", department=dept_a)
    services.review(user=staff, pk=app.pk, approve=True, amount=Decimal(45))
    g = Grant.objects.get()
    assert (Application.objects.get().state, g.amount, g.state) == ("approved", Decimal(45), "approved")
    services.disburse(user=staff, pk=g.pk, on=dt.date(2026, 6, 30), voucher="CZ2026-0618")
    figures = selectors.policy_figures([zone["policy"].pk])[zone["policy"].pk]
    assert figures == {"eligible": 1, "applied": 1, "granted": 1, "disbursed": Decimal(45)}


def test_auto_grant_list_approved_in_bulk(zone, admin):
    auto = services.clause_save(
        user=admin,
        policy_id=zone["policy"].pk,
        data={
            "number": "第五条",
            "title": "高企认定奖励（免申即享）",
            "rule": {"field": "is_high_tech", "op": "eq", "value": True},
            "support": {"type": "fixed", "amount": 20},
            "auto_grant": True,
        },
    )
    assert services.grant_list(user=admin, clause_id=auto.pk, year=2025) == 3
    assert services.grant_list(user=admin, clause_id=auto.pk, year=2025) == 0
    ids = list(Grant.objects.filter(clause=auto).values_list("pk", flat=True))
    assert services.grants_approve(user=admin, ids=ids) == 3
    assert set(Grant.objects.filter(clause=auto).values_list("amount", "state")) == {
        (Decimal(20), "approved")
    }
    qiye = enterprise_user(zone["a"], "qiye_a3")
    with pytest.raises(Invalid, match="免申即享"):
        services.apply(user=qiye, clause_id=auto.pk, enterprise_id=zone["a"].pk, amount=Decimal(20))


def test_enterprise_user_sees_only_their_matches(zone):
    services.match_all(year=2025)
    qa, qd = enterprise_user(zone["a"], "qa"), enterprise_user(zone["d"], "qd")
    assert [m["status"] for m in selectors.enterprise_matches(user=qa, enterprise_id=zone["a"].pk)] == [
        "eligible"
    ]
    assert selectors.enterprise_matches(user=qd, enterprise_id=zone["a"].pk) == []


def test_the_enterprise_policy_page_is_bounded_in_queries(client, zone, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    services.match_all(year=2025)
    qa = enterprise_user(zone["a"], "qa_q")
    client.force_login(qa)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("policies:mine"))
    for k in range(4):
        services.clause_save(
            user=admin,
            policy_id=zone["policy"].pk,
            data={
                "number": f"第{k + 10}条",
                "title": f"附加{k}",
                "rule": {"field": "rd_expense", "op": "gte", "value": k},
                "support": {"type": "fixed", "amount": 1},
            },
        )
    services.match_all(year=2025)
    with CaptureQueriesContext(connection) as more:
        page = client.get(reverse("policies:mine")).content.decode()
    assert page.count("policy-match") == 5
    assert len(more) == len(few)


def test_efficiency_class_reaches_rules_through_the_rule_field_registry(admin, dept_a):
    """The 亩均 class is a rule field `efficiency` registers in the kernel (policies imports nothing of it): a
    published 2025 run gives 甲 class A and 乙 class C; 丙 has no result (data missing)."""
    from parkos.core import registries
    from parkos.efficiency.models import EvaluationResult, EvaluationRun

    assert registries.rule_fields["efficiency_class"].kind == "choice"
    a, b, c = (EnterpriseFactory(name=n, owner=dept_a) for n in ("甲", "乙", "丙"))
    draft = EvaluationRun.objects.create(year=2025, scheme={}, created_by=admin)
    run = EvaluationRun.objects.create(
        year=2025, scheme={}, created_by=admin, state=EvaluationRun.State.PUBLISHED
    )
    for run_, ent, klass in ((run, a, "A"), (run, b, "C"), (draft, c, "A")):  # the later draft does not count
        EvaluationResult.objects.create(
            run=run_, enterprise=ent, cohort="above", status="rated", final_class=klass, detail_json="[]"
        )
    policy = services.policy_save(
        user=admin,
        data={
            "title": "亩均A类企业奖励",
            "issuer": "长沙经开区管委会",
            "level": "zone",
            "valid_from": dt.date(2026, 1, 1),
            "department": dept_a,
        },
    )
    clause = services.clause_save(
        user=admin,
        policy_id=policy.pk,
        data={
            "number": "第一条",
            "title": "A类奖励",
            "rule": {"field": "efficiency_class", "op": "eq", "value": "A"},
            "support": {"type": "fixed", "amount": 30},
        },
    )
    services.match_all(year=2025)
    got = {
        e.enterprise.name: e.status
        for e in Eligibility.objects.filter(clause=clause).select_related("enterprise")
    }
    assert got == {"甲": "eligible", "丙": "unknown"}  # 乙 (class C) is not eligible and not stored


def test_auto_grant_with_its_base_figure_missing_stays_data_missing(zone, admin):
    """The 免申即享 clause pays 10 % of R&D spending to high-tech enterprises: 甲 (800) → 50 (cap), 乙 (300) → 30,
    丁 has no R&D figure: listed without an amount (data missing), not as a 0.00 grant, and not approved in bulk."""
    auto = services.clause_save(
        user=admin,
        policy_id=zone["policy"].pk,
        data={
            "number": "第六条",
            "title": "研发奖补（免申即享）",
            "rule": {"field": "is_high_tech", "op": "eq", "value": True},
            "support": {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50},
            "auto_grant": True,
        },
    )
    assert services.grant_list(user=admin, clause_id=auto.pk, year=2025) == 3
    got = {
        g.enterprise.name: g.amount for g in Grant.objects.filter(clause=auto).select_related("enterprise")
    }
    assert got == {"甲高新": Decimal("50.00"), "乙高新": Decimal("30.00"), "丁缺数": None}
    ids = list(Grant.objects.filter(clause=auto).values_list("pk", flat=True))
    assert services.grants_approve(user=admin, ids=ids) == 2
    missing = Grant.objects.get(clause=auto, enterprise=zone["d"])
    assert (missing.state, missing.is_data_missing) == ("proposed", True)


def test_bulk_grant_writes_record_history_and_bump_versions(zone, admin):
    auto = services.clause_save(
        user=admin,
        policy_id=zone["policy"].pk,
        data={
            "number": "第五条",
            "title": "高企认定奖励（免申即享）",
            "rule": {"field": "is_high_tech", "op": "eq", "value": True},
            "support": {"type": "fixed", "amount": 20},
            "auto_grant": True,
        },
    )
    services.grant_list(user=admin, clause_id=auto.pk, year=2025)
    g = Grant.objects.filter(clause=auto).first()
    assert (g.version, g.history.count(), g.history.first().history_user) == (1, 1, admin)
    services.grants_approve(user=admin, ids=[g.pk])
    g.refresh_from_db()
    assert (g.version, g.history.count(), g.history.first().state) == (2, 2, "approved")


def test_a_negative_grant_amount_is_refused_by_the_database(zone, admin):
    from django.db import IntegrityError, transaction

    clause = zone["clause"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(clause=clause, enterprise=zone["a"], year=2025, amount=Decimal("-1"))


def test_policy_pages_and_edits_are_scoped(client, zone, leader, staff_a, staff_b):
    """Everyone reads the library; only the department in charge opens the edit forms (a leader or another
    department gets 404 instead of a form that is refused on saving)."""
    p, c = zone["policy"], zone["clause"]
    for user, edit in ((staff_a, 200), (leader, 404), (staff_b, 404)):
        client.force_login(user)
        page = client.get(f"/policies/{p.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        # the edit links appear only for those whose edit form opens (no link to a 404)
        for link in (
            f"/policies/{p.pk}/edit/",
            f"/policies/clauses/{c.pk}/edit/",
            f"/policies/{p.pk}/clauses/new/",
        ):
            assert (link in html) == (edit == 200), (user, link)
        assert client.get(f"/policies/{p.pk}/edit/").status_code == edit
        assert client.get(f"/policies/clauses/{c.pk}/edit/").status_code == edit
        assert client.get(f"/policies/{p.pk}/clauses/new/").status_code == edit
    client.force_login(staff_a)
    assert client.get("/policies/999999/").status_code == 404
    assert selectors.policy_get(user=staff_b, pk=p.pk) == p
    with pytest.raises(Http404):
        selectors.policy_get(user=staff_b, pk=p.pk, action="change")


def test_a_refused_policy_edit_names_the_enterprise_policies_not_the_class_levers(zone, leader):
    from parkos.core.exceptions import Forbidden
    from parkos.efficiency import levers

    with pytest.raises(Forbidden) as refused:
        services.policy_save(user=leader, data={"title": "x"}, pk=zone["policy"].pk)
    assert str(refused.value.message) == "您无权修改惠企政策。"
    with pytest.raises(Forbidden) as refused:
        levers.policy_set(user=leader, year=2026, klass="A", version=None, data={})
    assert str(refused.value.message) == "您无权修改差别化政策。"


def test_an_enterprise_withdraws_a_waiting_application_and_may_apply_again(client, zone):
    services.match_all(year=2025)
    qiye = enterprise_user(zone["a"], "qiye_w")
    other = enterprise_user(zone["b"], "qiye_w2")
    app = services.apply(
        user=qiye, clause_id=zone["clause"].pk, enterprise_id=zone["a"].pk, amount=Decimal(50)
    )
    with pytest.raises((Forbidden, Http404)):
        services.application_withdraw(user=other, pk=app.pk)
    client.force_login(qiye)
    page = client.get(reverse("policies:mine")).content.decode()
    assert "已申报: 已申报" in page
    assert "submitted" not in page.split("<main")[-1]
    assert "撤回" in page
    r = client.post(reverse("policies:application_withdraw", args=[app.pk]))
    assert r.status_code == 302
    app.refresh_from_db()
    assert (app.state, app.version) == ("withdrawn", 2)
    assert list(RecordEvent.objects.filter(object_id=app.pk).values_list("action", "to_state")) == [
        ("withdraw", "withdrawn")
    ]
    with pytest.raises(Invalid, match="已撤回"):
        services.application_withdraw(user=qiye, pk=app.pk)
    services.apply(user=qiye, clause_id=zone["clause"].pk, enterprise_id=zone["a"].pk, amount=Decimal(40))


def test_a_grant_is_cancelled_with_a_reason_before_payment_only(client, zone, admin):
    auto = services.clause_save(
        user=admin,
        policy_id=zone["policy"].pk,
        data={
            "number": "第六条",
            "title": "高企认定奖励",
            "rule": {"field": "is_high_tech", "op": "eq", "value": True},
            "support": {"type": "fixed", "amount": 20},
            "auto_grant": True,
        },
    )
    services.grant_list(user=admin, clause_id=auto.pk, year=2025)
    g1, g2 = Grant.objects.filter(clause=auto).order_by("pk")[:2]
    with pytest.raises(Invalid) as exc:
        services.grant_cancel(user=admin, pk=g1.pk, reason=" ")
    assert exc.value.fields == {"reason": ["必填"]} or "reason" in exc.value.fields
    client.force_login(admin)
    r = client.post(reverse("policies:grants"), {"action": "cancel", "grant_id": g1.pk, "reason": "重复列入"})
    assert r.status_code == 302
    g1.refresh_from_db()
    assert g1.state == "cancelled"
    assert RecordEvent.objects.filter(object_id=g1.pk, action="cancel").get().note == "重复列入"
    services.grants_approve(user=admin, ids=[g2.pk])
    services.disburse(user=admin, pk=g2.pk, on=dt.date(2026, 6, 30), voucher="CZ-1")
    with pytest.raises(Invalid, match="已拨付"):
        services.grant_cancel(user=admin, pk=g2.pk, reason="误发")
    # the list still exports when a grant's amount is missing
    assert client.get(reverse("policies:grants"), {"state": "cancelled", "export": "xlsx"}).status_code == 200


def test_matching_runs_in_the_background_with_its_progress_and_counts(client, zone, admin):
    """Matching 100,000 enterprises against 200 clauses is not work for a request: the button queues a run (the
    test settings run tasks at once) and its page shows the status and the counts."""
    client.force_login(admin)
    r = client.post(reverse("policies:match"))
    run = MatchRun.objects.get()
    assert r.status_code == 302
    assert r.url == reverse("policies:match_run", args=[run.pk])
    assert (run.status, run.created_by) == ("done", admin)
    assert run.counts == {"clauses": 1, "enterprises": 4, "eligible": 1, "unknown": 1, "new": 1}
    page = client.get(r.url).content.decode()
    assert "已用 1 个条款匹配 4 家企业：符合 1 项，数据不全 1 项，新增待推送 1 项。" in page
    assert 'data-status="done"' in page
    assert client.get(reverse("policies:match")).status_code == 405  # a GET never starts one
    assert Eligibility.objects.count() == 2


def test_the_portal_marks_matches_seen_by_post_not_by_reading(client, zone):
    services.match_all(year=2025)
    qiye = enterprise_user(zone["a"], "qiye_seen")
    client.force_login(qiye)
    client.get(reverse("policies:mine"))
    assert (
        Eligibility.objects.filter(enterprise=zone["a"], notified=False).count() == 1
    )  # a GET writes nothing
    assert client.post(reverse("policies:matches_seen")).status_code == 204
    assert not Eligibility.objects.filter(enterprise=zone["a"], notified=False).exists()


@pytest.mark.parametrize("url", ["policies:grants", "policies:applications", "policies:list"])
def test_grant_application_and_library_lists_are_bounded_in_queries(client, zone, admin, url):
    auto = services.clause_save(
        user=admin,
        policy_id=zone["policy"].pk,
        data={
            "number": "第七条",
            "title": "高企奖励",
            "rule": {"field": "is_high_tech", "op": "eq", "value": True},
            "support": {"type": "fixed", "amount": 20},
            "auto_grant": True,
        },
    )

    def add(k: int) -> None:
        for i in range(k):
            e = EnterpriseFactory(name=f"附加企业{url[-3:]}{k}{i}")
            Grant.objects.create(clause=auto, enterprise=e, year=2025, amount=Decimal(20))
            Application.objects.create(
                clause=zone["clause"],
                enterprise=e,
                amount=Decimal(10),
                submitted_on=dt.date(2026, 3, 2),
                submitted_by=admin,
            )
            services.policy_save(
                user=admin,
                data={
                    "title": f"政策{k}{i}",
                    "issuer": "管委会",
                    "level": "zone",
                    "valid_from": dt.date(2026, 1, 1),
                    "department": zone["policy"].department,
                },
            )

    client.force_login(admin)
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url)).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(url))
    assert len(more) == len(few), url


def test_the_grants_page_approves_the_ticked_disburses_and_refuses_a_bad_post(client, zone, admin):
    auto = services.clause_save(
        user=admin,
        policy_id=zone["policy"].pk,
        data={
            "number": "第七条",
            "title": "高企认定奖励",
            "rule": {"field": "is_high_tech", "op": "eq", "value": True},
            "support": {"type": "fixed", "amount": 20},
            "auto_grant": True,
        },
    )
    services.grant_list(user=admin, clause_id=auto.pk, year=2025)
    g1, g2 = Grant.objects.filter(clause=auto).order_by("pk")[:2]
    client.force_login(admin)
    url = reverse("policies:grants")
    r = client.post(url, {"action": "approve", "grant": [g1.pk, "x"]}, follow=True)
    assert "请从列表中选择" in r.text  # nothing half-done
    g1.refresh_from_db()
    assert g1.state == "proposed"
    r = client.post(url, {"action": "approve", "grant": [g1.pk, g2.pk]}, follow=True)
    assert "已批准 2 笔兑现。" in r.text
    r = client.post(url, {"action": "disburse", "grant_id": g1.pk, "voucher": "CZ-9"}, follow=True)
    g1.refresh_from_db()
    assert (g1.state, g1.voucher) == ("disbursed", "CZ-9")
    assert client.post(url, {"action": "nonsense", "grant_id": g2.pk}).status_code == 404


def test_an_application_takes_the_enterprises_materials_while_it_waits_and_staff_see_them(
    client, zone, dept_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parkos.core.models import Attachment
    from tests.factories import UserFactory

    services.match_all(year=2025)
    qiye = enterprise_user(zone["a"], "qiye_mat")
    app = services.apply(
        user=qiye, clause_id=zone["clause"].pk, enterprise_id=zone["a"].pk, amount=Decimal(50)
    )
    client.force_login(qiye)
    assert f'name="target_id" value="{app.pk}"' in client.get("/policies/mine/").content.decode()
    doc = SimpleUploadedFile("研发费用专项审计报告.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post("/files/add/", {"target": "policies.application", "target_id": app.pk, "files": [doc]})
    (a,) = Attachment.objects.filter(target="policies.application", target_id=app.pk)
    staff = UserFactory(username="keji_mat", department=dept_a)
    client.force_login(staff)
    html = client.get("/policies/applications/").content.decode()
    assert f'href="/files/{a.pk}/"' in html
    assert "研发费用专项审计报告.pdf" in html
    services.review(user=staff, pk=app.pk, approve=True, amount=Decimal(45))
    client.force_login(qiye)  # decided: no more files
    late = SimpleUploadedFile("补充.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post("/files/add/", {"target": "policies.application", "target_id": app.pk, "files": [late]})
    assert Attachment.objects.filter(target="policies.application").count() == 1


def test_applying_with_materials_stores_them_as_attachments_or_nothing(client, zone):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parkos.core.models import Attachment

    services.match_all(year=2025)
    qiye = enterprise_user(zone["a"], "qiye_apply")
    client.force_login(qiye)
    bad = SimpleUploadedFile("审计报告.pdf", b"MZ\x90\x00 not a pdf")
    client.post(f"/policies/clauses/{zone['clause'].pk}/apply/", {"amount": "50", "materials": [bad]})
    assert not Application.objects.exists()  # refused: no application without its materials
    good = SimpleUploadedFile("审计报告.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post(f"/policies/clauses/{zone['clause'].pk}/apply/", {"amount": "50", "materials": [good]})
    app = Application.objects.get()
    assert list(
        Attachment.objects.filter(target="policies.application").values_list("target_id", "name")
    ) == [(app.pk, "审计报告.pdf")]

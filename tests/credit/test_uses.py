"""Credit across ParkOS (issue #17 §2): a 严重失信 enterprise is not eligible for a policy until its record is repaired;
严重失信 vetoes the 亩均 evaluation; a false 告知承诺 found in approval verification writes a credit record; the API
gives an enterprise's credit, the draw records and the published results."""

import datetime as dt

import pytest

from parkos.core import registries
from parkos.credit import services as credit
from parkos.credit.models import RecordKind
from parkos.policies import services as policies
from parkos.policies.models import Eligibility
from tests.factories import EnterpriseFactory, enterprise_user, samr_class

D = dt.date


def _clause(admin, dept, rule):
    policy = policies.policy_save(
        user=admin,
        data={
            "title": "守信企业奖励",
            "issuer": "长沙经开区管委会",
            "level": "zone",
            "valid_from": D(2026, 1, 1),
            "department": dept,
        },
    )
    return policies.clause_save(
        user=admin,
        policy_id=policy.pk,
        data={
            "number": "第一条",
            "title": "守信奖励",
            "rule": rule,
            "support": {"type": "fixed", "amount": 10},
        },
    )


@pytest.mark.django_db
def test_credit_fields_reach_policy_rules_and_repair_lifts_the_bar(admin, dept_a):
    for key, kind in (
        ("credit_class", "choice"),
        ("serious_discredit", "bool"),
        ("abnormal_operations", "bool"),
    ):
        assert registries.rule_fields[key].kind == kind
    good, bad = EnterpriseFactory(name="守信甲", owner=dept_a), EnterpriseFactory(name="失信乙", owner=dept_a)
    samr_class(good, "A")
    samr_class(bad, "A")
    record = credit.record_create(
        user=admin,
        enterprise_id=bad.pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="严重失信",
        decided_on=D(2025, 1, 6),
        department_id=dept_a.pk,
    )
    clause = _clause(
        admin,
        dept_a,
        {
            "all": [
                {"field": "serious_discredit", "op": "eq", "value": False},
                {"field": "credit_class", "op": "in", "value": ["A", "B"]},
            ]
        },
    )
    policies.match_all(year=2025)
    status = dict(Eligibility.objects.filter(clause=clause).values_list("enterprise__name", "status"))
    assert status == {"守信甲": "eligible"}  # 失信乙 fails the rule: not eligible, not stored
    user = enterprise_user(bad, "qiye_bad")
    app = credit.repair_apply(
        user=user, record_id=record.pk, statement="已履行", commitment="承诺", on=D(2026, 2, 2)
    )
    credit.repair_decide(user=admin, pk=app.pk, approve=True, decision="准予修复", on=D(2026, 2, 6))
    policies.match_all(year=2025)
    status = dict(Eligibility.objects.filter(clause=clause).values_list("enterprise__name", "status"))
    assert status == {"守信甲": "eligible", "失信乙": "eligible"}


def test_serious_discredit_vetoes_the_per_mu_evaluation_until_repaired(admin, dept_a):
    from parkos.efficiency import selectors as efficiency

    ent = EnterpriseFactory(owner=dept_a)
    record = credit.record_create(
        user=admin,
        enterprise_id=ent.pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="严重失信",
        decided_on=D(2025, 5, 6),
        department_id=dept_a.pk,
    )
    assert efficiency._outside_events(2025, [ent.pk]) == {ent.pk: ["严重失信"]}
    assert efficiency._merged(["数据造假"], ["严重失信", "数据造假"]) == ["数据造假", "严重失信"]
    user = enterprise_user(ent, "qiye_v")
    app = credit.repair_apply(
        user=user, record_id=record.pk, statement="已履行", commitment="承诺", on=D(2026, 5, 6)
    )
    credit.repair_decide(user=admin, pk=app.pk, approve=True, on=D(2026, 5, 8))
    assert efficiency._outside_events(2025, [ent.pk]) == {}


def test_the_evaluation_vetoes_a_serious_discredit_enterprise(admin, dept_a):
    """A whole evaluation run: the enterprise on the 严重失信 list is vetoed (class D, veto named)."""
    from parkos.efficiency.services import evaluation_run
    from tests.factories import AnnualIndicatorFactory, LandParcelFactory

    ents = [EnterpriseFactory(owner=dept_a, industry_code="3514") for _ in range(4)]
    for e in ents:
        AnnualIndicatorFactory(enterprise=e, year=2025)
        LandParcelFactory(enterprise=e)
    credit.record_create(
        user=admin,
        enterprise_id=ents[0].pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="严重失信",
        decided_on=D(2025, 5, 6),
        department_id=dept_a.pk,
    )
    run = evaluation_run(user=admin, year=2025)
    from parkos.efficiency.models import EvaluationResult

    res = EvaluationResult.objects.get(run=run, enterprise=ents[0])
    assert res.final_class == "D"
    assert "严重失信" in res.detail_json


def test_a_false_commitment_in_approval_verification_writes_a_credit_record(admin):
    from parkos.credit import public

    ent = EnterpriseFactory()
    r = public.record_false_commitment(
        user=admin,
        enterprise_id=ent.pk,
        title="虚假承诺：环评告知承诺",
        found_on=D(2026, 6, 1),
        ref="approvals.item:7",
        department_id=None,
    )
    assert (r.kind, r.severity, r.source, r.source_ref) == (
        RecordKind.FALSE_COMMITMENT,
        "ordinary",
        "approvals",
        "approvals.item:7",
    )
    assert (r.repair_from, r.publish_until) == (D(2026, 9, 1), D(2027, 6, 1))
    assert public.effective_classes([ent.pk]) == {ent.pk: "B"}


@pytest.mark.django_db
def test_the_api_gives_credit_draws_and_results(client, admin, staff_b, dept_a, ent_a):
    from parkos.core.services import api_token_create

    samr_class(ent_a, "C")
    credit.record_create(
        user=admin,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="minor",
        title="警告",
        decided_on=D(2026, 3, 2),
        department_id=dept_a.pk,
    )
    _t, raw = api_token_create(user=admin, name="t", scope="read", days=30)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    got = client.get(f"/api/v1/credit/enterprises/{ent_a.pk}", **auth).json()
    assert got["effective_class"] == "C"
    assert got["samr_class"] == "C"
    assert [r["title"] for r in got["records"]] == ["警告"]
    assert got["records"][0]["kind_label"]
    _t, raw_b = api_token_create(user=staff_b, name="t", scope="read", days=30)
    assert (
        client.get(f"/api/v1/credit/enterprises/{ent_a.pk}", HTTP_AUTHORIZATION=f"Bearer {raw_b}").status_code
        == 404
    )
    assert client.get("/api/v1/credit/draws", **auth).json()["items"] == []
    assert client.get("/api/v1/credit/results", **auth).status_code == 200

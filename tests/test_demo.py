import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F
from stdnum.cn import uscc

from parkos.core.models import Park, User
from parkos.demo import demo_build, make_uscc
from parkos.enterprises.models import AnnualIndicator, Enterprise, MonthlyIndicator

pytestmark = pytest.mark.slow  # builds demo zones / runs the benchmark scripts


def test_make_uscc_is_valid_with_changsha_region():
    code = make_uscc("430121", 12345678)
    assert uscc.is_valid(code)
    assert code[2:8] == "430121"


def test_demo_is_realistic_and_reproducible(db):
    result = demo_build(enterprises=60, seed=3, months=3)
    assert result.enterprises == 60
    assert 150 <= result.annual <= 180  # firms established recently have fewer years
    assert not AnnualIndicator.objects.filter(year__lt=F("enterprise__established_on__year")).exists()
    assert not MonthlyIndicator.objects.filter(month__lt=F("enterprise__established_on")).exists()
    first = list(Enterprise.objects.order_by("uscc").values_list("uscc", "name", "registered_capital"))
    assert all(uscc.is_valid(u) for u, _n, _c in first)
    assert len({n for _u, n, _c in first}) == 60
    assert set(AnnualIndicator.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    assert MonthlyIndicator.objects.latest("month").month == dt.date(2026, 10, 1)
    revenue = {a.enterprise_id: a.revenue for a in AnnualIndicator.objects.filter(year=2025)}
    above = [revenue[e.pk] for e in Enterprise.objects.filter(is_above_scale=True) if e.pk in revenue]
    below = [revenue[e.pk] for e in Enterprise.objects.filter(is_above_scale=False) if e.pk in revenue]
    assert 5 <= len(above) <= 25  # about a quarter of the industrial firms are 规上
    assert sorted(above)[len(above) // 2] > 5 * sorted(below)[len(below) // 2]
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"system_admin", "leader", "dept_admin", "dept_staff", "enterprise"}
    # the map: every park outlined, about nine in ten enterprises placed, each inside its own park's outline
    assert not Park.objects.filter(boundary__isnull=True).exists()
    placed = list(Enterprise.objects.filter(longitude__isnull=False).select_related("park"))
    assert 45 <= len(placed) <= 60
    for e in placed:
        ring = e.park.boundary["coordinates"][0]
        xs, ys = [c[0] for c in ring], [c[1] for c in ring]
        assert min(xs) <= e.longitude <= max(xs)
        assert min(ys) <= e.latitude <= max(ys)
    Enterprise.objects.all().delete()
    demo_build(enterprises=60, seed=3, months=3)
    assert (
        list(Enterprise.objects.order_by("uscc").values_list("uscc", "name", "registered_capital")) == first
    )
    assert Enterprise.objects.filter(longitude__isnull=False).count() == len(placed)


def test_demo_command_reuses_existing_data(db, capsys):
    # a small zone: what is tested is that a second run reuses it
    call_command("demo", "--enterprises", "20", "--months", "1", "--projects", "10")
    out = capsys.readouterr().out
    assert "20 enterprises" in out
    assert "ParkOS@2026" in out
    # not silent: every step is announced with a bar that fills to the end
    steps = [line for line in out.splitlines() if line.startswith("  [")]
    assert steps[0].endswith("秒）")
    assert "1/11 企业库：20 家企业" in steps[0]
    assert any("亩均效益评价：2025 年" in line for line in steps)
    assert any("国家级经开区考核自评估" in line for line in steps)
    assert steps[-1] == "  [" + "█" * 24 + "] 11/11 完成"
    n = Enterprise.objects.count()  # the 20 and the project companies registered by the demo's signed leads
    call_command("demo", "--enterprises", "20")
    out = capsys.readouterr().out
    assert "reusing" in out
    assert "jfj_staff" in out
    assert Enterprise.objects.count() == n


def test_demo_has_three_evaluated_years_with_vetoes_downgrades_and_both_cohorts(db):
    from parkos.efficiency.models import EvaluationResult, EvaluationRun

    result = demo_build(enterprises=400, seed=7, months=0, evaluate=True)
    assert result.runs == 3
    assert sorted(EvaluationRun.objects.values_list("year", flat=True)) == [2023, 2024, 2025]
    latest = EvaluationRun.objects.get(year=2025)
    assert latest.summary["vetoed"] > 0
    assert latest.summary["downgraded"] > 0
    rated = EvaluationResult.objects.filter(run=latest, status="rated")
    assert set(rated.values_list("cohort", flat=True)) == {"above", "below"}
    assert set(rated.values_list("final_class", flat=True)) == {"A", "B", "C", "D"}


def test_demo_projects_cover_every_state_through_the_services(db):
    from django.db.models import Count

    from parkos.core.models import Notice
    from parkos.projects.models import Extension, ItemInstance, MonthlyReport, Project, Suspension

    result = demo_build(enterprises=120, seed=5, months=2, projects=60, today=dt.date(2026, 11, 1))
    assert result.projects == 60
    statuses = set(Project.objects.values_list("status", flat=True))
    assert {"signed", "started", "production"} <= statuses
    states = dict(ItemInstance.objects.values_list("state").annotate(n=Count("pk")))
    assert {"pending", "in_review", "completed", "returned"} <= set(states)
    assert Suspension.objects.filter(kind="correction").exists()
    assert Extension.objects.exists()
    assert MonthlyReport.objects.exists()
    assert Notice.objects.filter(kind__startswith="projects.").exists()
    # every started project had its construction permit stage completed first
    for p in Project.objects.filter(status="started", stages__isnull=False).distinct():
        permit = p.stages.get(stage__in=["STAGE3", "MERGED_2_3"])
        started = p.milestones.get(kind="started").actual_on
        assert permit.completed_on is not None
        assert permit.completed_on <= started


def test_demo_supervises_the_seed_as_the_2020_plan(db):
    from parkos.workplan.models import Instruction, Plan, ProgressReport

    demo_build(enterprises=30, seed=5, months=1, workplan=True)
    plan = Plan.objects.get(year=2020)
    assert plan.title == "长沙经济技术开发区党工委2020年工作要点"
    assert plan.points.filter(level=2).count() == 24
    assert not plan.tasks.filter(lead__isnull=True).exists()
    statuses = set(plan.tasks.values_list("status", flat=True))
    assert "done" in statuses
    assert ProgressReport.objects.filter(task__plan=plan).exists()
    assert Instruction.objects.exists()


def test_demo_investment_has_chains_gaps_leads_in_every_stage_and_a_decided_conflict(db):
    from parkos.chains.models import Chain, SupplyRelation, Target
    from parkos.chains.selectors import compute
    from parkos.investment.models import JointMeeting, Lead, LeadConflict

    result = demo_build(enterprises=600, seed=7, months=0, investment=True)
    assert result.leads >= 80
    assert list(Chain.objects.values_list("name", flat=True)) == [
        "工程机械",
        "汽车及新能源汽车",
        "集成电路",
        "轨道交通装备",
    ]
    for chain in Chain.objects.all():
        cf = compute(chain, 2025)
        assert cf.enterprises > 0, chain.name
        assert cf.gaps(), chain.name
        assert 0 < (cf.rate or 0) < 100, chain.name
        assert cf.leader_rates, chain.name
    assert SupplyRelation.objects.filter(supplier__isnull=False).exists()
    assert Target.objects.filter(lead__isnull=False).exists()
    stages = set(Lead.objects.filter(state="open").values_list("stage", flat=True))
    assert stages == {"clue", "contact", "visit", "negotiation", "signed", "landed"}
    assert Lead.objects.filter(state="lost").exists()
    assert Lead.objects.filter(state="merged").count() == 1
    assert not Lead.objects.filter(stage__in=["signed", "landed"], project__isnull=True).exists()
    decided = LeadConflict.objects.get(status="decided")
    assert decided.meeting.status == JointMeeting.Status.HELD
    assert decided.shares
    assert LeadConflict.objects.filter(status="open", meeting__status="planned").count() == 1
    # the national evaluation self-assessment: every indicator has the zone's value, twelve peers rank it
    from parkos.cockpit import selectors as evaluation
    from parkos.core.models import User

    leader = User.objects.get(username="leader")
    d = evaluation.assessment(user=leader, year=evaluation.default_year())
    assert d["peers_n"] == 12
    assert not d["missing"]
    assert 1 <= d["rank"] <= 13
    assert d["prev_total"] is not None
    assert d["losses"]
    assert {r["origin"] for r in d["indicators"]} == {"parkos", "entered"}


def test_demo_services_have_requests_cases_in_every_state_twenty_policies_and_credit(db):
    from parkos.policies.models import Application, Eligibility, Grant, Policy
    from parkos.ratings.models import BadRatingCase, Rating
    from parkos.servicedesk.models import Request, ServiceCard

    result = demo_build(enterprises=500, seed=7, months=0, services=True)
    assert result.requests >= 200
    assert Policy.objects.count() == result.policies == 20
    assert {"received", "accepted", "revisited"} <= set(Request.objects.values_list("state", flat=True))
    assert set(BadRatingCase.objects.values_list("state", flat=True)) == {
        "assigned",
        "verifying",
        "rectifying",
        "explained",
        "feedback",
        "appealed",
        "upheld",
        "closed",
    }
    assert Rating.objects.filter(excluded=True).exists()
    assert ServiceCard.objects.count() == 30
    assert Request.objects.filter(channel="card").exists()
    assert Eligibility.objects.filter(status="eligible").exists()
    assert {"approved", "disbursed", "proposed"} <= set(Grant.objects.values_list("state", flat=True))
    assert {"approved", "rejected", "submitted"} <= set(Application.objects.values_list("state", flat=True))
    _demo_credit_holds()  # the same build (a demo zone takes a minute): credit's part of it


def _demo_credit_holds() -> None:
    """Credit in the services demo: classes, a year's plan, two drawn tasks in every state, repairs (issue #17 §9)."""
    from django.contrib.auth.models import AnonymousUser

    from parkos.credit import selectors as credit
    from parkos.credit.models import (
        Conflict,
        CreditProfile,
        Declaration,
        Inspection,
        InspectionItem,
        InspectionTask,
        Inspector,
        RepairApplication,
    )

    classes = set(CreditProfile.objects.values_list("effective_class", flat=True))
    assert classes == {"A", "B", "C", "D"}
    assert CreditProfile.objects.filter(serious=True).count() == 1
    assert InspectionItem.objects.count() == 8
    assert InspectionItem.objects.values("department").distinct().count() == 5
    assert Inspector.objects.count() == 30
    assert Conflict.objects.exists()
    first, joint = InspectionTask.objects.order_by("planned_on")
    assert set(Inspection.objects.values_list("state", flat=True)) >= {"assigned", "result", "published"}
    assert Declaration.objects.filter(task=joint).exists()
    assert Inspection.objects.filter(task=joint, state="assigned", opened_on__isnull=False).exists()
    # the finished task's record is public whole; the joint one's sample is held until inspection day
    assert not credit.record_held(user=AnonymousUser(), task=first)
    assert credit.record_held(user=AnonymousUser(), task=joint)
    assert {"approved", "refused", "submitted"} <= set(
        RepairApplication.objects.values_list("state", flat=True)
    )

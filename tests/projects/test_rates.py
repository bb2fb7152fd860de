"""The project rates under the rules decided in docs/design.md ("Project rates"), on a hand-built set of projects:
terminated, paused, early, unplanned, late-registered, and periods that are running, in the future or leap.

The set (all 重大产业项目, in the library from 2025-06-01 unless said; 2026 start plans and what happened):

    P1  start planned 2026-03-01, started 2026-03-20                         plan 2026: 1,000 invest / 800 funds
    P2  start planned 2026-05-01, started early on 2025-12-10                plan 2026: 2,000 invest / no funds plan
    P3  start planned 2026-06-01, paused on 2026-05-20, not started          no plan for 2026
    P4  start planned 2026-04-01, terminated on 2026-08-15, not started
    P5  start planned 2026-12-01, not started
    P6  start planned 2027-02-01, started 2026-09-10 (计划外 in 2026)          no plan for 2026
    P7  in the library only from 2027-01-10, contracted 5,000

Monthly reports (investment / funds, 万元): P1 2026-03 300/200, 2026-06 400/300; P2 2025-12 999/400,
2026-05 500/600; P3 2026-04 700/100; P6 2026-09 900/500; P7 2027-01 0/1,000.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parkos.projects import engine, selectors, services
from parkos.projects.models import Milestone, MonthlyReport, YearPlan
from tests.factories import ProjectFactory

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def _start(project, planned, actual=None):
    Milestone.objects.update_or_create(
        project=project,
        kind="started",
        defaults={"planned_on": D(planned), "actual_on": D(actual) if actual else None},
    )


def _report(project, month, investment, funds):
    MonthlyReport.objects.create(
        project=project, month=D(month), investment=Decimal(investment), funds=Decimal(funds)
    )


@pytest.fixture
def zone(admin, dept_a, ent_a):
    def project(name, total, **kw):
        kw.setdefault("registered_on", D("2025-06-01"))
        return ProjectFactory(
            name=name, investor=ent_a, lead_department=dept_a, total_investment=Decimal(total), **kw
        )

    p = {
        1: project("P1", "4000"),
        2: project("P2", "4000"),
        3: project("P3", "2000"),
        4: project("P4", "1000"),
        5: project("P5", "1000"),
        6: project("P6", "2000"),
        7: project("P7", "6000", registered_on=D("2027-01-10"), contracted_investment=Decimal("5000")),
    }
    _start(p[1], "2026-03-01", "2026-03-20")
    _start(p[2], "2026-05-01", "2025-12-10")
    _start(p[3], "2026-06-01")
    _start(p[4], "2026-04-01")
    _start(p[5], "2026-12-01")
    _start(p[6], "2027-02-01", "2026-09-10")
    services.project_transition(
        user=admin, pk=p[3].pk, target="paused", on=D("2026-05-20"), reason="资金未到位"
    )
    services.project_transition(
        user=admin, pk=p[4].pk, target="terminated", on=D("2026-08-15"), reason="投资方退出"
    )
    YearPlan.objects.create(project=p[1], year=2026, investment=Decimal("1000"), funds=Decimal("800"))
    YearPlan.objects.create(project=p[2], year=2026, investment=Decimal("2000"), funds=None)
    _report(p[1], "2026-03-01", "300", "200")
    _report(p[1], "2026-06-01", "400", "300")
    _report(p[2], "2025-12-01", "999", "400")
    _report(p[2], "2026-05-01", "500", "600")
    _report(p[3], "2026-04-01", "700", "100")
    _report(p[6], "2026-09-01", "900", "500")
    _report(p[7], "2027-01-01", "0", "1000")
    return p


def _total(admin, today, period=None):
    return selectors.rates(user=admin, period=period or selectors.Period(2026), by="all", today=D(today))


def test_a_terminated_project_leaves_the_start_rate_and_is_listed_apart(admin, zone):
    """Rule: the denominator is the projects planned in the period less those terminated by a recorded plan
    adjustment (listed apart), paused ones included; early ones count as reached. 2026, counted to 31 December:
    planned P1 P2 P3 P5 (P4 terminated), reached P1 and P2 (early) → 2/4 = 50.0 %; P6 is 计划外."""
    start = _total(admin, "2027-01-15")["total"]["start"]
    assert (start["planned"], start["achieved"], start["rate"]) == (4, 2, Decimal("50.0"))
    assert (start["terminated"], start["unplanned"], start["planned_period"]) == (1, 1, 4)
    drill = selectors.rate_projects(
        user=admin, period=selectors.Period(2026), metric="start", by="all", today=D("2027-01-15")
    )
    counted = {r["project"].name: r["counted"] for r in drill}
    assert counted == {
        "P1": "planned",
        "P2": "planned",
        "P3": "planned",
        "P5": "planned",
        "P4": "terminated",
        "P6": "unplanned",
    }


def test_before_its_termination_a_project_is_still_a_miss(admin, zone):
    """Counted to 31 July, P4 (terminated on 15 August) is still planned and not started: P1 P2 P3 P4 planned,
    P1 P2 reached → 50.0 %; P6 started after the cut, so nothing is 计划外 yet."""
    start = _total(admin, "2026-07-31")["total"]["start"]
    assert (start["planned"], start["achieved"], start["rate"]) == (4, 2, Decimal("50.0"))
    assert (start["terminated"], start["unplanned"]) == (0, 0)


def test_a_running_year_counts_only_the_plans_already_due(admin, zone):
    """Rule: a running period is counted to the as-of date. On 30 November the start planned for 1 December (P5)
    is not due: P1 P2 P3 planned (P4 terminated), two reached → 66.7 %, with the whole year's plan (4) beside."""
    data = _total(admin, "2026-11-30")
    start = data["total"]["start"]
    assert (start["planned"], start["achieved"], start["rate"]) == (3, 2, Decimal("66.7"))
    assert start["planned_period"] == 4
    assert (data["as_of"], data["running"]) == (D("2026-11-30"), True)
    later = selectors.rate_projects(
        user=admin, period=selectors.Period(2026), metric="start", by="all", today=D("2026-11-30")
    )
    assert {r["project"].name for r in later if r["counted"] == "later"} == {"P5"}


def test_investment_and_funds_rates_are_like_for_like(admin, zone):
    """Rule: only projects with a plan for the figure. Investment: P1 700 + P2 500 = 1,200 of 3,000 → 40.0 %, the
    1,600 of P3 and P6 (no plan) apart (the old sum gave 2,800 → 93.3 %). Annual funds: only P1 has planned funds,
    500 of 800 → 62.5 %, and the 1,200 of P2, P3 and P6 apart (the old sum gave 212.5 %)."""
    t = _total(admin, "2027-01-15")["total"]
    assert (t["invested"], t["plan_investment"], t["investment_rate"]) == (
        Decimal("1200.00"),
        Decimal("3000.00"),
        Decimal("40.0"),
    )
    assert t["invested_unplanned"] == Decimal("1600.00")
    assert (t["funds_year"], t["plan_funds"], t["funds_rate_year"]) == (
        Decimal("500.00"),
        Decimal("800.00"),
        Decimal("62.5"),
    )
    assert t["funds_unplanned"] == Decimal("1200.00")
    assert t["pace_gap"] == Decimal("-60.0")  # the whole year has elapsed


def test_the_contract_basis_counts_only_projects_in_the_library_by_the_periods_end(admin, zone):
    """Rule: the contract basis counts projects in the library by the period's end. Funds in place to 31 December
    2026: P1 500 + P2 (400 + 600) + P3 100 + P6 500 = 2,100 of P1–P6's 14,000 → 15.0 % (P7, in the library from
    2027, would make it 2,100 of 19,000 = 11.1 %)."""
    t = _total(admin, "2027-01-15")["total"]
    assert (t["funds_cum"], t["contracted"], t["funds_rate_contract"]) == (
        Decimal("2100.00"),
        Decimal("14000.00"),
        Decimal("15.0"),
    )


def test_the_pace_gap_of_a_running_year_uses_days_elapsed(admin, zone):
    """Rule: elapsed share = days elapsed ÷ days of the year. On 31 July 2026: 212 / 365; 40.0 − 58.082… = −18.1."""
    data = _total(admin, "2026-07-31")
    assert data["elapsed_share"] == Decimal(212) / Decimal(365)
    assert data["total"]["investment_rate"] == Decimal("40.0")  # reports to July: P1 700 + P2 500 of 3,000
    assert data["total"]["pace_gap"] == Decimal("-18.1")


def test_a_future_year_has_nothing_elapsed_and_nothing_due(admin, zone):
    """2027 seen on 30 November 2026: share 0, no start due (P6's February 2027 plan is not due yet)."""
    data = _total(admin, "2026-11-30", selectors.Period(2027))
    assert data["elapsed_share"] == 0
    start = data["total"]["start"]
    assert (start["planned"], start["rate"], start["planned_period"]) == (0, None, 1)


def test_the_rates_page_shows_the_rules_and_the_figures_apart(client_admin, zone):
    r = client_admin.get("/projects/rates/", {"year": 2026, "by": "all"})
    assert r.status_code == 200
    assert "计划外 1" in r.text
    assert "已终止 1" in r.text
    assert "合计" in r.text
    assert "总分" not in r.text
    assert "分母为自期初至统计截止日计划达到该节点的项目" in r.text


def test_the_api_gives_the_counts_apart(client_admin, zone):
    r = client_admin.get("/api/v1/projects/rates", {"year": 2026, "by": "all"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"]["start"]["terminated"] == 1
    assert body["total"]["invested_unplanned"] == "1600.00"
    assert body["as_of"] <= dt.date.today().isoformat()


# ---- the engine: hand-worked and properties ----------------------------------------------------------------
def test_the_pace_gap_is_rounded_once_from_unrounded_values():
    """33.35 % done with half the year gone is −16.65 → −16.7; rounding the rate first gave 33.4 − 50.0 = −16.6."""
    assert engine.pace_gap(Decimal("3335"), Decimal("10000"), Decimal("0.5")) == Decimal("-16.7")
    assert engine.pace_gap(Decimal(1), Decimal(0), Decimal("0.5")) is None


def test_elapsed_share_of_leap_future_and_past_years():
    assert engine.elapsed_share(2028, D("2028-02-29")) == Decimal(60) / Decimal(366)
    assert engine.elapsed_share(2028, D("2028-12-31")) == 1
    assert engine.elapsed_share(2027, D("2026-11-30")) == 0  # a future year: not today's share
    assert engine.elapsed_share(2025, D("2026-11-30")) == 1
    assert engine.elapsed_share(2026, D("2026-01-01")) == Decimal(1) / Decimal(365)


_day = st.dates(min_value=D("2025-01-01"), max_value=D("2027-12-31"))


@given(
    st.lists(st.tuples(st.none() | _day, st.none() | _day, st.none() | _day), min_size=1, max_size=30),
    _day,
)
def test_milestone_sets_nest_as_the_rule_says(rows, as_of):
    planned = [r[0] or "NaT" for r in rows]
    actual = [r[1] or "NaT" for r in rows]
    gone = [r[2] or "NaT" for r in rows]
    m = engine.milestone_rate(planned, actual, "2026-01-01", "2026-12-31", as_of=as_of, terminated_on=gone)
    assert not (m.achieved & ~m.planned).any()  # reached ⊆ counted
    assert not (m.planned & m.terminated).any()  # a terminated project is never counted
    assert not (m.planned & ~m.planned_period).any()  # counted to the cut ⊆ the whole period's plan
    assert not (m.unplanned & (m.planned | m.planned_period)).any()  # 计划外 is apart from every plan


@given(st.integers(2000, 2100), _day, _day)
def test_elapsed_share_is_between_0_and_1_and_grows_with_the_day(year, a, b):
    lo, hi = sorted([a, b])
    assert 0 <= engine.elapsed_share(year, lo) <= engine.elapsed_share(year, hi) <= 1


# ---- the rest of the catalogue (specs/metrics.md §3.2) --------------------------------------------------------
def _ms(project, kind, planned=None, actual=None):
    Milestone.objects.update_or_create(
        project=project,
        kind=kind,
        defaults={"planned_on": D(planned) if planned else None, "actual_on": D(actual) if actual else None},
    )


def _rep(project, month, *, inv="0", fai=None, capital=None, output=None):
    MonthlyReport.objects.create(
        project=project,
        month=D(month),
        investment=Decimal(inv),
        funds=Decimal(0),
        fai=None if fai is None else Decimal(fai),
        capital=None if capital is None else Decimal(capital),
        output_value=None if output is None else Decimal(output),
    )


@pytest.fixture
def catalogue_zone(admin, dept_a, ent_a):
    """Q1 a new start that went all the way; Q2 and Q3 continuing (Q2 resumed); Q4 a signed project that never
    started; Q5 terminated in May. Figures of 2026, counted to 31 December:

    开复工率      new starts Q1, Q4 + continuing Q2, Q3 = 4; Q1 started, Q2 resumed → 2/4 = 50.0 %
    投产率(统计)   under construction Q1, Q2, Q3; Q1 into production → 1/3 = 33.3 %
    投产达产率     due at capacity Q4; none → 0/1 = 0.0 %
    竣工投产率     planned to complete Q1, Q2; Q1 completed and producing → 1/2 = 50.0 %
    立项转化率     pipeline Q1 (立项 2026-02), Q3, Q4 (none), not Q2 (2024) nor Q5 (terminated) → 1/3 = 33.3 %
    签约项目履约率  agreed start in 2026: Q1 (signed, started), Q4 (signed, not started) → 1/2 = 50.0 %
    累计投资完成率  (Q1 300 + Q2 800) ÷ (3,000 + 2,000 + 1,000 + 4,000) = 11.0 %
    资本金到位率    Q1 500 of 1,000 = 50.0 %
    达产率(产值)    Q1 output 200 ÷ design 1,200 × 12/12 = 16.7 %
    固投完成率      Q1 统计入库 250 of its target 400 = 62.5 %
    固投增速        (Q1 250 + Q2 50 − (Q1 100 + Q2 150)) ÷ 250 = 20.0 %"""

    def project(name, total, **kw):
        return ProjectFactory(
            name=name,
            investor=ent_a,
            lead_department=dept_a,
            total_investment=Decimal(total),
            registered_on=D("2025-06-01"),
            **kw,
        )

    q1 = project(
        "Q1",
        "3000",
        approved_on=D("2026-02-01"),
        agreed_start_on=D("2026-04-01"),
        capital_required=Decimal(1000),
        design_output=Decimal(1200),
    )
    q2 = project("Q2", "2000", approved_on=D("2024-03-01"))
    q3 = project("Q3", "1000")
    q4 = project("Q4", "4000", agreed_start_on=D("2026-06-30"))
    q5 = project("Q5", "500")
    _ms(q1, "signed", actual="2026-01-10")
    _ms(q1, "started", "2026-04-01", "2026-04-10")
    _ms(q1, "completed", "2026-10-01", "2026-09-20")
    _ms(q1, "production", actual="2026-11-01")
    _ms(q2, "started", actual="2024-05-01")
    _ms(q2, "completed", "2026-12-01")
    _ms(q3, "started", actual="2025-03-01")
    _ms(q4, "signed", actual="2026-03-01")
    _ms(q4, "started", "2026-08-01")
    _ms(q4, "capacity", "2026-12-01")
    _ms(q5, "started", "2026-06-01")
    services.project_transition(user=admin, pk=q5.pk, target="terminated", on=D("2026-05-01"), reason="退出")
    YearPlan.objects.create(project=q1, year=2026, investment=Decimal(500), fai_target=Decimal(400))
    YearPlan.objects.create(
        project=q2, year=2026, investment=Decimal(600), is_continuing=True, resumed_on=D("2026-02-20")
    )
    YearPlan.objects.create(project=q3, year=2026, investment=Decimal(100), is_continuing=True)
    _rep(q1, "2025-05-01", fai="100")
    _rep(q1, "2026-03-01", inv="200", fai="100", capital="300")
    _rep(q1, "2026-05-01", inv="100", fai="150", capital="200")
    _rep(q1, "2026-11-01", output="100")
    _rep(q1, "2026-12-01", output="100")
    _rep(q2, "2025-06-01", inv="500", fai="150")
    _rep(q2, "2026-06-01", inv="300", fai="50")
    return {p.name: p for p in (q1, q2, q3, q4, q5)}


def test_the_whole_catalogue_as_worked_by_hand(admin, catalogue_zone):
    total = _total(admin, "2027-01-15")["total"]
    got = {c["key"]: (c["numerator"], c["denominator"], c["rate"]) for c in total["catalogue"]}
    assert got == {
        "start_resume": (2, 4, Decimal("50.0")),
        "production_nbs": (1, 3, Decimal("33.3")),
        "production_capacity": (0, 1, Decimal("0.0")),
        "completion_production": (1, 2, Decimal("50.0")),
        "approval": (1, 3, Decimal("33.3")),
        "performance": (1, 2, Decimal("50.0")),
        "cum_investment": (Decimal("1100.00"), Decimal("10000.00"), Decimal("11.0")),
        "capital": (Decimal("500.00"), Decimal("1000.00"), Decimal("50.0")),
        "capacity_output": (Decimal("200.00"), Decimal("1200.00"), Decimal("16.7")),
        "fai": (Decimal("250.00"), Decimal("400.00"), Decimal("62.5")),
        "fai_growth": (Decimal("300.00"), Decimal("250.00"), Decimal("20.0")),
    }


def test_a_catalogue_rate_drills_down_to_its_projects(admin, catalogue_zone):
    rows = selectors.rate_projects(
        user=admin, period=selectors.Period(2026), metric="start_resume", by="all", today=D("2027-01-15")
    )
    assert {(r["project"].name, r["achieved"]) for r in rows} == {
        ("Q1", True),
        ("Q2", True),
        ("Q3", False),
        ("Q4", False),
    }


def test_the_rates_export_and_api_carry_the_catalogue(client_admin, catalogue_zone):
    import io

    from tests.xlsx import read_xlsx

    x = client_admin.get("/projects/rates/", {"year": 2026, "by": "all", "export": "xlsx"})
    rows = read_xlsx(io.BytesIO(x.content))
    head = rows[0]
    assert "开复工率(%)" in head
    assert "固定资产投资增速(%)" in head
    body = client_admin.get("/api/v1/projects/rates", {"year": 2026, "by": "all"}).json()
    keys = [c["key"] for c in body["total"]["catalogue"]]
    assert keys[0] == "start_resume"
    assert "fai_growth" in keys
    page = client_admin.get("/projects/rates/", {"year": 2026, "by": "all"})
    assert "开复工率" in page.text
    assert "统计入库" in page.text
    chart = page.context[
        "chart_catalogue"
    ]  # the catalogue's own chart: each rate of the total, as in the table
    assert chart["yAxis"]["data"][: len(keys)][0].startswith("开复工率")
    rates = [None if c["rate"] is None else float(c["rate"]) for c in body["total"]["catalogue"]]
    assert chart["series"][0]["data"] == rates


def test_the_capacity_rule_proposes_and_an_official_confirms_with_evidence(admin, dept_a, ent_a, staff_a):
    """Design output 1,200 a year: three months need 0.8 × 1,200 × 3/12 = 240. On 7 December 2026 the window is
    September–November: P-met reports 80 + 80 + 80 = 240 (met); P-short 80 + 79 + 80; P-gap has no October."""
    from parkos.core.exceptions import Invalid
    from parkos.core.models import Notice

    made = {}
    for name, outputs in [("P-met", (80, 80, 80)), ("P-short", (80, 79, 80)), ("P-gap", (80, None, 80))]:
        p = ProjectFactory(
            name=name,
            investor=ent_a,
            lead_department=dept_a,
            status="production",
            design_output=Decimal(1200),
        )
        for kind in Milestone.Kind.values:
            _ms(p, kind)
        for month, value in zip(["2026-09-01", "2026-10-01", "2026-11-01"], outputs, strict=True):
            if value is not None:
                _rep(p, month, output=str(value))
        made[name] = p
    assert services.capacity_check(today=D("2026-12-07")) == 1
    met = type(made["P-met"]).objects.get(pk=made["P-met"].pk)
    assert met.capacity_proposed_on == D("2026-12-07")
    assert (
        not type(met)
        .objects.filter(pk__in=[made["P-short"].pk, made["P-gap"].pk], capacity_proposed_on__isnull=False)
        .exists()
    )
    assert Notice.objects.filter(kind="projects.capacity_rule").count() == 1
    assert services.capacity_check(today=D("2026-12-08")) == 0  # proposed once
    with pytest.raises(Invalid, match="佐证"):
        services.project_transition(user=staff_a, pk=met.pk, target="capacity")
    done = services.project_transition(user=staff_a, pk=met.pk, target="capacity", evidence="达产情况说明")
    assert done.status == "capacity"


def test_capacity_rule_engine():
    out = engine.capacity_met(
        [[80, 80, 80], [80, 79, 80], [80, float("nan"), 80], [0, 0, 0]], [1200, 1200, 1200, 0]
    )
    assert out.tolist() == [True, False, False, False]


def test_the_rates_read_the_same_number_of_queries_for_3_or_33_projects(admin, dept_a, ent_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (3, 30):
        for _ in range(n):
            p = ProjectFactory(investor=ent_a, lead_department=dept_a)
            _ms(p, "started", "2026-03-01")
            YearPlan.objects.create(project=p, year=2026, investment=Decimal(10))
            _rep(p, "2026-03-01", inv="1", fai="1")
        selectors.rates(user=admin, period=selectors.Period(2026), by="department", today=D("2027-01-01"))
        with CaptureQueriesContext(connection) as q:
            data = selectors.rates(
                user=admin, period=selectors.Period(2026), by="department", today=D("2027-01-01")
            )
        counts.append(len(q))
        assert data["total"]["projects"] == (3 if n == 3 else 33)
    assert counts[0] == counts[1] <= 6

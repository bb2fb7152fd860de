"""On the demo zone (every app built, at a small scale), each cockpit tile is its owning app's own figure — the
selector behind the app's page or list — for the zone's leader and for a department; and each tile's link opens."""

import pytest
from django.utils import timezone

from parkos.cockpit import selectors as cockpit
from parkos.core.models import Role, User
from parkos.core.periods import Period
from parkos.credit import selectors as credit
from parkos.demo import demo_build
from parkos.efficiency import selectors as efficiency
from parkos.efficiency.models import EvaluationRun
from parkos.enterprises import selectors as enterprises
from parkos.enterprises import totals
from parkos.investment import selectors as investment
from parkos.projects import selectors as projects
from parkos.ratings import selectors as ratings
from parkos.servicedesk import selectors as servicedesk
from parkos.workplan import selectors as workplan
from parkos.workplan.models import Plan

pytestmark = pytest.mark.slow  # builds a demo zone


def _expected(user, period: Period, today) -> dict:
    e = totals.total_row(totals.economy(user=user, period=period, today=today))
    rates = projects.rates(user=user, period=period, by="all", today=today)["total"]
    money = investment.figures(user=user, year=period.year, today=today)["total"]
    run = EvaluationRun.objects.filter(status="done", year__lte=period.year).order_by("-year", "-pk").first()
    counts = efficiency.class_counts(user=user, run=run)
    plan = Plan.objects.filter(year__lte=period.year).order_by("-year", "-pk").first()
    gap = {
        "kind": "gap",
        "state": "all",
        "signed_from": period.start.isoformat(),
        "signed_to": today.isoformat(),
    }
    return {
        "enterprises.output_value": e["output_value"],
        "enterprises.revenue": e["revenue"],
        "enterprises.tax": e["tax"],
        "enterprises.electricity_kwh": e["electricity_kwh"],
        "enterprises.above_scale": enterprises.enterprise_list(
            user=user, filters={"flag": "above_scale"}
        ).count(),
        "projects.red": projects.project_list(user=user, filters={"light": "red"}).count(),
        "projects.start": rates["start"]["rate"],
        "projects.production": rates["production"]["rate"],
        "investment.signed": money["signed"],
        "investment.funds": money["funds"],
        "investment.gaps": investment.lead_list(user=user, filters=gap).count(),
        "investment.funnel": investment.funnel_counts(user=user, year=period.year)[0]["n"],
        "servicedesk.open": servicedesk.request_list(user=user, filters={"state": "open"}).count(),
        "efficiency.d_class": counts["above"]["D"] + counts["below"]["D"],
        "ratings.good_rate": ratings.rating_total(user=user, year=period.year, until=today).good_rate,
        "ratings.open_cases": sum(ratings.open_case_counts(user=user).values()),
        "credit.high_risk": credit.class_counts(user=user)["C"] + credit.class_counts(user=user)["D"],
        "credit.on_time": credit.publication_figures(user=user, year=period.year, until=today)["rate"],
        "workplan.overdue": workplan.board(user=user, plan=plan)["counts"]["overdue"] if plan else None,
    }


def test_every_tile_is_its_apps_own_figure_on_the_demo(db, client):
    demo_build(
        enterprises=150,
        seed=5,
        months=13,
        evaluate=True,
        projects=16,
        workplan=True,
        investment=True,
        services=True,
    )
    today = timezone.localdate()
    period = Period(today.year)
    leader = User.objects.filter(role=Role.LEADER).first()
    staff = User.objects.filter(role=Role.DEPT_STAFF, department__code="JFJ").first()
    for user in (leader, staff):
        tiles = {t["key"]: t for t in cockpit.tiles(user=user, period=period, today=today)}
        want = _expected(user, period, today)
        got = {k: tiles[k]["value"] for k in want if k in tiles}
        assert got == {k: v for k, v in want.items() if k in tiles}
        assert len(got) >= 15
        client.force_login(user)
        for t in tiles.values():
            if t["url"]:
                assert client.get(t["url"]).status_code == 200, t["url"]
    assert tiles["enterprises.output_value"]["value"] > 0  # the department's figures are not empty either

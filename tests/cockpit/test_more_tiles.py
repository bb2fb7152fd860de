"""The 亩均 and service-desk tiles equal their apps' own counts and open the lists behind them."""

import datetime as dt

import pytest

from parkos.cockpit import selectors
from parkos.core.periods import Period
from parkos.efficiency import selectors as efficiency
from parkos.servicedesk import selectors as servicedesk
from parkos.servicedesk.models import Request
from tests.efficiency.test_publication import run  # noqa: F401  (the 2025 evaluation of the feed's firms)
from tests.servicedesk.test_requests import desk, submit  # noqa: F401
from tests.workplan.test_plans import office, plan, zone  # noqa: F401  (the 2020 plan from the seed)

pytestmark = pytest.mark.django_db


def _tile(user, key, today=dt.date(2026, 12, 1)):
    return next(t for t in selectors.tiles(user=user, period=Period(2026), today=today) if t["key"] == key)


def test_the_d_class_tile_is_the_runs_own_count_and_opens_its_d_results(run, admin, client):  # noqa: F811
    counts = efficiency.class_counts(user=admin, run=run)
    d = counts["above"]["D"] + counts["below"]["D"]
    t = _tile(admin, "efficiency.d_class")
    assert t["value"] == d
    assert str(t["detail"]).startswith("2025")
    assert t["url"] == f"/efficiency/runs/{run.pk}/results/?klass=D"
    client.force_login(admin)
    page = client.get(t["url"])
    assert page.status_code == 200
    assert efficiency.result_page_list(user=admin, run=run, filters={"klass": "D"}).count() == d


def test_the_open_requests_tile_counts_the_lists_open_requests_by_light(desk, client):  # noqa: F811
    for on in ("2026-09-01", "2026-11-27", "2026-11-30"):
        submit(desk, on=on)
    closed = submit(desk, on="2026-11-30")
    Request.objects.filter(pk=closed.pk).update(state="closed")
    centre = desk["centre"]
    t = _tile(centre, "servicedesk.open", today=dt.date(2026, 12, 1))
    assert t["value"] == 3
    assert t["value"] == servicedesk.request_list(user=centre, filters={"state": "open"}).count()
    assert t["alarm"] is True  # the September request is overdue
    assert str(t["detail"]) == "超期 1 · 临期预警 2 · 正常 0"
    assert t["url"] == "/services/?state=open"
    mine = _tile(desk["qiye"], "servicedesk.open", today=dt.date(2026, 12, 1))  # an enterprise: its own
    assert mine["value"] == 3


def test_the_overdue_tasks_tile_is_the_boards_count_and_opens_the_board_filtered(plan, office, client):  # noqa: F811
    from parkos.workplan import selectors as workplan
    from parkos.workplan.models import Task

    tasks = list(Task.objects.filter(plan=plan).order_by("pk")[:5])
    Task.objects.filter(pk__in=[t.pk for t in tasks[:3]]).update(status="overdue")
    Task.objects.filter(pk=tasks[3].pk).update(status="done")
    t = next(
        x
        for x in selectors.tiles(user=office, period=Period(2020), today=dt.date(2020, 12, 1))
        if x["key"] == "workplan.overdue"
    )
    board = workplan.board(user=office, plan=plan)["counts"]
    assert t["value"] == board["overdue"] == 3
    assert "已完成 1" in str(t["detail"])
    assert t["url"] == f"/workplan/{plan.pk}/?status=overdue"
    client.force_login(office)
    assert client.get(t["url"]).status_code == 200


def test_the_tasks_chart_splits_each_chapter_into_on_time_lagging_and_overdue(plan, office):  # noqa: F811
    from parkos.workplan.models import Point, Task

    first, second = Point.objects.filter(plan=plan, parent__isnull=True).order_by("order")[:2]

    def in_chapter(chapter):
        ids, frontier = [], [chapter.pk]
        while frontier:
            ids += frontier
            frontier = list(Point.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        return Task.objects.filter(point_id__in=ids).order_by("pk")

    one, two = in_chapter(first), in_chapter(second)
    Task.objects.filter(pk__in=list(one.values_list("pk", flat=True)[:2])).update(status="overdue")
    Task.objects.filter(pk=two.first().pk).update(status="lagging")
    t = next(
        x
        for x in selectors.tiles(user=office, period=Period(2020), today=dt.date(2020, 12, 1))
        if x["key"] == "workplan.overdue"
    )
    chart = t["chart"]
    labels = chart["xAxis"]["data"]
    assert labels[:2] == [first.label.rstrip("、"), second.label.rstrip("、")]
    series = {s["name"]: s["data"] for s in chart["series"]}
    assert all(s.get("stack") == "all" for s in chart["series"])
    assert series["逾期"][:2] == [2.0, 0.0]
    assert series["滞后"][:2] == [0.0, 1.0]
    assert series["按时"][0] == one.count() - 2
    assert sum(v for s in series.values() for v in s) == Task.objects.filter(plan=plan).count()


def test_the_low_efficiency_land_tile_is_the_land_the_d_class_enterprises_hold(run, admin):  # noqa: F811
    """Two parcels (12.5 and 30 mu) of one D-class firm, 20 mu of another, 99 mu of a firm in another class:
    62.5 mu held by the run's D-class firms (those with land: 2 of them)."""
    from decimal import Decimal

    from parkos.efficiency.models import EvaluationResult
    from tests.factories import LandParcelFactory

    results = EvaluationResult.objects.filter(run=run).select_related("enterprise")
    d = [r.enterprise for r in results.filter(final_class="D")[:2]]
    other = results.exclude(final_class="D").exclude(final_class="").first().enterprise
    for ent, mu in ((d[0], "12.5"), (d[0], "30"), (d[1], "20"), (other, "99")):
        LandParcelFactory(enterprise=ent, area_mu=Decimal(mu))
    t = _tile(admin, "efficiency.low_land")
    assert t["value"] == Decimal("62.50")
    assert str(t["detail"]).startswith("2 家 2025 年度 D 类企业")
    assert t["url"] == f"/efficiency/runs/{run.pk}/results/?klass=D"

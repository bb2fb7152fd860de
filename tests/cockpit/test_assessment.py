"""The self-assessment on the database: the zone's values (ParkOS's figures, entered values over them), the peers,
the scores, ranks and the previous year, as worked in tests/cockpit/conftest.py and tests/cockpit/test_engine.py."""

from decimal import Decimal

import pytest
from django.http import Http404

from parkos.cockpit import selectors
from tests.cockpit.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_the_zone_values_come_from_parkos_unless_entered(peers, leader):
    rows = {r["indicator"].code: r for r in selectors.zone_values(user=leader, year=YEAR)}
    assert rows["a1"]["parkos"] == Decimal(10)
    assert rows["a1"]["value"] == 10
    assert rows["a1"]["origin"] == "parkos"
    assert rows["a2"]["parkos"] == Decimal(9)  # ParkOS's taxes: 4 + 5
    assert rows["a2"]["value"] == 4
    assert rows["a2"]["origin"] == "entered"
    assert rows["b1"]["parkos"] is None
    assert rows["b1"]["value"] == 50


def test_scores_rank_and_biggest_losses_as_worked_by_hand(peers, leader):
    d = selectors.assessment(user=leader, year=YEAR)
    assert (d["total"], d["rank"], d["of"]) == (Decimal("15.0"), 3, 3)
    assert [(r["name"], r["rank"], r["total"]) for r in d["ranking"]] == [
        ("湖南甲经开区", 1, Decimal("60.0")),
        ("江苏乙经开区", 2, Decimal("55.0")),
        ("长沙经济技术开发区", 3, Decimal("15.0")),
    ]
    assert [
        (x["dimension"].code, x["home"], x["peer_median"], x["best"], x["rank"]) for x in d["dimensions"]
    ] == [
        ("A", Decimal("25.0"), Decimal("62.5"), Decimal("100.0"), 2),
        ("B", Decimal("0.0"), Decimal("50.0"), Decimal("100.0"), 2),
    ]
    rows = {r["indicator"].code: r for r in d["indicators"]}
    assert rows["a2"]["score"] == Decimal("50.0")
    assert rows["a2"]["weight"] == Decimal("30.00")
    assert rows["b2"]["scored"] is False
    assert rows["b2"]["score"] is None
    assert rows["a1"]["peer_median"] == Decimal("25.0000")
    assert rows["a1"]["peer_best"] == Decimal("30.0000")
    assert rows["a2"]["peer_best"] == Decimal("2.0000")  # lower is better
    assert [(r["indicator"].code, r["lost"]) for r in d["losses"]] == [
        ("b1", Decimal("40.00")),
        ("a1", Decimal("30.00")),
        ("a2", Decimal("15.00")),
    ]
    # 湖南 is central: the zone and P1 are the region's two; P1 leads
    assert (d["region_rank"], d["region_of"]) == (2, 2)


def test_the_previous_year_and_the_change(peers, leader):
    # 2024: only a1 is scored (the zone 8 from ParkOS, P1 20): zone 0, P1 100 → totals 0 and 60, rank 2 of 2
    d = selectors.assessment(user=leader, year=YEAR)
    assert (d["prev_total"], d["prev_rank"], d["prev_of"]) == (Decimal("0.0"), 2, 2)
    assert d["total_change"] == Decimal("15.0")
    assert d["rank_change"] == -1


def test_a_peer_set_of_the_zones_region(peers, leader):
    # central only: the zone and P1. a1: 10 vs 30 → 0 / 100; a2: 4 vs 2 → 0 / 100; b1 and b2: one reporter each
    d = selectors.assessment(user=leader, year=YEAR, peer_set="region")
    assert [(r["name"], r["total"]) for r in d["ranking"]] == [
        ("湖南甲经开区", Decimal("60.0")),
        ("长沙经济技术开发区", Decimal("0.0")),
    ]
    assert d["peers_n"] == 1


def test_growth_indicators_take_parkos_figures_of_two_years(peers, leader, catalogue):
    g = catalogue["b2"]
    g.figure, g.derive = "enterprises.value_added", "growth"
    g.save()
    g.zone_values.all().delete()
    rows = {r["indicator"].code: r for r in selectors.zone_values(user=leader, year=YEAR)}
    assert rows["b2"]["parkos"] == Decimal("25.0000")  # (10 − 8) ÷ 8


def test_without_peers_the_zone_ranks_alone(zone_data, leader):
    d = selectors.assessment(user=leader, year=YEAR)
    assert d["peers_n"] == 0
    assert (d["rank"], d["of"]) == (1, 1)
    assert d["prev_total"] is None
    assert d["losses"] == []


def test_only_leaders_and_the_office_see_it(peers, leader, staff_b, officer, ent_user_a):
    assert selectors.may_view(leader)
    assert selectors.may_view(officer)
    assert not selectors.may_edit(leader)
    assert selectors.may_edit(officer)
    for outsider in (staff_b, ent_user_a):
        assert not selectors.may_view(outsider)
        with pytest.raises(Http404):
            selectors.assessment(user=outsider, year=YEAR)

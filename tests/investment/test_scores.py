"""Team and officer scores of a year against a hand-worked example.

Scheme 2026: bands ≥0 → 2, ≥10,000 万元 → 5, ≥50,000 → 10, ≥100,000 → 20; 0.001 points per 万元 of funds in place;
+10 三类500强, +5 外资, +5 总部, +5 chain gap filled; −3 per lead lost by neglect; grades A ≥ 100, B ≥ 60, C ≥ 30.

  L1 (一分队, 甲): signed 10 Mar, 60,000 万元, China top 500, fills a gap → 10 + 10 + 5 = 25 (一分队 March)
  L2 (二分队 owner, shared 60/40 with 一分队 by the joint meeting; 乙 and 甲): signed 20 May, 12,000 万元, foreign
      → 5 + 5 = 10 → 二分队 6, 一分队 4 (May)
  L1 funds 30 Jun 20,000 万元 → 20 (一分队 June); funds of 2025 do not count
  L3 (二分队, 乙): lost by neglect 1 Jul → −3 (二分队 July); L4 (二分队) lost because the investor declined → 0
  一分队: 25 + 4 + 20 = 49 (C);  二分队: 6 − 3 = 3 (D)
  甲: 25 + 4 (L2's 40 % follows 一分队's officer) + 20 = 49;  乙: 6 − 3 = 3
"""

import datetime as dt
from decimal import Decimal

import pytest

from parkos.investment import selectors, services
from parkos.investment.models import Funds, Lead, Share, Stage, State
from parkos.investment.selectors import Scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(u1, u2, team1, team2, admin):
    services.scheme_save(
        user=admin,
        year=2026,
        data={
            "bands": [[0, 2], [10000, 5], [50000, 10], [100000, 20]],
            "per_10k_funds": Decimal("0.001"),
            "top500": 10,
            "foreign": 5,
            "headquarters": 5,
            "gap_filled": 5,
            "neglect": 3,
            "grades": [["A", 100], ["B", 60], ["C", 30], ["D", None]],
        },
    )

    def lead(user, team, name, **kw):
        x = services.lead_create(
            user=user, data={"investor_name": name, "title": "项目", "team": team}, decision="separate"
        )
        Lead.objects.filter(pk=x.pk).update(**kw)
        return x

    l1 = lead(
        u1,
        team1,
        "甲方一号公司",
        stage=Stage.SIGNED,
        signed_on=dt.date(2026, 3, 10),
        signed_amount=60000,
        top500_list="china",
        fills_gap=True,
    )
    l2 = lead(
        u2,
        team2,
        "乙方二号公司",
        stage=Stage.SIGNED,
        signed_on=dt.date(2026, 5, 20),
        signed_amount=12000,
        foreign_country="德国",
    )
    Share.objects.filter(lead=l2).delete()
    Share.objects.create(lead=l2, team=team2, officer=u2, pct=60)
    Share.objects.create(lead=l2, team=team1, officer=u1, pct=40)
    Funds.objects.create(lead=l1, on=dt.date(2026, 6, 30), amount=20000)
    Funds.objects.create(lead=l1, on=dt.date(2025, 12, 30), amount=99999)
    lead(u2, team2, "丙方三号公司", state=State.LOST, lost_reason="neglect", closed_on=dt.date(2026, 7, 1))
    lead(u2, team2, "丁方四号公司", state=State.LOST, lost_reason="declined", closed_on=dt.date(2026, 7, 1))
    lead(u1, team1, "戊方五号公司", stage=Stage.SIGNED, signed_on=dt.date(2025, 3, 1), signed_amount=900000)
    return 2026


def test_team_scores_by_month_and_grade(year, leader, team1, team2):
    s: Scores = selectors.scores(user=leader, year=year, by="team")
    rank = {r["holder"]: r for r in s.ranking()}
    assert (rank[team1]["points"], rank[team1]["grade"], rank[team1]["rank"]) == (49.0, "C", 1)
    assert (rank[team2]["points"], rank[team2]["grade"], rank[team2]["rank"]) == (3.0, "D", 2)
    assert rank[team1]["months"][2:6] == [25.0, 0.0, 4.0, 20.0]
    assert rank[team2]["months"][4:7] == [6.0, 0.0, -3.0]
    may = {r["holder"]: r["points"] for r in s.ranking(month=5)}
    assert may == {team2: 6.0, team1: 4.0}


def test_officer_scores_follow_the_shares(year, leader, u1, u2):
    s = selectors.scores(user=leader, year=year, by="officer")
    assert {r["holder"]: r["points"] for r in s.ranking()} == {u1: 49.0, u2: 3.0}


def test_a_team_member_sees_their_own_teams_true_points_and_no_other_team(year, u2, team1, team2):
    s = selectors.scores(user=u2, year=year, by="team")
    # the zone ranking is the coordinators'; 二分队's member gets 二分队's true 3.0, not 一分队 at a partial 4.0
    assert s.own_only
    assert {r["holder"]: r["points"] for r in s.ranking()} == {team2: 3.0}
    by_officer = selectors.scores(user=u2, year=year, by="officer")
    assert {r["holder"]: r["points"] for r in by_officer.ranking()} == {u2: 3.0}


def test_the_rankings_page_tells_a_team_member_the_ranking_is_not_theirs(client, year, u2, team1, team2):
    client.force_login(u2)
    html = client.get("/investment/rankings/", {"year": year}).content.decode()
    assert 'id="own-only"' in html
    assert str(team2) in html
    assert str(team1) not in html.split('id="own-only"')[1]


def test_staff_outside_every_team_are_told_so_not_shown_zeros(client, year, db):
    from tests.factories import UserFactory

    outsider = UserFactory(department__name="财政局")
    client.force_login(outsider)
    html = client.get("/investment/rankings/", {"year": year}).content.decode()
    assert "不属于任何招商小分队" in html
    assert "0.00" not in html.split('id="ranking-table"')[1]

"""招商引资指标 (specs/metrics.md §5) on a hand-worked year.

一分队: L1 signed 2026-03-10 for 15,000 万元 by 某全球500强 (USCC X1, Fortune Global 500); L2 signed 2026-09-15 for
5,000 by the same firm. 二分队: L3 signed 2026-05-01 for 20,000 by a 民营500强 (X3); L4 signed 2025-12-01 (last year).

Funds 2026: L1 2026-04-01 ¥700 万元 of which FDI US$100 万 at 7.0 (= ¥700: no domestic money) and US$150 万 on the
provincial broad basis; L1 2026-08-01 ¥500 (domestic); L3 2026-06-01 ¥1,000 (domestic); L4 2026-02-01 ¥300
(domestic, signed last year: funds of the year count, the signing does not).

  一分队: signed 2 (20,000), 亿元以上 1/2 = 50.0 %; 500强 1 firm, 2 projects; funds 1,200 = FDI ¥700 + domestic 500;
          FDI US$100, broad US$150; domestic projects with funds 1 (L1)
  二分队: signed 1 (20,000), 1/1 = 100.0 %; 500强 1 firm, 1 project; funds 1,300, all domestic; 2 projects (L3, L4)
  合计:   signed 3 (40,000), 2/3 = 66.7 %; 500强 2 firms (X1 once), 3 projects (世界 1 firm 2 projects, 民营 1/1);
          funds 2,500, domestic 1,800, FDI US$100 (¥700), broad US$150; 3 domestic projects
L1 was signed in March, before Fortune's August list: its edition is 2025's; L2 (September) takes 2026's.
"""

import datetime as dt
from decimal import Decimal

import pytest

from parkos.core.exceptions import Invalid
from parkos.investment import engine, selectors, services
from parkos.investment.models import Funds, Lead, Stage

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.fixture
def signed(u1, u2, team1, team2):
    def lead(user, team, name, **kw):
        x = services.lead_create(
            user=user, data={"investor_name": name, "title": "项目", "team": team}, decision="separate"
        )
        Lead.objects.filter(pk=x.pk).update(stage=Stage.SIGNED, **kw)
        return Lead.objects.get(pk=x.pk)

    l1 = lead(
        u1,
        team1,
        "某全球五百强公司",
        uscc="X1",
        signed_on=D("2026-03-10"),
        signed_amount=15000,
        top500_list="fortune_global",
    )
    l2 = lead(
        u1,
        team1,
        "某全球五百强公司",
        uscc="X1",
        signed_on=D("2026-09-15"),
        signed_amount=5000,
        top500_list="fortune_global",
    )
    l3 = lead(
        u2,
        team2,
        "某民营五百强公司",
        uscc="X3",
        signed_on=D("2026-05-01"),
        signed_amount=20000,
        top500_list="china_private",
    )
    l4 = lead(u2, team2, "某去年签约公司", signed_on=D("2025-12-01"), signed_amount=9000)
    services.funds_add(
        user=u1,
        pk=l1.pk,
        on=D("2026-04-01"),
        amount=Decimal(700),
        amount_usd=Decimal(100),
        amount_usd_broad=Decimal(150),
        exchange_rate=Decimal(7),
    )
    services.funds_add(user=u1, pk=l1.pk, on=D("2026-08-01"), amount=Decimal(500))
    services.funds_add(user=u2, pk=l3.pk, on=D("2026-06-01"), amount=Decimal(1000))
    services.funds_add(user=u2, pk=l4.pk, on=D("2026-02-01"), amount=Decimal(300))
    return l1, l2, l3, l4


def _cells(r):
    return (
        r["signed"],
        r["signed_amount"],
        r["big"],
        r["big_share"],
        r["top500_firms"],
        r["top500_projects"],
        r["funds"],
        r["domestic"],
        r["fdi_usd"],
        r["fdi_yuan"],
        r["broad_usd"],
        r["domestic_projects"],
    )


def test_the_years_figures_by_team_and_in_all(signed, admin):
    data = selectors.figures(user=admin, year=2026, today=D("2027-01-10"))
    rows = {r["label"]: _cells(r) for r in data["rows"]}
    M = Decimal
    assert rows == {
        "一分队": (
            2,
            M("20000.00"),
            1,
            M("50.0"),
            1,
            2,
            M("1200.00"),
            M("500.00"),
            M("100.00"),
            M("700.00"),
            M("150.00"),
            1,
        ),
        "二分队": (
            1,
            M("20000.00"),
            1,
            M("100.0"),
            1,
            1,
            M("1300.00"),
            M("1300.00"),
            M("0.00"),
            M("0.00"),
            M("0.00"),
            2,
        ),
    }
    total = data["total"]
    assert total["label"] == "合计"
    assert _cells(total) == (
        3,
        M("40000.00"),
        2,
        M("66.7"),
        2,
        3,
        M("2500.00"),
        M("1800.00"),
        M("100.00"),
        M("700.00"),
        M("150.00"),
        3,
    )
    assert total["top500_lists"] == {
        "fortune_global": {"firms": 1, "projects": 2},
        "china": {"firms": 0, "projects": 0},
        "china_private": {"firms": 1, "projects": 1},
    }


def test_the_list_edition_is_the_one_current_at_signing(signed, u1, team1):
    assert engine.top500_edition("fortune_global", D("2026-03-10")) == 2025
    assert engine.top500_edition("fortune_global", D("2026-09-15")) == 2026
    assert engine.top500_edition("china", D("2026-08-31")) == 2025
    assert engine.top500_edition("", D("2026-08-31")) is None


def test_foreign_funds_need_their_rate_and_cannot_exceed_the_funds(signed, u1):
    l1 = signed[0]
    with pytest.raises(Invalid, match="汇率"):
        services.funds_add(user=u1, pk=l1.pk, on=D("2026-10-01"), amount=Decimal(100), amount_usd=Decimal(10))
    with pytest.raises(Invalid, match="不能重复计算"):
        services.funds_add(
            user=u1,
            pk=l1.pk,
            on=D("2026-10-01"),
            amount=Decimal(100),
            amount_usd=Decimal(20),
            exchange_rate=Decimal("7.1"),
        )
    assert Funds.objects.filter(on=D("2026-10-01")).count() == 0


def test_the_figures_page_export_and_api(signed, client_admin):
    import io

    from tests.xlsx import read_xlsx

    page = client_admin.get("/investment/figures/", {"year": 2026})
    assert page.status_code == 200
    assert "商务部口径" in page.text
    assert "合计" in page.text
    x = client_admin.get("/investment/figures/", {"year": 2026, "export": "xlsx"})
    rows = read_xlsx(io.BytesIO(x.content))
    assert rows[0][1] == "签约项目数"
    assert rows[-1][0] == "合计"
    body = client_admin.get("/api/v1/investment/figures", {"year": 2026}).json()
    assert body["total"]["top500_firms"] == 2
    assert body["total"]["broad_usd"] == "150.00"


def test_a_quarter_and_a_month_count_only_their_days(signed, admin):
    """Q2 2026: L3 signed 1 May (20,000), funds of L1 on 1 April (¥700, all FDI) and L3 on 1 June (¥1,000).
    September: L2 signed (5,000), no funds."""
    q2 = selectors.figures(user=admin, year=2026, quarter=2, today=D("2027-01-10"))["total"]
    assert (q2["signed"], q2["signed_amount"], q2["funds"], q2["domestic"], q2["fdi_usd"]) == (
        1,
        Decimal("20000.00"),
        Decimal("1700.00"),
        Decimal("1000.00"),
        Decimal("100.00"),
    )
    sep = selectors.figures(user=admin, year=2026, month=9, today=D("2027-01-10"))
    assert (sep["start"], sep["as_of"]) == (D("2026-09-01"), D("2026-09-30"))
    assert (sep["total"]["signed"], sep["total"]["funds"]) == (1, Decimal("0.00"))
    assert selectors.figure_period(2026, quarter=4) == (D("2026-10-01"), D("2026-12-31"))
    assert selectors.figure_period(2028, month=2) == (D("2028-02-01"), D("2028-02-29"))


def test_the_zone_figure_is_the_total_of_the_figures(signed, admin):
    """The national evaluation reads FDI through the zone figure: the same total as the figures page's 合计."""
    from parkos.core import registries

    fdi = registries.appraisal_figures["investment.fdi_usd"]
    total = selectors.figures(user=admin, year=2026, today=D("2026-12-31"))["total"]["fdi_usd"]
    assert fdi.compute(2026) == total == Decimal("100.00")
    assert fdi.compute(2024) is None


def test_new_foreign_funded_enterprises_come_from_the_registry_by_establishment_date(admin, client_admin):
    """新设外商投资企业 (§5): foreign-funded enterprises established 2026-05-01 and 2025-12-01, a domestic one
    2026-03-01 → 2026: 1, Q2 2026: 1, Q1 2026: 0."""
    from tests.factories import EnterpriseFactory

    EnterpriseFactory(is_foreign_funded=True, established_on=D("2026-05-01"))
    EnterpriseFactory(is_foreign_funded=True, established_on=D("2025-12-01"))
    EnterpriseFactory(is_foreign_funded=False, established_on=D("2026-03-01"))
    today = D("2026-12-31")
    assert selectors.figures(user=admin, year=2026, today=today)["new_foreign_funded"] == 1
    assert selectors.figures(user=admin, year=2026, today=today, quarter=2)["new_foreign_funded"] == 1
    assert selectors.figures(user=admin, year=2026, today=today, quarter=1)["new_foreign_funded"] == 0
    assert client_admin.get("/api/v1/investment/figures", {"year": 2026}).json()["new_foreign_funded"] == 1
    assert "新设外商投资企业" in client_admin.get("/investment/figures/", {"year": 2026}).text

"""Chain figures by the rule (docs/design.md, "Industry chains"), on a hand-built chain: an enterprise on two nodes
of one subtree, a buyer outside a subtree, two years, node overrides of all three thresholds, a key node, a
moved-out supplier and a moved-out enterprise, an enterprise without 工业总产值, a node without purchases.

新能源汽车 (zone thresholds: 1 enterprise, output 0, local supply 30 %; key weight 2):

    整车 A (key)                  Y (链主: 工业总产值 1,000, tax 100)
      电池 A1 (min 2 enterprises,   X (400, tax 40)
               output 800, rate 70 %)
        电芯 A1a                   X again, W (no 工业总产值: 营业收入 300, tax 10)
      电机 A2                      Z (200, tax 20)
    充电服务 B                     M (moved out: not counted)

Purchases 2025: s1 X at 电芯 200 from W (zone); s2 X at 电芯 100 from outside; s3 Y at 电池 600 from outside (Y is
placed on 整车, outside 电池's subtree); s4 Z at 电机 300 from S (a zone enterprise that moved out: outside); s5 Z at
电机 100 from X (zone); s6 M at 充电服务 50 (M is not counted). 2024: X at 电芯 1,000 from outside.

  电芯: {X, W} 2, output 400 + 300 = 700 (1 by revenue), tax 50; purchases s1 + s2 = 300, local 200 → 66.7 %; no gap
  电池: {X, W} 2 (X once), output 700, tax 50; purchases 300 (not s3), local 200 → 66.7 %;
        shortfalls: output 1 − 700/800 = 0.125, rate 1 − 66.67/70 = 0.0476 → severity 0.125 → score 12.5
  电机: {Z} 1, output 200; purchases 400, local 100 (s4's supplier moved out) → 25.0 %; 1 − 25/30 → score 16.7
  整车: {Y, X, W, Z} 4, output 1,900, tax 170; purchases 1,300, local 300 → 23.1 %;
        1 − 23.08/30 = 0.2308 × 2 (key) → score 46.2
  充电服务: nobody counted → severity 1 → score 100.0; no purchases → rate missing (None), not a shortfall
  chain: 4 enterprises, 300 / 1,300 = 23.1 %; 链主 Y: 0 / 600 = 0.0 %
  ranking: 充电服务 100.0, 整车 46.2, 电机 16.7, 电池 12.5 (outside 0, 1,000, 300, 100)
"""

from decimal import Decimal

import pytest

from parkos.chains import selectors, services
from parkos.chains.models import Chain, ChainConfig, Node
from tests.factories import AnnualIndicatorFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ev(admin):
    ChainConfig.save_values(
        user=admin,
        data={"min_enterprises": 1, "min_output": 0, "min_local_rate": Decimal(30), "key_weight": Decimal(2)},
    )
    c = Chain.objects.create(name="新能源汽车", code="XNY")
    a = Node.objects.create(chain=c, name="整车", is_key=True, order=1)
    a1 = Node.objects.create(
        chain=c,
        parent=a,
        name="电池",
        order=1,
        min_enterprises=2,
        min_output=Decimal(800),
        min_local_rate=Decimal(70),
    )
    a1a = Node.objects.create(chain=c, parent=a1, name="电芯", order=1)
    a2 = Node.objects.create(chain=c, parent=a, name="电机", order=2)
    b = Node.objects.create(chain=c, name="充电服务", order=2)
    e = {k: EnterpriseFactory(name=f"{k}公司") for k in "XYZWMS"}
    for k, out, tax in [("X", 400, 40), ("Y", 1000, 100), ("Z", 200, 20), ("M", 500, 50), ("S", 80, 8)]:
        AnnualIndicatorFactory(enterprise=e[k], year=2025, gross_output=Decimal(out), tax_paid=Decimal(tax))
    AnnualIndicatorFactory(enterprise=e["W"], year=2025, revenue=Decimal(300), tax_paid=Decimal(10))
    AnnualIndicatorFactory(enterprise=e["X"], year=2024, gross_output=Decimal(100), tax_paid=Decimal(4))
    place = services.placement_set
    place(user=admin, node_id=a.pk, enterprise_id=e["Y"].pk, is_leader=True)
    place(user=admin, node_id=a1.pk, enterprise_id=e["X"].pk)
    place(user=admin, node_id=a1a.pk, enterprise_id=e["X"].pk)
    place(user=admin, node_id=a1a.pk, enterprise_id=e["W"].pk)
    place(user=admin, node_id=a2.pk, enterprise_id=e["Z"].pk)
    place(user=admin, node_id=b.pk, enterprise_id=e["M"].pk)

    def buy(node, buyer, amount, *, supplier=None, name="", year=2025):
        services.supply_add(
            user=admin,
            node_id=node.pk,
            buyer_id=e[buyer].pk,
            year=year,
            amount=Decimal(amount),
            supplier_id=e[supplier].pk if supplier else None,
            supplier_name=name,
        )

    buy(a1a, "X", 200, supplier="W")
    buy(a1a, "X", 100, name="外地电芯厂")
    buy(a1, "Y", 600, name="外地电池厂")
    buy(a2, "Z", 300, supplier="S")
    buy(a2, "Z", 100, supplier="X")
    buy(b, "M", 50, name="外地充电桩")
    buy(a1a, "X", 1000, name="往年供应商", year=2024)
    type(e["M"]).objects.filter(pk__in=[e["M"].pk, e["S"].pk]).update(status="moved_out")
    return c, {n.name: n for n in (a, a1, a1a, a2, b)}


def _rows(c, admin, year=2025):
    cf = selectors.chain_figures(user=admin, pk=c.pk, year=year)
    return cf, {r["node"].name: r for r in cf.rows()}


def test_every_node_by_the_rule(ev, admin):
    c, _n = ev
    cf, rows = _rows(c, admin)
    got = {
        name: (
            r["enterprises"],
            r["output"],
            r["tax"],
            r["purchases"],
            r["local"],
            None if r["rate"] is None else round(r["rate"], 1),
            r["score"],
            r["output_fallback"],
        )
        for name, r in rows.items()
    }
    assert got == {
        "整车": (4, 1900.0, 170.0, 1300.0, 300.0, 23.1, 46.2, 1),
        "电池": (2, 700.0, 50.0, 300.0, 200.0, 66.7, 12.5, 1),
        "电芯": (2, 700.0, 50.0, 300.0, 200.0, 66.7, 0.0, 1),
        "电机": (1, 200.0, 20.0, 400.0, 100.0, 25.0, 16.7, 0),
        "充电服务": (0, 0.0, 0.0, 0.0, 0.0, None, 100.0, 0),
    }
    assert rows["电池"]["min_rate"] == 70.0
    assert rows["电机"]["min_rate"] == 30.0
    assert (cf.enterprises, cf.output, cf.tax, cf.output_fallback) == (4, 1900.0, 170.0, 1)
    assert round(cf.rate, 1) == 23.1
    assert [(r["name"], r["purchases"], r["local"], r["rate"]) for r in cf.leader_rates] == [
        ("Y公司", 600.0, 0.0, 0.0)
    ]


def test_gaps_rank_as_worked_by_hand(ev, admin):
    c, _n = ev
    gaps = selectors.chain_figures(user=admin, pk=c.pk, year=2025).gaps()
    assert [(g["node"].name, g["score"], g["outside"], g["strength"]) for g in gaps] == [
        ("充电服务", 100.0, 0.0, "missing"),
        ("整车", 46.2, 1000.0, "weak"),
        ("电机", 16.7, 300.0, "weak"),
        ("电池", 12.5, 100.0, "weak"),
    ]


def test_the_nodes_own_rate_threshold_decides_when_output_is_met(ev, admin):
    """Without 电池's output override its severity is the rate's: 1 − 66.67/70 = 0.0476 → 4.8; without the rate
    override too (zone 30 %) it is no gap."""
    c, n = ev
    Node.objects.filter(pk=n["电池"].pk).update(min_output=None)
    assert _rows(c, admin)[1]["电池"]["score"] == 4.8
    Node.objects.filter(pk=n["电池"].pk).update(min_local_rate=None)
    assert _rows(c, admin)[1]["电池"]["score"] == 0.0


def test_another_year_has_its_own_figures(ev, admin):
    """2024: X alone on 电芯 (output 100, W has no 2024 figures), 1,000 bought outside → 0.0 %."""
    c, _n = ev
    _cf, rows = _rows(c, admin, year=2024)
    r = rows["电芯"]
    assert (r["enterprises"], r["output"], r["purchases"], r["rate"]) == (2, 100.0, 1000.0, 0.0)


def test_the_chain_page_says_what_is_missing_and_what_is_by_revenue(ev, client_admin):
    c, n = ev
    page = client_admin.get(f"/chains/{c.pk}/", {"year": 2025})
    assert page.status_code == 200
    assert "数据缺失" in page.text
    assert "以营业收入计" in page.text
    node = client_admin.get(f"/chains/nodes/{n['充电服务'].pk}/", {"year": 2025})
    assert "不计入" in node.text
    assert "数据缺失" in node.text


def test_a_node_rate_override_outside_0_to_100_is_refused_in_chinese(ev, admin):
    from parkos.core.exceptions import Invalid

    c, n = ev
    with pytest.raises(Invalid) as err:
        services.node_save(user=admin, chain_id=c.pk, pk=n["电机"].pk, data={"min_local_rate": Decimal(120)})
    assert "100" in str(err.value.fields if hasattr(err.value, "fields") else err.value)

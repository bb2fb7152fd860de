"""Chain figures against a hand-worked example: enterprises, output and tax per node over its subtree, the local
supply rate of the chain, of each node and of the chain leader, and the gap ranking.

工程机械 (key weight 1.5; zone thresholds: 1 enterprise, output 0, local supply 30 %), year 2025:

    整机 (key)            E1 (链主, output 1000, tax 80)
      液压件 (key, min 2)  E2 (output 200, tax 10)
      发动机               —
      传动件               —
    后市场服务             E4 (output 50, tax 5)

Purchases 2025: E1 at 液压件 300 from E2 (zone) and 700 from 博世力士乐 (outside); E1 at 发动机 500 from 康明斯
(outside); E4 at 后市场服务 100 from E2 (zone). E3 (not on the chain) buys 999 at 液压件 from outside: not the
chain's purchases.

  整机 subtree: enterprises {E1, E2} = 2, output 1200, tax 90; purchases 1500, local 300 → 20 %;
                shortfall of supply 1 − 20/30 = 1/3 → score 100 × 1/3 × 1.5 = 50.0
  液压件: 1 enterprise of 2 → shortfall 0.5 → score 0.5 × 1.5 × 100 = 75.0; E1's purchases there do not count at
          液压件 (E1 is placed on 整机, outside its subtree) and E2 bought nothing: no purchases, rate missing
  发动机: no enterprise → severity 1 → score 100.0 (E1's 500 counts at 整机 only: outside purchases 0)
  传动件: no enterprise → severity 1 → score 100.0 (outside purchases 0) → ranks after 发动机 (node order)
  后市场服务: 1 enterprise, supply 100 % → no gap
  chain: (300 + 100) / (1000 + 500 + 100) = 25.0 %; leader E1: 300 / 1500 = 20.0 %
  gap ranking: 发动机, 传动件, 液压件, 整机
"""

from decimal import Decimal

import pytest

from parkos.chains import selectors, services
from parkos.chains.models import Chain, ChainConfig, Node, Segment
from tests.factories import AnnualIndicatorFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(admin):
    ChainConfig.save_values(
        user=admin,
        data={
            "min_enterprises": 1,
            "min_output": 0,
            "min_local_rate": Decimal(30),
            "key_weight": Decimal("1.5"),
        },
    )
    c = Chain.objects.create(name="工程机械", code="GCJX")
    whole = Node.objects.create(chain=c, name="整机", segment=Segment.MIDSTREAM, is_key=True, order=1)
    hyd = Node.objects.create(
        chain=c,
        parent=whole,
        name="液压件",
        segment=Segment.COMPONENT,
        is_key=True,
        min_enterprises=2,
        order=1,
    )
    eng = Node.objects.create(chain=c, parent=whole, name="发动机", segment=Segment.COMPONENT, order=2)
    Node.objects.create(chain=c, parent=whole, name="传动件", segment=Segment.COMPONENT, order=3)
    svc = Node.objects.create(chain=c, name="后市场服务", segment=Segment.SERVICE, order=2)
    e = {}
    for k, out, tax in [("E1", 1000, 80), ("E2", 200, 10), ("E3", 300, 30), ("E4", 50, 5)]:
        e[k] = EnterpriseFactory(name=f"{k}公司")
        AnnualIndicatorFactory(enterprise=e[k], year=2025, gross_output=Decimal(out), tax_paid=Decimal(tax))
    services.placement_set(user=admin, node_id=whole.pk, enterprise_id=e["E1"].pk, is_leader=True)
    services.placement_set(user=admin, node_id=hyd.pk, enterprise_id=e["E2"].pk)
    services.placement_set(user=admin, node_id=svc.pk, enterprise_id=e["E4"].pk)
    add = services.supply_add
    add(
        user=admin,
        node_id=hyd.pk,
        buyer_id=e["E1"].pk,
        year=2025,
        amount=Decimal(300),
        supplier_id=e["E2"].pk,
    )
    add(
        user=admin,
        node_id=hyd.pk,
        buyer_id=e["E1"].pk,
        year=2025,
        amount=Decimal(700),
        supplier_name="博世力士乐",
    )
    add(
        user=admin,
        node_id=eng.pk,
        buyer_id=e["E1"].pk,
        year=2025,
        amount=Decimal(500),
        supplier_name="康明斯",
    )
    add(
        user=admin,
        node_id=svc.pk,
        buyer_id=e["E4"].pk,
        year=2025,
        amount=Decimal(100),
        supplier_id=e["E2"].pk,
    )
    add(user=admin, node_id=hyd.pk, buyer_id=e["E3"].pk, year=2025, amount=Decimal(999), supplier_name="外地")
    add(
        user=admin, node_id=hyd.pk, buyer_id=e["E1"].pk, year=2024, amount=Decimal(5000), supplier_name="往年"
    )
    return c, e


def test_node_figures_over_subtrees(chain, admin):
    c, _e = chain
    cf = selectors.chain_figures(user=admin, pk=c.pk, year=2025)
    rows = {r["node"].name: r for r in cf.rows()}
    assert [
        (n, rows[n]["enterprises"], rows[n]["output"], rows[n]["tax"])
        for n in ["整机", "液压件", "发动机", "后市场服务"]
    ] == [
        ("整机", 2, 1200.0, 90.0),
        ("液压件", 1, 200.0, 10.0),
        ("发动机", 0, 0.0, 0.0),
        ("后市场服务", 1, 50.0, 5.0),
    ]
    assert rows["整机"]["rate"] == pytest.approx(20.0)
    assert rows["液压件"]["rate"] is None  # only purchases of buyers placed on its subtree count there
    assert rows["后市场服务"]["rate"] == pytest.approx(100.0)
    assert rows["传动件"]["rate"] is None
    assert rows["整机"]["leaders"] == 1


def test_local_supply_rate_for_chain_and_leader(chain, admin):
    c, e = chain
    cf = selectors.chain_figures(user=admin, pk=c.pk, year=2025)
    assert cf.rate == pytest.approx(25.0)
    assert [(r["name"], r["purchases"], r["local"], round(r["rate"], 1)) for r in cf.leader_rates] == [
        ("E1公司", 1500.0, 300.0, 20.0)
    ]
    assert (cf.enterprises, cf.output, cf.tax) == (3, 1250.0, 95.0)


def test_gap_ranking(chain, admin):
    c, _e = chain
    gaps = selectors.chain_figures(user=admin, pk=c.pk, year=2025).gaps()
    assert [(g["node"].name, g["score"], g["outside"]) for g in gaps] == [
        ("发动机", 100.0, 0.0),
        ("传动件", 100.0, 0.0),
        ("液压件", 75.0, 0.0),
        ("整机", 50.0, 1200.0),
    ]
    assert [g["strength"] for g in gaps] == ["missing", "missing", "weak", "weak"]


def test_thresholds_from_settings_change_the_ranking(chain, admin):
    c, _e = chain
    services.config_update(user=admin, data={"min_output": Decimal(2000), "min_local_rate": Decimal(0)})
    gaps = {
        g["node"].name: g["score"] for g in selectors.chain_figures(user=admin, pk=c.pk, year=2025).gaps()
    }
    # output shortfalls: 整机 1 − 1200/2000 = 0.4 (×1.5 = 60), 液压件 max(0.5, 0.9) × 1.5 = 135, 后市场服务 0.975
    assert gaps == {"发动机": 100.0, "传动件": 100.0, "液压件": 135.0, "整机": 60.0, "后市场服务": 97.5}


def test_enterprise_users_see_no_chains(chain, ent_user_a):
    c, _e = chain
    assert not selectors.chain_list(user=ent_user_a).exists()
    with pytest.raises(Exception):  # noqa: B017,PT011 — Http404
        selectors.chain_figures(user=ent_user_a, pk=c.pk)


def test_chain_records_are_scoped_and_a_missing_one_is_404_not_500(chain, admin, ent_user_a):
    from django.http import Http404

    from parkos.chains import services
    from parkos.chains.models import Node, Target

    c, _e = chain
    node = Node.objects.filter(chain=c).first()
    assert not Node.objects.restrict(ent_user_a).exists()
    assert not Target.objects.restrict(ent_user_a).exists()
    with pytest.raises(Http404):
        selectors.node_get(user=ent_user_a, pk=node.pk)
    with pytest.raises(Http404):
        services.node_delete(user=admin, pk=999999)
    with pytest.raises(Http404):
        services.target_add(user=admin, node_id=999999, data={"name": "某公司"})

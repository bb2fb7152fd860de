"""A small hand-built catalogue and peer set (the worked example of tests/cockpit/test_engine.py, on the database).

Data year 2025. Catalogue version 2099 (the latest, so it is the one used): dimension A weighs 60, B 40.
- a1 (A, higher) from ParkOS's 工业增加值 (enterprises.value_added): the zone's two enterprises add 4 + 6 = 10 in
  2025 (and 3 + 5 = 8 in 2024);
- a2 (A, lower) from ParkOS's taxes (enterprises.tax, 9 in 2025) but the office entered 4, which counts;
- b1 (B, higher) entered 50;  b2 (B, higher) entered 7, and no peer reports it.
Peers 2025: P1 湖南 (central) a1 30, a2 2; P2 江苏 (east) a1 20, a2 6, b1 80. Peers 2024: P1 a1 20.
The zone is in 湖南 (region code 430121): central.
"""

import datetime as dt
from decimal import Decimal

import pytest

from parkos.cockpit.models import Dimension, Indicator, PeerValue, PeerZone, ZoneValue
from parkos.core.models import Role, Zone
from tests.factories import AnnualIndicatorFactory, EnterpriseFactory, UserFactory, grant

YEAR = 2025


@pytest.fixture
def catalogue(db):
    a = Dimension.objects.create(version=2099, code="A", name="甲维度", weight=60, order=1)
    b = Dimension.objects.create(version=2099, code="B", name="乙维度", weight=40, order=2)
    return {
        "a1": Indicator.objects.create(
            dimension=a, code="a1", name="甲一", unit="万元", figure="enterprises.value_added", order=1
        ),
        "a2": Indicator.objects.create(
            dimension=a,
            code="a2",
            name="甲二",
            unit="万元",
            direction="lower",
            figure="enterprises.tax",
            order=2,
        ),
        "b1": Indicator.objects.create(dimension=b, code="b1", name="乙一", unit="个", order=3),
        "b2": Indicator.objects.create(dimension=b, code="b2", name="乙二", unit="个", order=4),
    }


@pytest.fixture
def office(dept_a):
    grant("cockpit.evaluation", dept_a)
    return dept_a


@pytest.fixture
def officer(office):
    return UserFactory(username="kaohe", role=Role.DEPT_STAFF, department=office)


@pytest.fixture
def zone_data(catalogue, officer):
    Zone.objects.create(name="长沙经济技术开发区", short_name="长沙经开区", region_code="430121")
    for y, (x, z) in {YEAR: (4, 6), YEAR - 1: (3, 5)}.items():
        for va, tax in ((x, 4 if y == YEAR else None), (z, 5 if y == YEAR else None)):
            AnnualIndicatorFactory(
                enterprise=EnterpriseFactory(), year=y, value_added=Decimal(va), tax_paid=tax, revenue=None
            )
    for key, v in (("a2", 4), ("b1", 50), ("b2", 7)):
        ZoneValue.objects.create(indicator=catalogue[key], year=YEAR, value=Decimal(v), entered_by=officer)
    return catalogue


@pytest.fixture
def peers(zone_data):
    c = zone_data
    p1 = PeerZone.objects.create(name="湖南甲经开区", province="湖南", region="central")
    p2 = PeerZone.objects.create(name="江苏乙经开区", province="江苏", region="east")
    for zone, key, year, v in (
        (p1, "a1", YEAR, 30),
        (p1, "a2", YEAR, 2),
        (p2, "a1", YEAR, 20),
        (p2, "a2", YEAR, 6),
        (p2, "b1", YEAR, 80),
        (p1, "a1", YEAR - 1, 20),
    ):
        PeerValue.objects.create(zone=zone, indicator=c[key], year=year, value=Decimal(v))
    return p1, p2


TODAY = dt.date(2026, 11, 30)

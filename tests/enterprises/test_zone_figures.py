"""The registry's zone-level yearly figures (read by the national evaluation self-assessment), worked by hand.

2025:      above-scale  division  revenue   R&D    energy  value added  employees (2024)  tax
  E1       yes          35        200,000   4,000  500     20,000       100 (80)          1,000
  E2       yes          35        100,000   —      300     10,000        50 (—)           —
  E3       no           51        160,000   1,000  100     —              20 (30)          —     foreign-funded, est. 2025-03-01
  E4 high-tech, operating;  E5 high-tech, moved out.
R&D intensity: above-scale reporting both → E1 only: 4,000 ÷ 200,000 = 2.0000 %.
Energy per value added: above-scale reporting both → (500 + 300) ÷ (20,000 + 10,000) = 0.0267 tce/万元.
Net new jobs: E1 and E3 report both years: (100 + 20) − (80 + 30) = 10.
New foreign-funded: E3 → 1.  Manufacturers ≥ 150,000: E1 (E3 is wholesale) → 1; ≥ 300,000: none.
High-tech: E4 → 1.  Value added 30,000.  Tax 1,000.
"""

import datetime as dt
from decimal import Decimal

import pytest

from parkos.core import registries
from parkos.enterprises.models import EnterpriseStatus
from tests.factories import AnnualIndicatorFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def _row(ent, year, **kw):
    base = {"revenue": None, "tax_paid": None, "value_added": None}
    return AnnualIndicatorFactory(enterprise=ent, year=year, **{**base, **kw})


@pytest.fixture
def zone(db):
    e1 = EnterpriseFactory(is_above_scale=True)
    e2 = EnterpriseFactory(is_above_scale=True)
    e3 = EnterpriseFactory(
        industry_code="5111",
        industry_division="51",
        is_foreign_funded=True,
        established_on=dt.date(2025, 3, 1),
    )
    EnterpriseFactory(is_high_tech=True)
    EnterpriseFactory(is_high_tech=True, status=EnterpriseStatus.MOVED_OUT)
    _row(
        e1,
        2025,
        revenue=200_000,
        rd_expense=4_000,
        energy_tce=500,
        value_added=20_000,
        employees=100,
        tax_paid=1_000,
    )
    _row(e1, 2024, employees=80)
    _row(e2, 2025, revenue=100_000, energy_tce=300, value_added=10_000, employees=50)
    _row(e3, 2025, revenue=160_000, rd_expense=1_000, energy_tce=100, employees=20)
    _row(e3, 2024, employees=30)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("enterprises.rd_intensity", Decimal("2.0000")),
        ("enterprises.energy_intensity", Decimal("0.0267")),
        ("enterprises.new_jobs", Decimal(10)),
        ("enterprises.new_foreign_funded", Decimal(1)),
        ("enterprises.manufacturers_1_5bn", Decimal(1)),
        ("enterprises.manufacturers_3bn", Decimal(0)),
        ("enterprises.high_tech", Decimal(1)),
        ("enterprises.value_added", Decimal(30_000)),
        ("enterprises.tax", Decimal(1_000)),
    ],
)
def test_each_zone_figure_as_worked_by_hand(zone, key, value):
    assert registries.appraisal_figures[key].compute(2025) == value


def test_a_year_without_data_has_no_figure(zone):
    for key in ("enterprises.rd_intensity", "enterprises.energy_intensity", "enterprises.new_jobs"):
        assert registries.appraisal_figures[key].compute(2019) is None

from decimal import Decimal

import pytest
from django.http import Http404

from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.enterprises.models import Enterprise
from parkos.enterprises.selectors import enterprise_profile
from parkos.enterprises.services import (
    annual_indicator_set,
    enterprise_create,
    enterprise_update,
    land_parcel_create,
)
from tests.factories import EnterpriseFactory


def test_update_with_current_version_saves_and_bumps_version(staff_a, ent_a):
    e = enterprise_update(user=staff_a, pk=ent_a.pk, version=1, data={"registered_capital": Decimal("2500")})
    assert (e.registered_capital, e.version) == (Decimal("2500"), 2)


def test_concurrent_edit_is_refused_and_nothing_changes(staff_a, ent_a):
    enterprise_update(user=staff_a, pk=ent_a.pk, version=1, data={"name": "第一次修改"})
    with pytest.raises(Conflict) as exc:
        enterprise_update(user=staff_a, pk=ent_a.pk, version=1, data={"name": "第二次修改"})
    assert "已被他人修改" in str(exc.value.message)
    assert exc.value.extra == {"current": 2}
    ent_a.refresh_from_db()
    assert (ent_a.name, ent_a.version) == ("第一次修改", 2)


def test_out_of_scope_update_is_not_found_and_unchanged(staff_a, ent_b):
    with pytest.raises(Http404):
        enterprise_update(user=staff_a, pk=ent_b.pk, version=1, data={"name": "x"})
    ent_b.refresh_from_db()
    assert ent_b.name == "湖南乙方芯片有限公司"


def test_leader_reads_everything_but_cannot_write(leader, ent_a):
    with pytest.raises(Http404):
        enterprise_update(user=leader, pk=ent_a.pk, version=1, data={"name": "x"})
    with pytest.raises(Forbidden):
        enterprise_create(user=leader, data={"uscc": "91430121MA4L1234X0", "name": "x"})


def test_enterprise_user_cannot_write_own_enterprise(ent_user_a, ent_a):
    with pytest.raises(Http404):
        enterprise_update(user=ent_user_a, pk=ent_a.pk, version=1, data={"name": "x"})


def test_create_validates_uscc_and_assigns_department(staff_a):
    with pytest.raises(Invalid) as exc:
        enterprise_create(user=staff_a, data={"uscc": "91430121000000000X", "name": "坏代码"})
    assert "uscc" in exc.value.fields
    e = enterprise_create(user=staff_a, data={"uscc": EnterpriseFactory.build().uscc, "name": "新企业"})
    assert e.owner_id == staff_a.department_id


def test_create_rejects_duplicate_uscc(staff_a, ent_a):
    with pytest.raises(Invalid) as exc:
        enterprise_create(user=staff_a, data={"uscc": ent_a.uscc, "name": "重复"})
    assert exc.value.fields == {"uscc": ["已登记"]}


def test_every_change_is_in_history_with_actor_and_before_after(staff_a, ent_a):
    enterprise_update(user=staff_a, pk=ent_a.pk, version=1, data={"registered_capital": Decimal("2500.00")})
    land_parcel_create(
        user=staff_a, enterprise_id=ent_a.pk, data={"certificate_no": "湘1", "area_mu": Decimal("12")}
    )
    annual_indicator_set(user=staff_a, enterprise_id=ent_a.pk, year=2025, data={"tax_paid": Decimal("88")})
    history = enterprise_profile(user=staff_a, pk=ent_a.pk)["history"]
    updates = [h for h in history if h["type"] == "~"]
    assert len(updates) == 1
    assert updates[0]["actor"] == "staff_a"
    assert updates[0]["changes"] == [{"field": "注册资本（万元）", "old": "1000.00", "new": "2500.00"}]
    assert {h["what"] for h in history if h["type"] == "+"} >= {"用地", "年度指标"}


def test_annual_indicator_update_needs_current_version(staff_a, ent_a):
    annual_indicator_set(user=staff_a, enterprise_id=ent_a.pk, year=2025, data={"tax_paid": Decimal("1")})
    with pytest.raises(Conflict):
        annual_indicator_set(
            user=staff_a, enterprise_id=ent_a.pk, year=2025, version=None, data={"tax_paid": 2}
        )
    a = annual_indicator_set(user=staff_a, enterprise_id=ent_a.pk, year=2025, version=1, data={"tax_paid": 3})
    assert (a.tax_paid, a.version) == (3, 2)


def test_database_refuses_negative_land(staff_a, ent_a):
    with pytest.raises(Invalid):
        land_parcel_create(
            user=staff_a, enterprise_id=ent_a.pk, data={"certificate_no": "x", "area_mu": Decimal("-1")}
        )
    assert not Enterprise.objects.get(pk=ent_a.pk).land_parcels.exists()

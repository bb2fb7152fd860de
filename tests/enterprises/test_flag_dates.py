"""入规 and 升高: the day an enterprise already in the registry gains the 规上 or high-tech flag is kept (by the
edit form's service and by the import alike), cleared when the flag goes; the cockpit counts the enterprises that
gained a flag in the period — the registry list's own count, which its link opens."""

import pytest
from django.utils import timezone

from parkos.cockpit import selectors as cockpit
from parkos.core.imports import import_file
from parkos.core.periods import Period
from parkos.enterprises import services
from parkos.enterprises.models import Enterprise
from tests.factories import EnterpriseFactory
from tests.xlsx import write_xlsx

pytestmark = pytest.mark.django_db


def _tile(user, key, period=None):
    today = timezone.localdate()
    period = period or Period(today.year)
    return next(t for t in cockpit.tiles(user=user, period=period, today=today) if t["key"] == key)


def test_an_edit_dates_the_flag_it_switches_on_and_clears_it_when_switched_off(staff_a, dept_a):
    ent = EnterpriseFactory(owner=dept_a, is_above_scale=False, is_high_tech=True)
    assert (ent.above_scale_since, ent.high_tech_since) == (None, None)  # entering the registry is not 入规
    ent = services.enterprise_update(
        user=staff_a, pk=ent.pk, version=ent.version, data={"is_above_scale": True}
    )
    today = timezone.localdate()
    assert Enterprise.objects.get(pk=ent.pk).above_scale_since == today
    ent = services.enterprise_update(
        user=staff_a, pk=ent.pk, version=ent.version, data={"name": "改名有限公司"}
    )
    assert Enterprise.objects.get(pk=ent.pk).above_scale_since == today  # another edit keeps the day
    services.enterprise_update(user=staff_a, pk=ent.pk, version=ent.version, data={"is_above_scale": False})
    assert Enterprise.objects.get(pk=ent.pk).above_scale_since is None


def test_an_import_dates_the_flags_it_switches_on(admin, dept_a, tmp_path):
    a = EnterpriseFactory(owner=dept_a, name="甲", is_high_tech=False)
    b = EnterpriseFactory(owner=dept_a, name="乙", is_high_tech=True)
    head = ["统一社会信用代码", "企业名称", "是否高新技术企业"]
    report = import_file(
        kind="enterprises",
        source=write_xlsx(tmp_path / "e.xlsx", head, [[a.uscc, "甲", "是"], [b.uscc, "乙", "是"]]),
        user=admin,
    )
    assert report.ok
    assert Enterprise.objects.get(pk=a.pk).high_tech_since == timezone.localdate()
    assert Enterprise.objects.get(pk=b.pk).high_tech_since is None  # it was high-tech already


def test_the_tiles_count_what_the_list_shows_for_the_period(leader, client, dept_a):
    today = timezone.localdate()
    gained = EnterpriseFactory(owner=dept_a, name="新入规公司", is_above_scale=True, above_scale_since=today)
    EnterpriseFactory(
        owner=dept_a,
        name="去年入规公司",
        is_above_scale=True,
        above_scale_since=today.replace(year=today.year - 1),
    )
    EnterpriseFactory(owner=dept_a, name="又退规公司", is_above_scale=False, above_scale_since=None)
    t = _tile(leader, "enterprises.above_scale_gained")
    assert (t["value"], t["previous"]) == (1, 1)
    year = today.year
    assert t["url"] == f"/enterprises/?above_scale_from={year}-01-01&above_scale_to={year}-12-31"
    client.force_login(leader)
    page = client.get(t["url"]).content.decode()
    assert gained.name in page
    assert "去年入规公司" not in page
    assert _tile(leader, "enterprises.high_tech_gained")["value"] == 0
    jan = Period(year, month=1)
    assert _tile(leader, "enterprises.above_scale_gained", jan)["value"] == (1 if today.month == 1 else 0)

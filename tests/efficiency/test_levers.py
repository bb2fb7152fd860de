import datetime as dt
import io
from decimal import Decimal

import pytest

from parkos.core.exceptions import Conflict, Invalid
from parkos.core.imports import import_file
from parkos.efficiency import levers
from parkos.efficiency.services import evaluation_run
from parkos.enterprises.models import Enterprise
from tests.efficiency.test_pipeline import HEAD, U, feed_rows
from tests.xlsx import read_xlsx, write_xlsx


@pytest.fixture
def years(admin, tmp_path):
    rows = feed_rows()
    older = [[*r[:2], y, *r[3:]] for y in (2023, 2024) for r in rows]
    import_file(
        kind="evaluation-data", source=write_xlsx(tmp_path / "f.xlsx", HEAD, rows + older), user=admin
    )
    return [evaluation_run(user=admin, year=y) for y in (2023, 2024, 2025)]


def test_default_levers_follow_the_spec(db):
    pol = levers.policies_for(2025)
    assert (pol["D"].electricity_surcharge, pol["D"].consecutive_surcharge, pol["D"].consecutive_years) == (
        Decimal("0.30"),
        Decimal("0.40"),
        3,
    )
    assert pol["A"].land_supply_priority
    assert pol["B"].electricity_surcharge == 0


def test_surcharge_list_with_consecutive_d_years(admin, years):
    _run, rows = levers.surcharge_list(user=admin, year=2025)
    by = {r.result.enterprise.uscc: r for r in rows}
    # E5 (U4) is D every year by rank; the vetoed firm (U15) is D every year too
    assert (by[U(4)].consecutive, by[U(4)].surcharge) == (3, Decimal("0.40"))
    assert by[U(15)].surcharge == Decimal("0.40")
    assert all(r.result.final_class == "D" for r in rows)


def test_levers_are_versioned(admin):
    p = levers.policy_set(
        user=admin, year=2025, klass="C", version=None, data={"electricity_surcharge": "0.10"}
    )
    assert (p.version, p.electricity_surcharge) == (1, Decimal("0.10"))
    with pytest.raises(Conflict):
        levers.policy_set(user=admin, year=2025, klass="C", version=0, data={"electricity_surcharge": "0.2"})
    levers.policy_set(user=admin, year=2025, klass="C", version=1, data={"electricity_surcharge": "0.15"})
    assert levers.policies_for(2025)["C"].history.count() == 2


def test_low_efficiency_list_and_plans(admin, years):
    _run, rows = levers.low_efficiency_list(user=admin, year=2025)
    by = {r.result.enterprise.uscc: r for r in rows}
    assert by[U(4)].reasons[0] == "D 类"
    assert by[U(15)].reasons == ["D 类"]  # vetoed, with a high 亩均税收
    e = Enterprise.objects.get(uscc=U(4))
    with pytest.raises(Invalid):
        levers.plan_create(
            user=admin, enterprise_id=e.pk, year=2025, reason="D", measures="x", deadline=dt.date(2020, 1, 1)
        )
    plan = levers.plan_create(
        user=admin,
        enterprise_id=e.pk,
        year=2025,
        reason="D",
        measures="腾退闲置厂房",
        deadline=dt.date(2027, 6, 30),
    )
    _run, rows = levers.low_efficiency_list(user=admin, year=2025)
    assert {r.result.enterprise.uscc: r.plan for r in rows}[U(4)] == plan
    done = levers.plan_complete(user=admin, plan_id=plan.pk, version=1)
    assert done.status == "done"


def test_pages_and_exports(client_admin, years):
    page = client_admin.get("/efficiency/policies/2025/").content.decode()
    assert 'id="surcharges"' in page
    rows = read_xlsx(io.BytesIO(client_admin.get("/efficiency/policies/2025/", {"export": "xlsx"}).content))
    assert rows[0] == [
        "统一社会信用代码",
        "企业名称",
        "等级",
        "连续D类年数",
        "加价(元/千瓦时)",
        "用电量(万千瓦时)",
    ]
    assert U(4) in [r[0] for r in rows[1:]]
    client_admin.post(
        "/efficiency/policies/2025/",
        {
            "klass": "C",
            "electricity_surcharge": "0.1",
            "consecutive_years": "3",
            "consecutive_surcharge": "0",
        },
    )
    assert levers.policies_for(2025)["C"].electricity_surcharge == Decimal("0.100")
    rows = read_xlsx(
        io.BytesIO(client_admin.get("/efficiency/low-efficiency/2025/", {"export": "xlsx"}).content)
    )
    assert rows[0][:3] == ["统一社会信用代码", "企业名称", "等级"]
    e = Enterprise.objects.get(uscc=U(4))
    client_admin.post(
        "/efficiency/low-efficiency/2025/",
        {"action": "create", "enterprise": e.pk, "reason": "D", "measures": "技改", "deadline": "2027-01-31"},
    )
    assert e.rectifications.get().measures == "技改"


def test_enterprise_users_do_not_see_the_lists(client_ent_a, db):
    assert client_ent_a.get("/efficiency/policies/2025/").status_code == 404
    assert client_ent_a.get("/efficiency/low-efficiency/2025/").status_code == 404

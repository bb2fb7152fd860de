"""The self-assessment's pages and API: what each role sees, the figures on the page and in the export and the API,
the values form, and a bounded number of queries."""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.cockpit.models import PeerValue, PeerZone, ZoneValue
from parkos.cockpit.services import values_stamp
from tests.cockpit.conftest import YEAR
from tests.xlsx import read_xlsx

pytestmark = pytest.mark.django_db
PAGES = [
    f"/cockpit/evaluation/?year={YEAR}",
    f"/cockpit/evaluation/values/?year={YEAR}",
    "/cockpit/evaluation/peers/",
    "/cockpit/evaluation/indicators/",
]


def test_a_leader_sees_the_estimate_with_its_rank_and_losses(peers, leader, client):
    client.force_login(leader)
    r = client.get(f"/cockpit/evaluation/?year={YEAR}")
    html = r.content.decode()
    assert r.status_code == 200
    assert "内部估算" in html
    assert 'id="total">15.0<' in html
    assert 'id="rank">3 / 3<' in html
    assert 'id="region-rank">2 / 2<' in html
    assert 'id="yoy">+15.0<' in html
    assert "湖南甲经开区" in html
    assert "60.0" in html
    assert "录入本区数值" not in html  # a leader reads; only the office enters


def test_the_export_holds_the_scores_and_the_ranking(peers, leader, client):
    client.force_login(leader)
    r = client.get(f"/cockpit/evaluation/?year={YEAR}&export=xlsx")
    indicators = read_xlsx(io.BytesIO(r.content), 0)
    ranking = read_xlsx(io.BytesIO(r.content), 1)
    assert indicators[0][:3] == ["维度", "指标", "单位"]
    a2 = next(x for x in indicators if x[1] == "甲二")
    assert a2[4:] == ["4.00", "填报", "4.00", "2.00", "50.0", "30.00", "15.00"]
    assert ranking[0][:5] == ["排名", "园区", "省份", "区域", "综合得分(内部估算)"]
    assert [x[1] for x in ranking[1:]] == ["湖南甲经开区", "江苏乙经开区", "长沙经济技术开发区"]
    assert ranking[3][4] == "15.0"


@pytest.mark.parametrize("url", PAGES)
def test_outsiders_get_404(peers, staff_b, ent_user_a, client, url):
    for user in (staff_b, ent_user_a):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_navigation_links_it_only_for_those_who_may_open_it(peers, leader, staff_b, client):
    client.force_login(leader)
    assert "/cockpit/evaluation/" in client.get("/enterprises/").content.decode()
    client.force_login(staff_b)
    assert "/cockpit/evaluation/" not in client.get("/enterprises/").content.decode()


def test_the_office_enters_values_on_the_page(peers, officer, client):
    c = peers[0].values.first().indicator.dimension.indicators.all()
    a1 = next(i for i in c if i.code == "a1")
    client.force_login(officer)
    page = client.get(f"/cockpit/evaluation/values/?year={YEAR}").content.decode()
    assert f'name="value_{a1.pk}"' in page
    assert "统计局" not in page
    data = {"stamp": values_stamp(YEAR), f"value_{a1.pk}": "11.5", f"note_{a1.pk}": "统计局快报"}
    for z in ZoneValue.objects.filter(year=YEAR):
        data[f"value_{z.indicator_id}"] = str(z.value)
    r = client.post(f"/cockpit/evaluation/values/?year={YEAR}", data)
    assert r.status_code == 302
    assert ZoneValue.objects.get(indicator=a1, year=YEAR).value == Decimal("11.5")
    page = client.get(f"/cockpit/evaluation/values/?year={YEAR}").content.decode()
    assert "统计局快报" in page  # and in the history below
    r = client.post(f"/cockpit/evaluation/values/?year={YEAR}", {**data, f"value_{a1.pk}": "不是数字"})
    assert r.status_code == 200
    assert ZoneValue.objects.get(indicator=a1, year=YEAR).value == Decimal("11.5")


def test_a_leader_reads_the_values_but_may_not_post(peers, leader, client):
    client.force_login(leader)
    page = client.get(f"/cockpit/evaluation/values/?year={YEAR}").content.decode()
    assert 'name="value_' not in page
    n = ZoneValue.objects.count()
    r = client.post(f"/cockpit/evaluation/values/?year={YEAR}", {"stamp": ""})
    assert r.status_code == 403
    assert ZoneValue.objects.count() == n


def test_the_peers_list_searches_filters_and_sorts(peers, leader, client):
    client.force_login(leader)
    html = client.get("/cockpit/evaluation/peers/?q=江苏").content.decode()
    assert "江苏乙经开区" in html
    assert "湖南甲经开区" not in html
    html = client.get("/cockpit/evaluation/peers/?region=central").content.decode()
    assert "湖南甲经开区" in html
    assert "江苏乙经开区" not in html
    html = client.get("/cockpit/evaluation/peers/?sort=-values").content.decode()
    assert html.index("湖南甲经开区") < html.index("江苏乙经开区")  # 3 values before 3 … then by name
    assert "导入对标数据" not in html  # a leader does not import


def test_the_catalogue_page_lists_the_2021_catalogue(db, leader, client):
    # the migration's own data (a transactional test run earlier in this worker may have flushed it)
    importlib.import_module("parkos.cockpit.migrations.0002_catalogue_2021").load(django_apps, None)
    client.force_login(leader)
    html = client.get("/cockpit/evaluation/indicators/").content.decode()
    for text in (
        "对外开放",
        "实际使用外资金额",
        "规模以上工业单位增加值能耗",
        "城镇新增就业人数",
        "发展质量",
    ):
        assert text in html


def test_the_page_does_a_bounded_number_of_queries(peers, leader, client):
    client.force_login(leader)
    url = f"/cockpit/evaluation/?year={YEAR}"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    ind = peers[0].values.first().indicator
    for n in range(30):
        z = PeerZone.objects.create(name=f"对标园区{n:02d}", province="湖南", region="central")
        PeerValue.objects.create(zone=z, indicator=ind, year=YEAR, value=n)
    with CaptureQueriesContext(connection) as big:
        client.get(url)
    assert len(big) == len(small)


def test_the_api_gives_the_same_figures(peers, leader, staff_b, client):
    client.force_login(leader)
    d = client.get(f"/api/v1/cockpit/evaluation?year={YEAR}").json()
    assert d["estimate"] is True
    assert (d["total"], d["rank"], d["of"]) == ("15.0", 3, 3)
    assert d["biggest_losses"] == ["b1", "a1", "a2"]
    assert [x["score"] for x in d["dimensions"]] == ["25.0", "0.0"]
    client.force_login(staff_b)
    assert client.get(f"/api/v1/cockpit/evaluation?year={YEAR}").status_code == 403


def test_the_form_shows_entered_values_as_written(peers, officer, client, catalogue):
    ZoneValue.objects.filter(indicator=catalogue["b1"], year=YEAR).update(value=Decimal("12000.5000"))
    client.force_login(officer)
    page = client.get(f"/cockpit/evaluation/values/?year={YEAR}").content.decode()
    assert f'name="value_{catalogue["b1"].pk}" value="12000.5"' in page


def test_a_system_administrator_keeps_the_catalogue_in_the_admin(db, client_admin):
    importlib.import_module("parkos.cockpit.migrations.0002_catalogue_2021").load(django_apps, None)
    page = client_admin.get("/admin/cockpit/indicator/?q=外资").content.decode()
    assert "实际使用外资金额" in page
    assert client_admin.get("/admin/cockpit/dimension/").status_code == 200

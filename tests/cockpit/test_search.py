"""Search across the zone: one box finds enterprises by part of the name, a former name, the USCC or the legal
representative, projects, leads, requests, policies and plan tasks — ranked, and only what the user may open."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.cockpit import selectors
from parkos.core import search as kernel_search
from parkos.core.models import Role
from parkos.investment import services as investment
from parkos.investment.models import Team
from parkos.servicedesk import services as desk
from parkos.servicedesk.models import Category
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ProjectFactory,
    UserFactory,
    enterprise_user,
    grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(dept_a, dept_b):
    sany = EnterpriseFactory(
        owner=dept_a,
        name="三一重工股份有限公司",
        former_names="三一重工业集团有限公司",
        legal_representative="向文波",
    )
    EnterpriseFactory(owner=dept_a, name="湖南三一智能控制设备有限公司")
    EnterpriseFactory(owner=dept_a, name="长沙三一")  # the whole name: ranked first
    other = EnterpriseFactory(owner=dept_b, name="三一汽车起重机械有限公司")
    renamed = EnterpriseFactory(owner=dept_b, name="湖南新能科技有限公司", former_names="长沙旧名电子厂")
    ProjectFactory(name="三一智能制造产业园", code="XM2026001", investor=sany, lead_department=dept_a)
    ProjectFactory(name="三一起重机扩建", code="XM2026002", investor=other, lead_department=dept_b)
    return {"sany": sany, "other": other, "renamed": renamed}


def _labels(found, kind):
    group = next((g for g in found["groups"] if g["key"] == kind), None)
    return [h.label for h in group["hits"]] if group else []


def test_a_leader_finds_by_part_of_the_name_best_match_first(zone, leader):
    found = selectors.search(user=leader, q="长沙三一")
    assert _labels(found, "enterprises") == ["长沙三一"]
    found = selectors.search(user=leader, q="三一")
    names = _labels(found, "enterprises")
    assert len(names) == 4
    # beginning with the term before containing it; the shorter name first
    assert names == [
        "三一重工股份有限公司",
        "三一汽车起重机械有限公司",
        "长沙三一",
        "湖南三一智能控制设备有限公司",
    ]
    assert _labels(found, "projects") == ["三一起重机扩建", "三一智能制造产业园"]


def test_finds_by_uscc_former_name_and_legal_representative(zone, leader):
    uscc = zone["sany"].uscc
    assert _labels(selectors.search(user=leader, q=uscc), "enterprises") == ["三一重工股份有限公司"]
    assert _labels(selectors.search(user=leader, q=uscc[:-1].lower()), "enterprises") == [
        "三一重工股份有限公司"
    ]  # a USCC's beginning, in any case
    assert _labels(selectors.search(user=leader, q="旧名电子"), "enterprises") == ["湖南新能科技有限公司"]
    assert _labels(selectors.search(user=leader, q="向文波"), "enterprises") == ["三一重工股份有限公司"]
    assert _labels(selectors.search(user=leader, q="XM2026002"), "projects") == ["三一起重机扩建"]


def test_a_project_is_found_by_its_investors_name_from_three_characters(zone, leader):
    assert _labels(selectors.search(user=leader, q="重工股份"), "projects") == ["三一智能制造产业园"]
    assert (
        _labels(selectors.search(user=leader, q="重工"), "projects") == []
    )  # two: the project's own name only


def test_every_word_must_match(zone, leader):
    assert _labels(selectors.search(user=leader, q="三一 起重"), "enterprises") == [
        "三一汽车起重机械有限公司"
    ]
    assert selectors.search(user=leader, q="三一 不存在")["total"] == 0


def test_a_department_finds_only_its_own(zone, staff_a, staff_b):
    found = selectors.search(user=staff_b, q="三一")
    assert _labels(found, "enterprises") == ["三一汽车起重机械有限公司"]
    assert _labels(found, "projects") == ["三一起重机扩建"]
    assert _labels(selectors.search(user=staff_b, q=zone["sany"].uscc), "enterprises") == []
    assert "三一汽车起重机械有限公司" not in _labels(selectors.search(user=staff_a, q="三一"), "enterprises")


def test_an_enterprise_user_finds_only_its_own_records(zone, client):
    me = enterprise_user(zone["sany"], "qiye_sany")
    found = selectors.search(user=me, q="三一")
    assert _labels(found, "enterprises") == ["三一重工股份有限公司"]
    assert _labels(found, "projects") == ["三一智能制造产业园"]
    assert {g["key"] for g in found["groups"]} <= {"enterprises", "projects", "requests", "policies"}
    assert selectors.search(user=me, q=zone["other"].uscc)["total"] == 0
    client.force_login(me)
    page = client.get("/search/", {"q": "三一"}).content.decode()
    assert "三一重工股份有限公司" in page
    assert "三一汽车起重机械有限公司" not in page
    assert "三一起重机扩建" not in page


@pytest.fixture
def more_kinds(zone, dept_a, dept_b):
    grant("investment.joint_meeting", dept_b)
    team = Team.objects.create(name="一分队", code="T1", department=dept_b)
    officer = UserFactory(username="zs1", role=Role.DEPT_STAFF, department=dept_b)
    team.members.add(officer)
    investment.lead_create(
        user=officer,
        data={
            "investor_name": "三一集团有限公司",
            "title": "三一氢能装备项目",
            "team": team,
            "amount": Decimal(5000),
        },
        decision="separate",
    )
    qfzx = DepartmentFactory(code="QFZX", name="企业服务中心")
    grant("servicedesk.centre", qfzx)
    desk.install_default_categories()
    qiye = enterprise_user(zone["sany"], "qiye_sany")
    r = desk.request_submit(
        user=qiye,
        enterprise_id=zone["sany"].pk,
        category_id=Category.objects.get(code="consult").pk,
        title="三一厂区用电增容",
        text="申请增容 2000 kVA",
        on=dt.date(2026, 9, 30),
    )
    return {"officer": officer, "qiye": qiye, "request": r}


def test_leads_and_requests_are_found_by_those_who_may_open_them(more_kinds, leader, staff_a, client):
    found = selectors.search(user=leader, q="三一")
    assert _labels(found, "leads") == ["三一氢能装备项目"]
    assert _labels(found, "requests") == ["三一厂区用电增容"]
    number = more_kinds["request"].number
    assert _labels(selectors.search(user=more_kinds["qiye"], q=number), "requests") == ["三一厂区用电增容"]
    assert _labels(selectors.search(user=more_kinds["qiye"], q="三一"), "leads") == []
    assert _labels(selectors.search(user=more_kinds["officer"], q="氢能"), "leads") == ["三一氢能装备项目"]
    # each hit opens for the user who found it
    client.force_login(more_kinds["qiye"])
    for g in selectors.search(user=more_kinds["qiye"], q="三一")["groups"]:
        for h in g["hits"]:
            assert client.get(h.url).status_code == 200, h.url


def test_the_page_and_the_dropdown(zone, client, leader):
    client.force_login(leader)
    page = client.get("/search/", {"q": "三一"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "三一重工股份有限公司" in html
    assert "/enterprises/?q=%E4%B8%89%E4%B8%80" in html  # the registry's list, searched for the term
    drop = client.get("/search/", {"q": "三一", "dropdown": "1"}, headers={"HX-Request": "true"})
    body = drop.content.decode()
    assert "<html" not in body
    assert "三一重工股份有限公司" in body
    assert "/search/?q=%E4%B8%89%E4%B8%80" in body
    assert client.get("/search/", {"q": "\x00三一"}).status_code == 200
    assert "三一" in client.get("/search/", {"q": "三一" * 40}).content.decode()


def test_more_of_one_kind(leader, dept_a, client):
    for i in range(7):
        EnterpriseFactory(owner=dept_a, name=f"长沙远大第{i}分公司")
    found = selectors.search(user=leader, q="远大")
    group = found["groups"][0]
    assert len(group["hits"]) == selectors.SEARCH_EACH
    assert group["more"] is True
    assert len(selectors.search(user=leader, q="远大", kind="enterprises")["groups"][0]["hits"]) == 7


def test_one_query_a_kind_whatever_the_number_of_hits(zone, leader):
    for i in range(20):
        EnterpriseFactory(owner=zone["sany"].owner, name=f"三一配套{i}厂")
    with CaptureQueriesContext(connection) as q:
        selectors.search(user=leader, q="三一")
    assert len(q) == len(
        [
            p
            for p in __import__("parkos.core.registries", fromlist=["x"]).search_providers
            if p.visible(leader)
        ]
    )


def test_an_empty_or_blank_term_finds_nothing(zone, leader):
    assert selectors.search(user=leader, q="   ")["groups"] == []
    assert kernel_search.normalize(" 三一 \x00 重工\n") == "三一 重工"

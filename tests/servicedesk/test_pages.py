"""Service desk and policy pages: each renders for its users, lists are bounded in queries and export to Excel,
the enterprise portal shows only the enterprise's own, and another enterprise's request is a 404."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkos.core.models import Role
from parkos.policies import services as policy_services
from parkos.servicedesk import services
from parkos.servicedesk.models import Category, Request
from tests.factories import (
    AnnualIndicatorFactory,
    DepartmentFactory,
    EnterpriseFactory,
    UserFactory,
    enterprise_user,
    grant,
)
from tests.xlsx import read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(dept_a, admin):
    return make_desk(dept_a, admin)


def make_desk(dept_a, admin):
    """A service centre, the default categories, one enterprise with its user (shared with other modules)."""
    qfzx = DepartmentFactory(code="QFZX", name="企业服务中心")
    grant("servicedesk.centre", qfzx)
    services.install_default_categories()
    ent = EnterpriseFactory(owner=dept_a, name="长沙甲企业有限公司", is_high_tech=True)
    AnnualIndicatorFactory(enterprise=ent, year=2025, rd_expense=Decimal(800))
    return {
        "centre": UserFactory(username="qfzx", role=Role.DEPT_STAFF, department=qfzx),
        "jfj": UserFactory(username="jfj", role=Role.DEPT_STAFF, department=dept_a),
        "ent": ent,
        "qiye": enterprise_user(ent, "qiye1"),
        "admin": admin,
        "dept": dept_a,
    }


def submit(d, n=1):
    cat = Category.objects.get(code="help")
    return [
        services.request_submit(
            user=d["qiye"], enterprise_id=d["ent"].pk, category_id=cat.pk, title=f"诉求{i}", text="内容"
        )
        for i in range(n)
    ]


def test_pages_render_for_staff_and_enterprise(client, desk):
    (r,) = submit(desk)
    client.force_login(desk["centre"])
    for url in [
        "servicedesk:requests",
        "servicedesk:create",
        "servicedesk:visits",
        "servicedesk:cards",
        "ratings:ratings",
        "ratings:cases",
        "policies:list",
        "policies:applications",
        "policies:grants",
        "policies:create",
    ]:
        assert client.get(reverse(url)).status_code == 200, url
    assert client.get(reverse("servicedesk:request", args=[r.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("ratings:public")).status_code == 200  # no login for the public figures
    client.force_login(desk["qiye"])
    for url in ["servicedesk:requests", "servicedesk:create", "servicedesk:colleagues", "policies:mine"]:
        assert client.get(reverse(url)).status_code == 200, url
    for url in ["servicedesk:visits", "ratings:cases", "ratings:ratings", "policies:applications"]:
        assert client.get(reverse(url)).status_code == 404, url


def test_request_queue_is_bounded_and_exports(client, desk):
    submit(desk, 3)
    client.force_login(desk["centre"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("servicedesk:requests"))
    submit(desk, 20)
    with CaptureQueriesContext(connection) as more:
        r = client.get(reverse("servicedesk:requests"))
    assert len(more) == len(few)
    assert "status-green" in r.content.decode()
    rows = read_xlsx(io.BytesIO(client.get(reverse("servicedesk:requests"), {"export": "xlsx"}).content))
    assert rows[0][:3] == ["编号", "企业", "诉求"]
    assert len(rows) == 24


def test_another_enterprises_request_is_404(client, desk):
    (r,) = submit(desk)
    other = enterprise_user(EnterpriseFactory(name="别家"), "qiye2")
    client.force_login(other)
    assert client.get(reverse("servicedesk:request", args=[r.pk])).status_code == 404
    assert (
        client.post(reverse("servicedesk:act", args=[r.pk]), {"action": "rate", "level": 5}).status_code
        == 404
    )
    page = client.get(reverse("servicedesk:requests")).content.decode()
    assert r.number not in page
    assert client.get(f"/api/v1/services/requests/{r.pk}").status_code == 404


def test_enterprise_submits_on_the_portal_and_invites_a_colleague(client, desk):
    client.force_login(desk["qiye"])
    cat = Category.objects.get(code="consult")
    r = client.post(
        reverse("servicedesk:create"), {"category": cat.pk, "title": "政策咨询", "text": "高企认定的条件"}
    )
    req = Request.objects.get()
    assert r.status_code == 302
    assert (req.enterprise, req.channel, req.submitted_by) == (desk["ent"], "portal", desk["qiye"])
    from parkos.enterprises.models import EnterpriseAccount

    EnterpriseAccount.objects.filter(user=desk["qiye"]).update(is_manager=True)
    client.post(
        reverse("servicedesk:colleagues"),
        {"username": "caiwu", "display_name": "财务张", "password": "Caiwu-2026-pass"},
    )
    acc = EnterpriseAccount.objects.get(user__username="caiwu")
    assert (acc.enterprise, acc.invited_by, acc.is_manager) == (desk["ent"], desk["qiye"], False)
    client.force_login(acc.user)
    assert (
        client.get(reverse("servicedesk:request", args=[req.pk])).status_code == 200
    )  # a colleague sees the enterprise's requests
    r = client.post(
        reverse("servicedesk:colleagues"),
        {"username": "x2", "display_name": "x", "password": "Caiwu-2026-pass"},
    )
    assert r.status_code == 200  # refused: only the verified contact invites
    assert not EnterpriseAccount.objects.filter(user__username="x2").exists()


def test_policy_pages_and_the_enterprise_sees_why(client, desk, admin):
    p = policy_services.policy_save(
        user=admin,
        data={
            "title": "研发奖补",
            "issuer": "管委会",
            "valid_from": dt.date(2026, 1, 1),
            "department": desk["dept"],
        },
    )
    c = policy_services.clause_save(
        user=admin,
        policy_id=p.pk,
        data={
            "number": "第一条",
            "title": "研发投入奖补",
            "rule": {
                "all": [
                    {"field": "is_high_tech", "op": "eq", "value": True},
                    {"field": "rd_expense", "op": "gte", "value": 500},
                ]
            },
            "support": {"type": "rate", "field": "rd_expense", "rate": 0.1, "cap": 50},
        },
    )
    client.force_login(admin)
    client.post(reverse("policies:match"))
    for url in [
        reverse("policies:detail", args=[p.pk]),
        reverse("policies:clause", args=[c.pk]),
        reverse("policies:clause_edit", args=[c.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    r = client.post(
        reverse("policies:clause_edit", args=[c.pk]),
        {"number": "第一条", "title": "x", "rule": "not json", "active": "on"},
    )
    assert "JSON" in r.content.decode()
    client.force_login(desk["qiye"])
    page = client.get(reverse("policies:mine")).content.decode()
    assert "研发投入奖补" in page
    assert "是高新技术企业" in page
    assert "800万元" in page
    client.post(reverse("policies:apply", args=[c.pk]), {"amount": "50"})
    from parkos.policies.models import Application

    assert Application.objects.get().enterprise == desk["ent"]


def test_portal_rates_a_decided_approval_item_and_a_bad_one_opens_a_case(client, desk, catalogue_items):
    item = catalogue_items
    client.force_login(desk["qiye"])
    page = client.get(reverse("servicedesk:requests")).content.decode()
    assert 'id="items-to-rate"' in page
    client.post(
        reverse("ratings:rate", args=["projects.item", item.pk]),
        {"level": 2, "reasons": "办事效率", "text": "等太久"},
    )
    from parkos.ratings.models import Rating

    r = Rating.objects.get(target="projects.item", target_id=item.pk)
    assert (r.level, r.department, r.case.state) == (2, item.department, "assigned")
    assert 'id="items-to-rate"' not in client.get(reverse("servicedesk:requests")).content.decode()


@pytest.fixture
def catalogue_items(desk, admin):
    from parkos.projects.catalogue import install_defaults
    from parkos.projects.models import ItemInstance
    from parkos.projects.services import approvals_start
    from tests.factories import ProjectFactory

    install_defaults()
    p = ProjectFactory(investor=desk["ent"], lead_department=desk["dept"], registered_on=dt.date(2026, 1, 5))
    approvals_start(user=admin, pk=p.pk)
    it = ItemInstance.objects.filter(project=p).first()
    ItemInstance.objects.filter(pk=it.pk).update(completed_on=dt.date.today(), state="granted")
    return ItemInstance.objects.get(pk=it.pk)


def test_settings_exports_and_the_daily_escalation(client, desk, admin):
    from django.core.management import call_command

    client.force_login(admin)
    cat = Category.objects.get(code="consult")
    client.post(
        reverse("servicedesk:settings"),
        {
            "category": cat.pk,
            "code": "consult",
            "name": "政策咨询",
            "close_wd": 4,
            "card_close_wd": 2,
            "order": 0,
        },
    )
    assert Category.objects.get(pk=cat.pk).close_wd == 4
    services.visit_log(
        user=desk["centre"],
        enterprise_id=desk["ent"].pk,
        on=dt.date(2026, 3, 2),
        officials="王局",
        topics="用工",
    )
    services.card_issue(
        user=desk["centre"], enterprise_id=desk["ent"].pk, year=2026, officer_id=desk["jfj"].pk
    )
    for url, first in [
        (reverse("servicedesk:visits"), "日期"),
        (reverse("servicedesk:cards") + "?year=2026", "卡号"),
        (reverse("policies:list"), "政策名称"),
    ]:
        rows = read_xlsx(io.BytesIO(client.get(url + ("&" if "?" in url else "?") + "export=xlsx").content))
        assert rows[0][0] == first, url
    services.request_submit(
        user=desk["qiye"],
        enterprise_id=desk["ent"].pk,
        category_id=cat.pk,
        title="x",
        text="y",
        on=dt.date(2026, 9, 30),
    )
    out = io.StringIO()
    call_command("services", "refresh", "--today", "2026-11-02", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert Request.objects.get().escalated


def test_the_first_enterprise_account_made_by_an_administrator_is_the_verified_contact(admin, desk):
    from parkos.core.users import user_create
    from parkos.enterprises.models import EnterpriseAccount

    ent = EnterpriseFactory(name="新企业")
    u1 = user_create(
        actor=admin, data={"username": "new1", "role": "enterprise"}, password="Xin-qiye-2026", enterprise=ent
    )
    u2 = user_create(
        actor=admin, data={"username": "new2", "role": "enterprise"}, password="Xin-qiye-2026", enterprise=ent
    )
    assert [EnterpriseAccount.objects.get(user=u).is_manager for u in (u1, u2)] == [True, False]


def test_a_request_raised_in_a_visit_keeps_its_visit_and_date(client, desk):
    v = services.visit_log(
        user=desk["centre"],
        enterprise_id=desk["ent"].pk,
        on=dt.date(2026, 9, 30),
        officials="王局",
        topics="用电",
    )
    client.force_login(desk["centre"])
    page = client.get(reverse("servicedesk:create"), {"visit": v.pk}).content.decode()
    assert desk["ent"].uscc in page
    cat = Category.objects.get(code="help")
    client.post(
        reverse("servicedesk:create"),
        {
            "visit": v.pk,
            "enterprise_uscc": desk["ent"].uscc,
            "channel": "visit",
            "category": cat.pk,
            "title": "用电增容",
            "text": "走访时企业提出",
        },
    )
    r = Request.objects.get()
    assert (r.visit, r.channel, r.received_on, r.due_on) == (
        v,
        "visit",
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 27),
    )
    assert "SQ2026090001" in client.get(reverse("servicedesk:visits")).content.decode()


def test_case_application_grant_and_conflict_lists_export(client, desk, admin):
    client.force_login(admin)
    for url, first in [
        (reverse("ratings:cases"), "收到日期"),
        (reverse("policies:applications"), "申报日期"),
        (reverse("policies:grants"), "企业"),
        (reverse("investment:conflicts"), "提出日期"),
    ]:
        rows = read_xlsx(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
        assert rows[0][0] == first, url


@pytest.mark.parametrize(
    ("url", "add"),
    [
        (
            "servicedesk:visits",
            lambda d, i: services.visit_log(
                user=d["centre"],
                enterprise_id=d["ent"].pk,
                on=dt.date(2026, 3, 2),
                officials="服务中心",
                topics=f"走访{i}",
            ),
        ),
        (
            "servicedesk:cards",
            lambda d, i: services.card_issue(
                user=d["centre"],
                enterprise_id=EnterpriseFactory(name=f"持卡企业{i}").pk,
                year=dt.date.today().year,
                officer_id=d["jfj"].pk,
            ),
        ),
        ("users", lambda d, i: UserFactory(username=f"staff{i}", role=Role.DEPT_STAFF, department=d["dept"])),
        ("inbox", lambda d, i: None),
    ],
)
def test_more_list_pages_are_bounded_in_queries(client, desk, url, add):
    """The kernel's list page does the same number of queries for 2 rows as for 12 (rows in bulk: select/prefetch)."""
    client.force_login(desk["admin"] if url == "users" else desk["centre"])
    for i in range(2):
        add(desk, i)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url)).status_code == 200
    for i in range(2, 12):
        add(desk, i)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse(url))
    assert len(more) == len(few), url


RAW_CODES = re.compile(
    r"\b(assigned|verifying|rectifying|proposed|approved|disbursed|submitted|dispatched|servicedesk\.request|"
    r"projects\.item|send_back|very_dissatisfied)\b"
)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _links(html: str) -> set[str]:
    out = set()
    for href in re.findall(r'href="([^"#][^"]*)"', html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith(("/static/", "/media/", "/api/", "//")):
            if "export=" not in href and not href.startswith("/logout"):
                out.add(href)
    return out


def test_service_and_rating_pages_show_labels_and_only_links_the_user_may_follow(
    client, desk, catalogue_items, leader
):
    """A crawl of the pages whose templates the ratings move and the form posts touched (requests, a request, the
    rating board and cases, a case, the public figures, the grants page): no stored code in what the user reads,
    and every link on a page answers the user who sees it (never 404, 403 or 500)."""
    (req,) = submit(desk)
    item = catalogue_items
    client.force_login(desk["qiye"])
    client.post(
        reverse("ratings:rate", args=["projects.item", item.pk]),
        {"level": 1, "reasons": "办事效率", "text": "等太久"},
    )
    from parkos.ratings.models import BadRatingCase

    case = BadRatingCase.objects.get()
    pages = [
        reverse("servicedesk:requests"),
        reverse("servicedesk:request", args=[req.pk]),
        reverse("ratings:ratings"),
        reverse("ratings:cases"),
        reverse("ratings:case", args=[case.pk]),
        reverse("ratings:public"),
        reverse("policies:grants"),
    ]
    for who in ("qiye", "centre", "jfj", "admin", leader):
        user = desk[who] if isinstance(who, str) else who
        client.force_login(user)
        for url in pages:
            r = client.get(url)
            if r.status_code == 404:  # not this user's page: nothing on it to check
                continue
            assert r.status_code == 200, (user.username, url)
            html = r.content.decode()
            raw = RAW_CODES.findall(_visible_text(html))
            assert not raw, (user.username, url, raw)
            for link in _links(html):
                status = client.get(link).status_code
                assert status in (200, 302), (user.username, url, link, status)

"""The enterprise page (一企一档): one page with a tab per app, each loaded by htmx from the app's own scoped
selector — projects, requests with their ratings, policies matched / applied / granted, 亩均 results, leads —
and nothing the user may not see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.core.models import Role
from parkos.servicedesk import services as desk_services
from parkos.servicedesk.models import Category
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory, enterprise_user

pytestmark = pytest.mark.django_db

TABS = ["efficiency", "projects", "servicedesk", "policies", "investment"]


@pytest.fixture
def ent(dept_a):
    return EnterpriseFactory(owner=dept_a, name="长沙甲方重工有限公司")


def tab(client, ent, key):
    return client.get(f"/enterprises/{ent.pk}/tabs/{key}/")


def test_the_page_offers_every_apps_tab_to_staff_and_loads_them_by_htmx(client, staff_a, ent):
    client.force_login(staff_a)
    html = client.get(f"/enterprises/{ent.pk}/").content.decode()
    for key in TABS:
        assert f'hx-get="/enterprises/{ent.pk}/tabs/{key}/"' in html
    assert 'id="tab-history"' in html  # the change history is a tab of its own, not below everything
    for key in TABS:
        r = tab(client, ent, key)
        assert r.status_code == 200, key
        assert "<html" not in r.content.decode()  # a partial, not a page


def test_an_enterprise_user_gets_its_own_tabs_but_not_projects_or_leads(client, ent):
    client.force_login(enterprise_user(ent, "qiye_tab"))
    html = client.get(f"/enterprises/{ent.pk}/").content.decode()
    assert f"/enterprises/{ent.pk}/tabs/servicedesk/" in html
    assert f"/enterprises/{ent.pk}/tabs/investment/" not in html
    assert tab(client, ent, "investment").status_code == 404
    assert tab(client, ent, "projects").status_code == 404
    other = EnterpriseFactory(owner=ent.owner, name="别家企业有限公司")
    assert tab(client, other, "servicedesk").status_code == 404


def test_tabs_of_an_enterprise_out_of_scope_and_unknown_tabs_are_404(client, staff_b, ent, staff_a):
    client.force_login(staff_b)
    assert tab(client, ent, "projects").status_code == 404
    client.force_login(staff_a)
    assert tab(client, ent, "nonexistent").status_code == 404


def test_the_projects_tab_lists_its_projects_with_status_and_approval_light(client, staff_a, ent):
    ProjectFactory(investor=ent, name="甲方重工智能制造基地", total_investment=123456.5)
    ProjectFactory(name="别人的项目")
    client.force_login(staff_a)
    html = tab(client, ent, "projects").content.decode()
    assert "甲方重工智能制造基地" in html
    assert "123,456.50" in html
    assert "别人的项目" not in html


def test_the_services_tab_shows_requests_with_their_state_label(client, staff_a, ent, dept_a):
    desk_services.install_default_categories()
    qiye = enterprise_user(ent, "qiye_req")
    cat = Category.objects.get(code="help")
    desk_services.request_submit(
        user=qiye, enterprise_id=ent.pk, category_id=cat.pk, title="用电增容", text="x"
    )
    admin = UserFactory(username="adm_tab", role=Role.SYSTEM_ADMIN, department=None, is_superuser=True)
    client.force_login(admin)
    html = tab(client, ent, "servicedesk").content.decode()
    assert "用电增容" in html
    assert "已提交" in html or "待分派" in html or "已受理" in html
    assert "submitted" not in html


@pytest.mark.parametrize("key", TABS)
def test_each_tab_is_bounded_in_queries(client, admin, ent, key):
    client.force_login(admin)
    with CaptureQueriesContext(connection) as few:
        tab(client, ent, key)
    for i in range(3):
        ProjectFactory(investor=ent, name=f"项目{i}")
    with CaptureQueriesContext(connection) as more:
        tab(client, ent, key)
    assert len(more.captured_queries) == len(few.captured_queries)

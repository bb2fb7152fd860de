"""The policy clause's rule builder in Chromium: an official writes the eligibility conditions in words (field,
operator, value, year) and the JSON the engine checks is written behind them."""

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from parkos.core.models import Role
from parkos.policies import services
from parkos.policies.models import Clause
from tests.browser.session import login
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def policy():
    kjj = DepartmentFactory(code="KJJ", name="科技创新局")
    admin = UserFactory(username="admin_rb", role=Role.SYSTEM_ADMIN, department=None, is_superuser=True)
    UserFactory(username="kjj", role=Role.DEPT_STAFF, department=kjj)
    return services.policy_save(
        user=admin,
        data={
            "title": "研发投入奖补办法",
            "issuer": "管委会",
            "valid_from": dt.date(2026, 1, 1),
            "department": kjj,
        },
    )


def test_an_official_writes_a_rule_in_words_and_the_json_follows(page, live_server, policy):
    login(page, live_server, "kjj")
    page.goto(f"{live_server.url}/policies/{policy.pk}/clauses/new/")
    page.get_by_label("条款号").fill("第三条")
    page.get_by_label("条款名称").fill("研发奖补")
    expect(page.locator("#rule-builder")).to_be_visible()
    page.locator("#rule-add").click()
    first = page.locator(".rule-condition").nth(0)
    first.locator("select").nth(0).select_option(label="高新技术企业")
    first.locator("select").nth(1).select_option(label="为")
    first.locator("select").nth(2).select_option(label="是")
    page.locator("#rule-add").click()
    second = page.locator(".rule-condition").nth(1)
    second.locator("select").nth(0).select_option(label="营业收入（万元）")
    second.locator("select").nth(1).select_option(label="不低于")
    second.locator("select").nth(2).select_option(label="1年前")
    second.locator("input").fill("5000")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("条款已保存")).to_be_visible()
    clause = Clause.objects.get(policy=policy)
    assert clause.rule == {
        "all": [
            {"field": "is_high_tech", "op": "eq", "value": True},
            {"field": "revenue", "op": "gte", "value": 5000, "year": -1},
        ]
    }
    page.goto(f"{live_server.url}/policies/clauses/{clause.pk}/edit/")  # an existing rule comes back as words
    expect(page.locator(".rule-condition")).to_have_count(2)
    assert json.loads(page.locator("#id_rule").input_value()) == clause.rule

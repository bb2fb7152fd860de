"""The evaluation in Chromium: import the bureaus' feed, run the year, put it on notice, publish it, open the
ranking, a report and its what-if."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from parkos.core.models import Role
from parkos.efficiency.models import EvaluationRun
from tests.efficiency.test_pipeline import HEAD, feed_rows
from tests.factories import PASSWORD, UserFactory
from tests.xlsx import write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_run_rank_and_report(page, live_server, tmp_path):
    UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN, department=None)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("sysadmin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("导入内容").select_option(label="亩均评价数据表")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(
        str(write_xlsx(tmp_path / "feed.xlsx", HEAD, feed_rows()))
    )
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-result")).to_contain_text("新增 12 条")

    page.get_by_role("link", name="亩均效益评价").click()
    page.get_by_role("button", name="评价 2025 年度").click()
    expect(page.locator("#run-state")).to_have_text("已完成")
    expect(page.locator("[data-chart=chart-classes] canvas")).to_have_count(1)
    page.get_by_role("button", name="开始公示").click()
    expect(page.locator("#run-publication")).to_have_text("公示中")
    EvaluationRun.objects.update(objection_deadline=dt.date(2025, 1, 1))  # the objection window has passed
    page.get_by_role("button", name="发布并锁定").click()
    expect(page.locator("#run-publication")).to_have_text("已发布")
    page.get_by_role("link", name="排名").click()
    page.get_by_label("等级").select_option("C")
    expect(page.locator("#result-table tbody tr")).to_have_count(2)
    page.get_by_role("link", name="长沙规上3有限公司").click()
    expect(page.locator("#report-class")).to_have_text("C")
    expect(page.locator("#report-indicators")).to_contain_text("亩均税收")
    expect(page.locator("#report-whatif")).to_contain_text("提升至 B 类需要")
    expect(page.locator("#report-whatif li").first).to_contain_text("提高")

"""The registry in the real Chromium: log in, search, open an enterprise, import a bad file then a fixed one."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from parkos.core.models import Role
from tests.factories import (
    PASSWORD,
    AnnualIndicatorFactory,
    DepartmentFactory,
    EnterpriseFactory,
    UserFactory,
)
from tests.xlsx import write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def zone():
    dept = DepartmentFactory(code="JFJ", name="经济发展局")
    UserFactory(username="jfj_staff", role=Role.DEPT_STAFF, department=dept)
    target = EnterpriseFactory(owner=dept, name="长沙星火重工有限公司")
    EnterpriseFactory(owner=dept, name="长沙星辰芯片有限公司")
    for i in range(5):
        EnterpriseFactory(owner=dept, name=f"湖南远大{i}汽车有限公司")
    AnnualIndicatorFactory(enterprise=target, year=2023, tax_paid=Decimal("150.00"))
    return target


def login(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("jfj_staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="企业库概览")).to_be_visible()


def test_search_open_and_import_with_error_then_fixed(page, live_server, zone, tmp_path):
    login(page, live_server)
    page.get_by_role("link", name="企业库", exact=True).click()
    expect(page.locator("#enterprise-table tbody tr")).to_have_count(7)
    page.get_by_label("搜索", exact=True).fill("星")  # the list's own box, not the header's 搜索全区
    expect(page.locator("#enterprise-table tbody tr")).to_have_count(2)  # htmx swapped the table
    page.get_by_role("link", name="长沙星火重工有限公司").click()
    expect(page.get_by_role("heading", name="长沙星火重工有限公司")).to_be_visible()
    page.get_by_role("tab", name="经营数据").click()
    expect(page.locator("#annual-table")).to_be_visible()
    expect(page.locator("#annual-table")).to_contain_text("150.00")
    page.get_by_role("tab", name="项目与审批").click()  # loaded by htmx when first opened
    expect(page.locator("#tab-projects")).to_contain_text("没有您可查看的该企业重点项目")
    page.get_by_role("tab", name="变更记录").click()
    expect(page.locator("#tab-history")).to_be_visible()

    head = ["统一社会信用代码", "企业名称", "年度", "实缴税金(万元)", "营业收入(万元)"]
    rows = [[zone.uscc, zone.name, 2024, 321.5, 8000], [zone.uscc, zone.name, 2025, 412, "-12"]]
    bad = write_xlsx(tmp_path / "年度指标.xlsx", head, rows)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("导入内容").select_option(label="年度指标")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-result")).to_contain_text("未写入任何数据")
    expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    expect(page.locator("#import-errors tbody tr")).to_contain_text("3")
    expect(page.locator("#import-errors tbody tr")).to_contain_text("营业收入(万元)")
    expect(page.locator("#import-errors tbody tr")).to_contain_text("不能为负数")

    rows[1][4] = 9000
    good = write_xlsx(tmp_path / "年度指标-改.xlsx", head, rows)
    page.get_by_role("link", name="导入其他文件").click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator("#import-result")).to_contain_text("新增 2 条")

    page.goto(f"{live_server.url}/enterprises/{zone.pk}/")
    table = page.locator("#annual-table")
    expect(table).to_contain_text("321.50")
    expect(table).to_contain_text("412.00")
    expect(page.locator("#history")).to_contain_text("jfj_staff")
    expect(page.locator("[data-chart=chart-annual] canvas")).to_have_count(1)  # ECharts drew the chart


def test_language_switch_to_english(page, live_server, zone):
    login(page, live_server)
    page.locator("#nav-system > a").click()  # the language sits in the 系统 menu
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Enterprise registry overview")).to_be_visible()


def test_the_api_docs_draw_without_any_request_to_another_host(page, live_server, zone):
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:", "blob:")) else elsewhere.append(r.url),
    )
    login(page, live_server)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("ParkOS API")
    expect(page.locator(".opblock").first).to_be_visible()  # the operations are listed
    assert elsewhere == []

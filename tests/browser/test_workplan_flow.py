"""Work-plan supervision in Chromium: the supervision office uploads a 工作要点, checks the parsed tree, stores it,
assigns a task; the lead department reports progress; the office downloads the 督查台账 with that progress."""

import io

import pytest
from playwright.sync_api import expect

from parkos.core.models import Role
from tests.browser.session import login
from tests.factories import DepartmentFactory, UserFactory, grant
from tests.xlsx import read_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOC = """某经开区2026年工作要点
发布时间：2026-02-20
一、抓项目
1.推进重大项目建设。确保新开工项目20个；加快竣工投产。
2.优化审批服务。压缩审批时限。
二、强服务
3.开展企业走访。每月走访企业100家。
扫一扫在手机打开当前页
"""


@pytest.fixture
def zone():
    office = DepartmentFactory(code="DZB", name="党政综合办公室")
    jfj = DepartmentFactory(code="JFJ", name="经济发展局")
    grant("workplan.supervision", office)
    UserFactory(username="duchashi", role=Role.DEPT_STAFF, department=office)
    UserFactory(username="jfj_staff", role=Role.DEPT_STAFF, department=jfj)


def test_import_assign_report_and_export_the_ledger(page, live_server, zone, tmp_path):
    doc = tmp_path / "plan.txt"
    doc.write_text(DOC, encoding="utf-8")
    login(page, live_server, "duchashi")
    page.goto(f"{live_server.url}/workplan/")
    page.get_by_label("文件").set_input_files(str(doc))
    page.get_by_role("button", name="读取文件").click()
    expect(page.locator("#parsed-title")).to_have_text("某经开区2026年工作要点")
    expect(page.locator("#parsed-date")).to_have_text("2026-02-20")
    expect(page.locator("#parsed-tree")).to_contain_text("1.推进重大项目建设")
    expect(page.locator("#parsed-tree")).not_to_contain_text("扫一扫")
    page.get_by_role("button", name="保存计划").click()

    row = page.locator("tr[data-task='1.1.1']")
    expect(row).to_contain_text("确保新开工项目20个")
    row.get_by_label("牵头部门").select_option(label="经济发展局")
    row.get_by_label("完成时限").fill("2026-12-31")
    row.get_by_role("button", name="分配").click()
    expect(page.locator("tr[data-task='1.1.1']").get_by_role("button", name="更新")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    login(page, live_server, "jfj_staff")
    page.goto(f"{live_server.url}/workplan/mine/")
    page.get_by_role("link", name="确保新开工项目20个").click()
    page.get_by_label("完成情况").fill("已开工项目12个，其余正在办理施工许可")
    page.get_by_label("进度（%）").fill("60")
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.locator("#task-percent")).to_have_text("60%")
    expect(page.locator("#report-table")).to_contain_text("已开工项目12个")

    page.get_by_role("button", name="退出").click()
    login(page, live_server, "duchashi")
    page.goto(f"{live_server.url}/workplan/")
    page.get_by_role("link", name="某经开区2026年工作要点").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="督查台账（.xlsx）").click()
    with open(download.value.path(), "rb") as fh:
        content = fh.read()
    assert content[:2] == b"PK", (download.value.url, content[:300])
    rows = read_xlsx(io.BytesIO(content))
    assert rows[0][:9] == [
        "序号",
        "编号",
        "工作要点",
        "具体任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "进展情况",
        "完成状态",
    ]
    first = next(r for r in rows if r[0] == "1.1.1")
    assert first[1] == "一、1.①"
    assert first[4] == "经济发展局"
    assert "已开工项目12个" in first[7]
    assert "60%" in first[7]

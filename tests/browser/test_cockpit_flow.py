"""The cockpit in Chromium: a leader lands on it, clicks the red-project tile and gets the filtered list, finds a
company from the header's search box by part of its name, and opens an alert from the inbox's dropdown; the big
screen fills 1920 × 1080 without an error, turns its panels and reloads its figures; the cockpit prints without its
controls, and the month's report downloads as a .docx holding the month's figures."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from docx import Document
from playwright.sync_api import expect

from parkos.core import notify
from parkos.core.models import NoticeRecipient, Park, Role
from parkos.enterprises.models import Enterprise
from tests.browser.session import login
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    MonthlyIndicatorFactory,
    ParkFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_drills_down_searches_and_opens_an_alert(page, live_server):
    leader = UserFactory(username="lingdao", role=Role.LEADER, department=None)
    jfj = DepartmentFactory(code="JFJ", name="经济发展局")
    sany = EnterpriseFactory(owner=jfj, name="三一重工股份有限公司")
    EnterpriseFactory(owner=jfj, name="长沙远大住工有限公司")
    red = ProjectFactory(name="三一智能制造产业园", investor=sany, lead_department=jfj, approval_light="red")
    ProjectFactory(name="远大住工扩建", lead_department=jfj, approval_light="green")
    notify.send(
        notify.Message(
            kind="projects.item_light",
            recipients={leader.pk},
            message="三一智能制造产业园 · 施工许可：已超期",
            on=red.registered_on,
            url=f"/projects/{red.pk}/",
            light="red",
        )
    )
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    login(page, live_server, "lingdao")
    expect(page).to_have_url(re.compile(r"/cockpit/$"))
    expect(page.locator("#tile-projectsred .tile-value")).to_contain_text("1")
    expect(page.locator("#tile-corewaiting .tile-value")).to_contain_text("1")
    page.locator("#tile-projectsred").click()  # the whole tile is the link (a stretched link)
    expect(page).to_have_url(re.compile(r"/projects/\?light=red$"))
    expect(page.get_by_role("link", name="三一智能制造产业园")).to_be_visible()
    expect(page.get_by_role("link", name="远大住工扩建")).to_have_count(0)

    page.set_viewport_size({"width": 1400, "height": 900})
    page.get_by_placeholder("搜索全区").fill("三一重")
    hit = page.locator("#nav-search-results").get_by_role("link", name=re.compile("^三一重工股份有限公司"))
    expect(hit).to_be_visible()
    expect(page.locator("#nav-search-results")).not_to_contain_text("远大")
    hit.click()
    expect(page).to_have_url(re.compile(rf"/enterprises/{sany.pk}/$"))

    expect(page.locator("#nav-unread")).to_have_text("1")
    page.locator("#nav-inbox").click()
    alert = page.locator("#nav-inbox-latest .inbox-latest", has_text="施工许可：已超期")
    expect(alert).to_be_visible()
    alert.click()
    expect(page).to_have_url(re.compile(rf"/projects/{red.pk}/$"))
    expect(page.locator("#nav-unread")).to_have_count(0)
    assert NoticeRecipient.objects.get(user=leader).read_at is not None
    assert errors == []


def _economy(jfj):
    """Two enterprises with this year's and last year's January and February: economy panels and tiles to draw."""
    year = dt.date.today().year
    xs = ParkFactory(name="星沙", code="XS")
    for name, out in (("三一重工股份有限公司", 100), ("长沙远大住工有限公司", 40)):
        ent = EnterpriseFactory(owner=jfj, park=xs, name=name, is_above_scale=True)
        for y, m in ((year, 1), (year, 2), (year - 1, 1), (year - 1, 2)):
            MonthlyIndicatorFactory(
                enterprise=ent, month=dt.date(y, m, 1), output_value=Decimal(out), tax=Decimal(out) / 10
            )
    return year


def test_the_big_screen_fills_1920_by_1080_turns_its_panels_and_reloads(page, live_server):
    UserFactory(username="lingdao", role=Role.LEADER, department=None)
    _economy(DepartmentFactory(code="JFJ", name="经济发展局"))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, live_server, "lingdao")
    page.get_by_role("link", name="大屏").click()
    expect(page).to_have_url(re.compile(r"/cockpit/screen/\?year=\d+$"))
    expect(page.locator("#screen-enterprisesoutput_value .screen-tile-value")).to_contain_text("280.00")
    assert page.locator("html").get_attribute("data-bs-theme") == "dark"
    # one screen: nothing scrolls at 1920 × 1080
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size == [1920, 1080]
    # every panel's chart is drawn (a canvas), the first one shown
    panels = page.locator("[data-panel]")
    assert panels.count() >= 3
    expect(panels.nth(0)).to_have_class(re.compile("active"))
    expect(page.locator("[data-panel] canvas")).to_have_count(panels.count())

    page.goto(f"{live_server.url}/cockpit/screen/?rotate=3&refresh=30")
    expect(page.locator("[data-panel].active")).to_have_attribute("data-panel", "0")
    expect(page.locator("[data-panel].active")).to_have_attribute("data-panel", "1", timeout=6000)
    with page.expect_response(
        lambda r: "/cockpit/screen/" in r.url and r.request.headers.get("hx-request") == "true", timeout=40000
    ):
        pass  # htmx asks for the figures again after 30 s
    expect(page.locator("[data-panel] canvas").first).to_be_attached()
    assert errors == []


def test_the_cockpit_prints_without_its_controls_and_the_report_downloads(page, live_server, tmp_path):
    UserFactory(username="lingdao", role=Role.LEADER, department=None)
    year = _economy(DepartmentFactory(code="JFJ", name="经济发展局"))
    login(page, live_server, "lingdao")
    page.emulate_media(media="print")
    expect(page.locator("header.navbar")).to_be_hidden()
    expect(page.locator("form.card")).to_be_hidden()
    expect(page.locator("#tile-enterprisesoutput_value")).to_be_visible()
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf[:5] == b"%PDF-"
    page.emulate_media(media="screen")

    page.goto(f"{live_server.url}/cockpit/report/?year={year}&month=2")
    expect(page.locator("#report-headline")).to_contain_text("280.00")
    with page.expect_download() as got:
        page.locator("#report-docx").click()
    path = tmp_path / "report.docx"
    got.value.save_as(path)
    text = "\n".join(p.text for p in Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert f"{year}年2月经济运行情况" in text
    assert "产值280.00万元，同比增长0.0%" in text


def test_the_map_draws_the_parks_and_a_click_on_a_point_opens_its_enterprise(page, live_server):
    UserFactory(username="lingdao", role=Role.LEADER, department=None)
    _economy(DepartmentFactory(code="JFJ", name="经济发展局"))
    xs = Park.objects.get(code="XS")
    xs.boundary = {
        "type": "Polygon",
        "coordinates": [[[113.0, 28.2], [113.1, 28.2], [113.1, 28.3], [113.0, 28.3], [113.0, 28.2]]],
    }
    xs.save()
    sany = Enterprise.objects.get(name="三一重工股份有限公司")
    sany.longitude, sany.latitude = Decimal("113.05"), Decimal("28.25")
    sany.save()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "lingdao")
    page.get_by_role("link", name="园区地图").click()
    page.locator("#f-layer").select_option("efficiency")
    expect(page.locator("#zone-map canvas")).to_be_attached()
    expect(page.locator("#map-parks")).to_contain_text("280.00")
    # where ECharts drew the enterprise's point, from its own coordinate conversion
    x, y = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('zone-map'))"
        ".convertToPixel({seriesIndex: 1}, [113.05, 28.25])"
    )
    box = page.locator("#zone-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    expect(page).to_have_url(re.compile(rf"/enterprises/{sany.pk}/$"))
    assert errors == []

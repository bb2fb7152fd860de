import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.core.models import ImportRun
from parkos.enterprises.models import Enterprise
from tests.factories import AnnualIndicatorFactory, EnterpriseFactory, LandParcelFactory, ParkFactory
from tests.xlsx import read_xlsx, write_xlsx


def test_login_page_is_chinese_by_default(client, db):
    r = client.get("/login/")
    assert r.status_code == 200
    assert "登录" in r.content.decode()


def test_english_is_available_when_picked(client, db):
    client.post("/language/", {"language": "en"})
    assert "Log in" in client.get("/login/").content.decode()


def test_anonymous_is_sent_to_login(client, db):
    assert client.get("/enterprises/").url.startswith("/login/")


def test_list_search_filter_sort_and_scope(client_staff_a, dept_a, ent_b):
    north = ParkFactory(code="N", name="北区")
    EnterpriseFactory(owner=dept_a, name="长沙星火重工有限公司", park=north, is_above_scale=True)
    EnterpriseFactory(
        owner=dept_a, name="长沙星辰芯片有限公司", park=north, former_names="长沙旧名科技有限公司"
    )
    EnterpriseFactory(owner=dept_a, name="湖南远大汽车有限公司")
    page = client_staff_a.get("/enterprises/", {"q": "星"}).content.decode()
    assert "长沙星火重工有限公司" in page
    assert "长沙星辰芯片有限公司" in page
    assert "湖南远大汽车有限公司" not in page
    assert ent_b.name not in client_staff_a.get("/enterprises/").content.decode()  # another department's
    assert "长沙星辰芯片有限公司" in client_staff_a.get("/enterprises/", {"q": "旧名"}).content.decode()
    page = client_staff_a.get("/enterprises/", {"park": north.pk, "flag": "above_scale"}).content.decode()
    assert "长沙星火重工有限公司" in page
    assert "长沙星辰芯片有限公司" not in page
    page = client_staff_a.get("/enterprises/", {"sort": "-capital"}).content.decode()
    assert page.index("湖南远大") < page.index("长沙星辰") < page.index("长沙星火")
    page = client_staff_a.get("/enterprises/", {"sort": "capital"}).content.decode()
    assert page.index("长沙星火") < page.index("长沙星辰") < page.index("湖南远大")


def test_search_by_uscc_prefix(client_staff_a, ent_a):
    page = client_staff_a.get("/enterprises/", {"q": ent_a.uscc[:12].lower()}).content.decode()
    assert ent_a.name in page


def test_htmx_request_gets_only_the_table(client_staff_a, ent_a):
    r = client_staff_a.get("/enterprises/", {"q": "甲方"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body
    assert 'id="enterprise-table"' in body
    assert ent_a.name in body


def test_export_is_the_filtered_set_in_the_import_template(client_staff_a, dept_a):
    EnterpriseFactory(owner=dept_a, name="长沙星火重工有限公司")
    EnterpriseFactory(owner=dept_a, name="湖南远大汽车有限公司")
    EnterpriseFactory(name="别的部门星星有限公司")
    r = client_staff_a.get("/enterprises/", {"q": "星", "export": "xlsx"})
    assert r["Content-Disposition"] == 'attachment; filename="enterprises.xlsx"'
    rows = read_xlsx(io.BytesIO(r.content))
    assert rows[0][0] == "统一社会信用代码"
    assert [row[1] for row in rows[1:]] == ["长沙星火重工有限公司"]


def test_pagination(client_staff_a, dept_a):
    for i in range(30):
        EnterpriseFactory(owner=dept_a, name=f"企业{i:02d}")
    page2 = client_staff_a.get("/enterprises/", {"page": 2}).content.decode()
    assert "企业29" in page2
    assert "企业00" not in page2
    assert "第 2 / 2 页" in page2


@pytest.mark.parametrize("n", [3, 40])
def test_list_page_query_count_does_not_grow_with_rows(client_staff_a, dept_a, n):
    for _ in range(n):
        EnterpriseFactory(owner=dept_a)
    with CaptureQueriesContext(connection) as ctx:
        assert client_staff_a.get("/enterprises/", {"q": "长沙"}).status_code == 200
    # session, user, the user's office powers and unread notices (header), count, page, parks, (no departments
    # for staff)
    assert len(ctx.captured_queries) == 7


@pytest.mark.parametrize("years", [1, 3])
def test_detail_page_query_count_is_bounded(client_staff_a, ent_a, years):
    for y in range(years):
        AnnualIndicatorFactory(enterprise=ent_a, year=2020 + y)
        LandParcelFactory(enterprise=ent_a)
    with CaptureQueriesContext(connection) as ctx:
        assert client_staff_a.get(f"/enterprises/{ent_a.pk}/").status_code == 200
    # the inbox's unread count and the user's office powers in the header; the history's linked names, one query
    # per linked table (park, department, and the enterprise of the parcels and of the yearly figures), however
    # many rows
    assert len(ctx.captured_queries) == 19


def test_detail_shows_profile_land_indicators_and_history(client_staff_a, ent_a):
    LandParcelFactory(enterprise=ent_a, certificate_no="湘(2019)第0000001号", area_mu=Decimal("45.50"))
    AnnualIndicatorFactory(enterprise=ent_a, year=2024, tax_paid=Decimal("321.00"))
    page = client_staff_a.get(f"/enterprises/{ent_a.pk}/").content.decode()
    assert ent_a.uscc in page
    assert "湘(2019)第0000001号" in page
    assert "45.50" in page
    assert "321.00" in page
    history = page[page.index('id="history"') :]
    assert history.count("新增") == 3  # the enterprise, its parcel and its year, each with its fields
    assert "湘(2019)第0000001号" in history


def test_edit_form_detects_a_concurrent_edit(client_staff_a, ent_a, staff_a):
    from parkos.enterprises.services import enterprise_update

    form = client_staff_a.get(f"/enterprises/{ent_a.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"id", "uscc"}}
    data.update(
        {"park": ent_a.park_id, "owner": ent_a.owner_id, "established_on": "2015-06-01", "version": 1}
    )
    enterprise_update(
        user=staff_a, pk=ent_a.pk, version=1, data={"name": "别人先改了"}
    )  # another tab / colleague
    data["name"] = "我的修改"
    r = client_staff_a.post(f"/enterprises/{ent_a.pk}/edit/", data)
    assert r.status_code == 200
    assert "已被他人修改" in r.content.decode()
    ent_a.refresh_from_db()
    assert ent_a.name == "别人先改了"
    data["version"] = 2
    r = client_staff_a.post(f"/enterprises/{ent_a.pk}/edit/", data)
    assert r.status_code == 302
    ent_a.refresh_from_db()
    assert (ent_a.name, ent_a.version) == ("我的修改", 3)


def test_create_form(client_staff_a, dept_a):
    uscc = EnterpriseFactory.build().uscc
    r = client_staff_a.post(
        "/enterprises/new/",
        {
            "uscc": uscc,
            "name": "新登记企业",
            "status": "operating",
            "industry_code": "C3612",
            "owner": dept_a.pk,
        },
    )
    e = Enterprise.objects.get(uscc=uscc)
    assert r.url == f"/enterprises/{e.pk}/"
    assert (e.industry_code, e.industry_division, e.owner) == ("3612", "36", dept_a)


def test_enterprise_user_lands_on_own_page_and_reaches_nothing_else(client_ent_a, ent_a, ent_b):
    assert client_ent_a.get("/").url == f"/enterprises/{ent_a.pk}/"
    assert client_ent_a.get(f"/enterprises/{ent_a.pk}/").status_code == 200
    assert client_ent_a.get(f"/enterprises/{ent_b.pk}/").status_code == 404
    assert client_ent_a.get(f"/enterprises/{ent_b.pk}/export.xlsx").status_code == 404
    assert client_ent_a.get(f"/enterprises/{ent_a.pk}/export.xlsx").status_code == 200
    assert client_ent_a.get(f"/enterprises/{ent_a.pk}/edit/").status_code == 404
    assert client_ent_a.get("/enterprises/").url == "/"
    assert client_ent_a.get("/enterprises/", {"export": "xlsx"}).status_code == 302
    assert client_ent_a.get("/imports/").status_code == 404


def test_staff_gets_404_for_other_departments_enterprise(client_staff_a, ent_b):
    assert client_staff_a.get(f"/enterprises/{ent_b.pk}/").status_code == 404
    assert client_staff_a.get(f"/enterprises/{ent_b.pk}/export.xlsx").status_code == 404


def test_enterprise_workbook_export(client_admin, ent_a):
    AnnualIndicatorFactory(enterprise=ent_a, year=2024)
    r = client_admin.get(f"/enterprises/{ent_a.pk}/export.xlsx")
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    assert wb.sheet_names == [
        "企业名录",
        "企业用地",
        "年度指标",
        "月度指标",
        "可选值",
    ]  # the drop-downs last, hidden
    assert wb.get_sheet_by_name("年度指标").to_python()[1][:3] == [ent_a.uscc, ent_a.name, 2024.0]


def test_import_page_flow_with_error_report(client_staff_a, ent_a, tmp_path):
    head = ["统一社会信用代码", "年度", "实缴税金(万元)"]
    bad = write_xlsx(tmp_path / "bad.xlsx", head, [[ent_a.uscc, 2024, 10], [ent_a.uscc, 2025, "abc"]])
    with open(bad, "rb") as fh:
        r = client_staff_a.post("/imports/", {"kind": "annual", "file": fh})
    run = ImportRun.objects.get()
    assert r.url == f"/imports/{run.pk}/"
    assert (run.status, run.errors) == (
        "invalid",
        [{"row": 3, "column": "实缴税金(万元)", "message": "“abc”不是数字"}],
    )
    page = client_staff_a.get(r.url).content.decode()
    assert "“abc”不是数字" in page
    assert "未写入任何数据" in page
    report = read_xlsx(io.BytesIO(client_staff_a.get(f"/imports/{run.pk}/errors.xlsx").content))
    assert report == [["行号", "列", "错误原因"], [3.0, "实缴税金(万元)", "“abc”不是数字"]]
    good = write_xlsx(tmp_path / "good.xlsx", head, [[ent_a.uscc, 2024, 10], [ent_a.uscc, 2025, 12.5]])
    with open(good, "rb") as fh:
        r = client_staff_a.post("/imports/", {"kind": "annual", "file": fh})
    run = ImportRun.objects.order_by("-pk").first()
    assert (run.status, run.created_count) == ("done", 2)
    assert "新增 2 条" in client_staff_a.get(r.url).content.decode()


def test_import_template_has_chinese_headers(client_staff_a, db):
    r = client_staff_a.get("/imports/template/enterprises.xlsx")
    rows = read_xlsx(io.BytesIO(r.content))
    assert rows[0][:2] == ["统一社会信用代码", "企业名称"]


def test_calendar_page_computes_and_admin_overrides(client_admin, db):
    page = client_admin.get("/calendar/", {"start": "2026-09-30", "n": 5}).content.decode()
    assert "2026-10-13" in page
    client_admin.post(
        "/calendar/", {"action": "set", "date": "2026-10-08", "is_working": "0", "note": "本地"}
    )
    page = client_admin.get("/calendar/", {"start": "2026-09-30", "n": 5}).content.decode()
    assert "2026-10-14" in page


def test_staff_cannot_change_calendar(client_staff_a, db):
    from parkos.core.models import CalendarDay

    client_staff_a.post("/calendar/", {"action": "set", "date": "2026-10-08", "is_working": "0"})
    assert not CalendarDay.objects.exists()


def test_home_page_summary(client_admin, ent_a, ent_b):
    page = client_admin.get("/").content.decode()
    assert "chart-parks" in page
    assert "企业库概览" in page


def test_add_and_remove_land_and_contacts_on_the_page(client_staff_a, ent_a):
    url = f"/enterprises/{ent_a.pk}/"
    r = client_staff_a.post(
        f"{url}land/",
        {"certificate_no": "湘(2024)第9号", "area_mu": "18.5", "purpose": "industrial", "tenure": "owned"},
    )
    assert r.url == url
    parcel = ent_a.land_parcels.get()
    assert parcel.area_mu == Decimal("18.50")
    r = client_staff_a.post(
        f"{url}land/",
        {"certificate_no": "湘(2024)第9号", "area_mu": "3", "purpose": "industrial", "tenure": "owned"},
        follow=True,
    )
    assert "已有此宗地证号" in r.content.decode()
    assert ent_a.land_parcels.count() == 1
    client_staff_a.post(f"{url}contacts/", {"name": "李娜", "phone": "13800000000", "is_primary": "on"})
    contact = ent_a.contacts.get()
    assert (contact.name, contact.is_primary) == ("李娜", True)
    client_staff_a.post(f"{url}land/{parcel.pk}/delete/")
    client_staff_a.post(f"{url}contacts/{contact.pk}/delete/")
    assert not ent_a.land_parcels.exists()
    assert not ent_a.contacts.exists()
    history = client_staff_a.get(url).content.decode()
    assert history.count("删除") >= 2


def test_child_writes_out_of_scope_are_404(client_staff_a, ent_b):
    parcel = LandParcelFactory(enterprise=ent_b)
    r = client_staff_a.post(
        f"/enterprises/{ent_b.pk}/land/",
        {"certificate_no": "x", "area_mu": "1", "purpose": "industrial", "tenure": "owned"},
    )
    assert r.status_code == 404
    assert client_staff_a.post(f"/enterprises/{ent_b.pk}/land/{parcel.pk}/delete/").status_code == 404
    assert ent_b.land_parcels.count() == 1


def test_sort_and_export_links_carry_a_single_question_mark(client_admin, ent_a):
    r = client_admin.get("/enterprises/", {"q": "长沙"})
    assert 'href="??' not in r.text
    import re

    hrefs = re.findall(r'href="(\?[^"]*)"', r.text)
    assert any("sort=" in h for h in hrefs)
    assert any("export=xlsx" in h for h in hrefs)
    assert all(not h.startswith("??") for h in hrefs)


def test_calendar_refuses_a_bad_date_or_day_count_naming_the_field(client_admin, db):
    from parkos.core.models import CalendarDay

    r = client_admin.post(
        "/calendar/", {"action": "set", "date": "2026-02-30", "is_working": "1"}, follow=True
    )
    assert "日期: 输入一个有效的日期。" in r.text
    assert not CalendarDay.objects.exists()
    page = client_admin.get("/calendar/", {"start": "2026-09-30", "n": "五"}).content.decode()
    assert "请按 YYYY-MM-DD 输入日期，并输入整数天数。" in page
    client_admin.post(
        "/calendar/", {"action": "set", "date": "2026-10-10", "is_working": "1", "note": "调休上班"}
    )
    assert CalendarDay.objects.get().is_working is True

"""Error pages in Chinese, in the layout, with a way back (issue 13 §2)."""

from django.test import Client, RequestFactory
from django.views.defaults import server_error


def test_a_missing_or_out_of_scope_record_is_a_chinese_404_in_the_layout(client_staff_a, ent_b):
    for url in (f"/enterprises/{ent_b.pk}/", "/no/such/page/"):
        r = client_staff_a.get(url, HTTP_ACCEPT_LANGUAGE="en")
        page = r.content.decode()
        assert r.status_code == 404
        assert "页面不存在" in page
        assert "返回概览" in page
        assert "history.back()" in page
        assert 'class="navbar' in page  # the menu is there: the official is not stranded
        assert "Not Found" not in page


def test_anonymous_404_and_the_apis_404_are_chinese_too(db):
    page = Client().get("/no/such/page/").content.decode()
    assert "页面不存在" in page
    assert Client().get("/api/v1/enterprises/999999", HTTP_AUTHORIZATION="Bearer x").status_code == 401
    assert "返回" in page


def test_the_api_says_not_found_in_chinese(client_staff_a, ent_b):
    r = client_staff_a.get(f"/api/v1/enterprises/{ent_b.pk}")
    assert (r.status_code, r.json()["message"]) == (404, "未找到。")


def test_a_stale_form_is_a_chinese_403_and_a_server_error_a_chinese_500(staff_a):
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff_a)
    r = c.post("/language/", {"language": "en"})
    assert r.status_code == 403
    assert "表单已过期" in r.content.decode()
    page = server_error(RequestFactory().get("/")).content.decode()
    assert "系统出错" in page
    assert "返回首页" in page

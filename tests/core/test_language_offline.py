"""Language and offline (issue 13 §5–6): zh-hans unless the user picked another, whatever the browser asks for; the
API docs from vendored assets."""

from django.conf import settings
from django.core import mail

from parkos.core import notify
from parkos.core.models import User

EN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_an_english_browser_still_gets_chinese(client, db):
    r = client.get("/login/", **EN_BROWSER)
    page = r.content.decode()
    assert "登录" in page
    assert "Log in" not in page
    assert r.headers["Content-Language"] == "zh-hans"


def test_english_when_picked_on_the_login_page(client, db):
    r = client.post("/language/", {"language": "en", "next": "/login/"})
    assert (r.status_code, r.url) == (302, "/login/")
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in" in client.get("/login/").content.decode()


def test_a_users_pick_is_kept_on_the_user_and_follows_them_to_a_new_browser(client, staff_a, staff_b):
    client.force_login(staff_a)
    assert "企业库" in client.get("/enterprises/", **EN_BROWSER).content.decode()
    r = client.post("/language/", {"language": "en", "next": "/enterprises/"})
    assert r.url == "/enterprises/"
    staff_a.refresh_from_db()
    assert staff_a.language == "en"
    assert staff_a.history.first().language == "en"  # the change is in the user's history

    from django.test import Client

    fresh = Client()  # another browser: no cookie, a Chinese one
    fresh.force_login(User.objects.get(pk=staff_a.pk))
    assert "Enterprise registry" in fresh.get("/enterprises/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    other = Client()
    other.force_login(staff_b)
    assert "企业库" in other.get("/enterprises/", **EN_BROWSER).content.decode()


def test_back_to_chinese_and_bad_picks(client, staff_a):
    staff_a.language = "en"
    staff_a.save()
    client.force_login(staff_a)
    assert client.post("/language/", {"language": "fr", "next": "/enterprises/"}).status_code == 302
    staff_a.refresh_from_db()
    assert staff_a.language == "en"  # an unknown language changes nothing
    r = client.post("/language/", {"language": "zh-hans", "next": "https://evil.example/"})
    assert r.url == "/"  # never an outside address
    staff_a.refresh_from_db()
    assert staff_a.language == "zh-hans"
    assert "企业库" in client.get("/enterprises/").content.decode()
    assert client.get("/language/").status_code == 405


def test_the_digest_subject_is_in_the_users_language(staff_a, staff_b):
    from tests.core.test_inbox import D, _send

    staff_a.email, staff_a.language = "a@example.com", "en"
    staff_b.email = "b@example.com"
    staff_a.save()
    staff_b.save()
    _send([staff_a, staff_b], "今日提醒", on="2026-05-15")
    assert notify.send_digests(D("2026-05-15")) == "2 digests mailed"
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["a@example.com"].startswith("ParkOS: 1 new notices")
    assert "ParkOS" in subjects["b@example.com"]
    assert "new notices" not in subjects["b@example.com"]


def test_the_api_docs_load_nothing_from_another_host(client, staff_a):
    import re

    client.force_login(staff_a)
    page = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert [a for a in assets if "//" in a] == []  # every script and style is served by ParkOS itself
    assert "cdn" not in page

"""Passwords and the security log (issue 14 §6): every user changes their own password under Django's rules; an
administrator resets one; the reset by mail works where mail is configured; logins, failures, lockouts, tokens,
office powers and exports of personal data are in a log that only system administrators read."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from parkos.core import capabilities
from parkos.core.models import SecurityEvent, User
from parkos.core.services import api_token_create, api_token_revoke
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
K = SecurityEvent.Kind


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))


def test_a_user_changes_their_password_under_the_rules(client, staff_a):
    client.force_login(staff_a)
    page = client.get("/password/")
    assert page.status_code == 200
    assert "修改密码" in page.content.decode()
    weak = client.post(
        "/password/", {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    assert "全都是数字" in weak.content.decode() or "过于常见" in weak.content.decode()
    wrong_old = client.post(
        "/password/",
        {"old_password": "nope", "new_password1": "Xs-园区-2027!", "new_password2": "Xs-园区-2027!"},
    )
    assert wrong_old.status_code == 200
    ok = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Xs-园区-2027!", "new_password2": "Xs-园区-2027!"},
    )
    assert ok.status_code == 302
    assert User.objects.get(pk=staff_a.pk).check_password("Xs-园区-2027!")
    assert client.get("/password/").status_code == 200  # still logged in after the change
    assert SecurityEvent.objects.filter(kind=K.PASSWORD_CHANGED, user=staff_a).count() == 1


def test_the_password_page_needs_a_login(client):
    assert client.get("/password/").status_code == 302


@override_settings(PARKOS_MAIL_ENABLED=True)
def test_reset_by_mail_sets_a_new_password_once(client, staff_a):
    staff_a.email = "staff_a@example.org"
    staff_a.save()
    r = client.post("/password/reset/", {"email": "staff_a@example.org"})
    assert r.status_code == 302
    (msg,) = mail.outbox
    assert "重置密码" in msg.subject
    link = re.search(r"http://testserver(/password/reset/\S+/)", msg.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Hn-经开-2027#", "new_password2": "Hn-经开-2027#"}
    )
    assert done.status_code == 302
    assert User.objects.get(pk=staff_a.pk).check_password("Hn-经开-2027#")
    assert SecurityEvent.objects.filter(kind=K.PASSWORD_RESET, user=staff_a).exists()
    assert "失效" in client.get(link, follow=True).content.decode()  # the link worked once


@override_settings(PARKOS_MAIL_ENABLED=False)
def test_without_mail_there_is_no_reset_by_mail(client):
    assert client.get("/password/reset/").status_code == 404
    assert "忘记密码" not in client.get("/login/").content.decode()


def test_logins_failures_and_logouts_are_logged_with_the_address(client, staff_a):
    client.post("/login/", {"username": "staff_a", "password": "wrong"}, REMOTE_ADDR="203.0.113.5")
    client.post("/login/", {"username": "staff_a", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
    client.post("/logout/", REMOTE_ADDR="203.0.113.5")
    assert kinds() == [K.LOGIN_FAILED, K.LOGIN, K.LOGOUT]
    assert set(SecurityEvent.objects.values_list("username", "ip")) == {("staff_a", "203.0.113.5")}


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_lockout_is_logged(client, staff_a):
    for _ in range(2):
        client.post("/login/", {"username": "staff_a", "password": "wrong"})
    assert K.LOCKED_OUT in kinds()


def test_tokens_and_office_powers_are_logged(client, admin, staff_a, dept_b, ent_a):
    token, raw = api_token_create(user=staff_a, name="报表系统")
    client.get(f"/api/v1/enterprises/{ent_a.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.get(f"/api/v1/enterprises/{ent_a.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")  # once a day
    client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION="Bearer pk_forged")
    client.get("/api/v1/enterprises/", HTTP_AUTHORIZATION="Bearer pk_forged2")  # once a minute per address
    api_token_revoke(user=staff_a, pk=token.pk)
    g = capabilities.grant(actor=admin, key="servicedesk.centre", department_id=dept_b.pk)
    capabilities.revoke(actor=admin, pk=g.pk)
    assert kinds() == [
        K.TOKEN_CREATED,
        K.TOKEN_USED,
        K.TOKEN_REFUSED,
        K.TOKEN_REVOKED,
        K.CAPABILITY_GRANTED,
        K.CAPABILITY_REVOKED,
    ]
    assert SecurityEvent.objects.get(kind=K.CAPABILITY_GRANTED).detail == "企业服务中心 → 投资促进局"


def test_exports_of_personal_data_are_logged(client, admin, ent_a):
    client.force_login(admin)
    assert client.get("/users/?export=xlsx").status_code == 200
    assert client.get("/enterprises/?export=xlsx&q=甲方").status_code == 200
    rows = list(
        SecurityEvent.objects.filter(kind=K.PERSONAL_EXPORT).order_by("pk").values_list("detail", flat=True)
    )
    assert rows[0].startswith("users.xlsx")
    assert "q=" in rows[1]


def test_only_system_administrators_read_the_security_log(client, admin, leader, staff_a):
    client.force_login(staff_a)
    client.post("/logout/")
    for someone in (staff_a, leader):
        client.force_login(someone)
        assert client.get("/security/").status_code == 404
        assert client.get("/security/?export=xlsx").status_code == 404
        assert "/security/" not in client.get("/password/").content.decode()
    client.force_login(admin)
    page = client.get("/security/?kind=logout")
    assert page.status_code == 200
    assert "退出登录" in page.content.decode()
    assert client.get("/security/?export=xlsx").status_code == 200
    assert "/security/" in client.get("/password/").content.decode()

"""The profile page (issue 14 §6): who the user is here, the office powers they hold, their own latest security
events, and their API tokens — made there (shown once), listed, revoked there."""

import pytest
from django.urls import reverse

from parkos.core import security
from parkos.core.models import ApiToken, SecurityEvent
from parkos.core.services import api_token_create
from tests.factories import grant

pytestmark = pytest.mark.django_db


def test_the_profile_shows_the_account_its_powers_and_only_its_own_security_events(
    client, staff_a, staff_b, dept_a
):
    grant("workplan.supervision", dept_a)
    security.record(SecurityEvent.Kind.PASSWORD_CHANGED, user=staff_a, detail="本人修改")
    security.record(SecurityEvent.Kind.LOGIN_FAILED, user=staff_b, detail="他人的失败登录")
    client.force_login(staff_a)
    html = client.get(reverse("profile")).content.decode()
    assert staff_a.username in html
    assert "部门工作人员" in html or staff_a.get_role_display() in html
    assert dept_a.name in html
    assert "督查室" in html  # the supervision office's power, held through the department's grant
    assert "本人修改" in html
    assert "他人的失败登录" not in html
    assert reverse("password_change") in html
    assert f'href="{reverse("profile")}"' in client.get(reverse("home")).content.decode()  # in the user menu


def test_an_enterprise_user_sees_their_enterprise_and_no_office_powers(client, ent_user_a, ent_a):
    client.force_login(ent_user_a)
    html = client.get(reverse("profile")).content.decode()
    assert ent_a.name in html
    assert '<dd class="col-8" id="powers">—</dd>' in html


def test_a_token_made_on_the_profile_is_shown_once_listed_and_revoked_there(client, staff_a, staff_b):
    client.force_login(staff_a)
    r = client.post(reverse("profile"), {"name": "数据交换", "scope": "read", "days": "30"})
    token = ApiToken.objects.get(user=staff_a)
    html = r.content.decode()
    assert 'id="new-token"' in html
    assert f"<code>{token.prefix}…</code>" in html
    again = client.get(reverse("profile")).content.decode()
    assert 'id="new-token"' not in again  # shown once
    assert "数据交换" in again
    other, _raw = api_token_create(user=staff_b, name="他人", scope=ApiToken.Scope.READ, days=30)
    assert client.post(reverse("token_revoke", args=[other.pk])).status_code == 404
    r = client.post(reverse("token_revoke", args=[token.pk]))
    assert r.url == reverse("profile") + "#tokens"
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None
    assert other.revoked_at is None
    assert f"<code>{token.prefix}…</code>" not in client.get(reverse("profile")).content.decode()


def test_the_old_tokens_address_leads_to_the_profiles_tokens(client, staff_a):
    client.force_login(staff_a)
    r = client.get("/tokens/")
    assert (r.status_code, r.url) == (302, "/profile/#tokens")

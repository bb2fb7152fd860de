"""API tokens are kept in the shared cache so a busy client's calls cost no query for them (issue 14 §8: API reads
at 300/s on 2 cores) — and whatever takes a token's power away takes it away at the next call, cache or not."""

import datetime as dt
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from parkos.core.models import ApiToken, Role
from parkos.core.services import TOKEN_USE_GRAIN, api_token_create, api_token_for, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(staff_a):
    _token, raw = api_token_create(user=staff_a, name="数据交换", scope="write")
    return raw


def get(client, raw, url):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")


def warm(client, raw, ent) -> None:
    """One call puts the token in the cache; the next is answered from it."""
    assert get(client, raw, f"/api/v1/enterprises/{ent.pk}").status_code == 200


def test_a_token_in_use_costs_no_query_and_its_last_use_is_kept_to_the_minute(
    live, django_assert_num_queries
):
    first = api_token_for(live)
    assert first is not None
    assert first.last_used_at is not None
    with django_assert_num_queries(0):
        again = api_token_for(live)
    assert again is not None
    assert again.user.username == "staff_a"
    assert again.first_use_today is False
    # a minute on, the use is written again (one update), and the cache keeps the new time
    ApiToken.objects.filter(pk=first.pk).update(last_used_at=first.last_used_at - TOKEN_USE_GRAIN)
    stale = api_token_for(live)  # the cache still holds the earlier time: not yet a minute
    assert stale is not None
    later = timezone.now() + TOKEN_USE_GRAIN + dt.timedelta(seconds=1)
    with django_assert_num_queries(1), mock.patch("django.utils.timezone.now", return_value=later):
        assert api_token_for(live) is not None
    assert ApiToken.objects.get(pk=first.pk).last_used_at == later


def test_a_revoked_token_is_refused_at_the_next_call(client, live, staff_a, ent_a):
    warm(client, live, ent_a)
    api_token_revoke(user=staff_a, pk=ApiToken.objects.get().pk)
    assert get(client, live, f"/api/v1/enterprises/{ent_a.pk}").status_code == 401


def test_a_deactivated_user_loses_their_cached_tokens_at_once(client, live, staff_a, ent_a):
    warm(client, live, ent_a)
    staff_a.is_active = False
    staff_a.save()
    assert get(client, live, f"/api/v1/enterprises/{ent_a.pk}").status_code == 401


def test_a_user_moved_to_another_department_reads_with_their_new_scope(
    client, live, staff_a, dept_b, ent_a, ent_b
):
    warm(client, live, ent_a)
    staff_a.department = dept_b
    staff_a.save()
    assert get(client, live, f"/api/v1/enterprises/{ent_a.pk}").status_code == 404
    assert get(client, live, f"/api/v1/enterprises/{ent_b.pk}").status_code == 200


def test_a_user_made_leader_may_no_longer_write_but_reads_zone_wide(client, live, staff_a, ent_a, ent_b):
    warm(client, live, ent_a)
    staff_a.role = Role.LEADER
    staff_a.department = None
    staff_a.save()
    assert get(client, live, f"/api/v1/enterprises/{ent_b.pk}").status_code == 200
    r = client.patch(
        f"/api/v1/enterprises/{ent_a.pk}",
        '{"name": "改名", "version": 1}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {live}",
    )
    assert r.status_code == 404
    ent_a.refresh_from_db()
    assert ent_a.name != "改名"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lockout_by_failed_logins_stops_the_users_cached_tokens(client, live, staff_a, ent_a):
    from django.test import Client

    warm(client, live, ent_a)
    browser = Client()
    for _ in range(3):
        r = browser.post("/login/", {"username": "staff_a", "password": "wrong"})
    assert r.status_code == 429
    assert get(client, live, f"/api/v1/enterprises/{ent_a.pk}").status_code == 401


def test_a_token_revoked_or_deleted_in_the_admin_site_is_refused_at_once(client, staff_a, ent_a):
    _t1, one = api_token_create(user=staff_a, name="一")
    _t2, two = api_token_create(user=staff_a, name="二")
    warm(client, one, ent_a)
    warm(client, two, ent_a)
    first = ApiToken.objects.get(name="一")
    first.revoked_at = timezone.now()
    first.save()
    ApiToken.objects.get(name="二").delete()
    assert get(client, one, f"/api/v1/enterprises/{ent_a.pk}").status_code == 401
    assert get(client, two, f"/api/v1/enterprises/{ent_a.pk}").status_code == 401


def test_a_deleted_user_leaves_no_token_behind(client, db, dept_a, ent_a):
    from tests.factories import UserFactory

    gone = UserFactory(username="temp", role=Role.DEPT_STAFF, department=dept_a)
    _t, raw = api_token_create(user=gone, name="临时")
    warm(client, raw, ent_a)
    gone.delete()
    assert get(client, raw, f"/api/v1/enterprises/{ent_a.pk}").status_code == 401


def test_a_cached_token_past_its_expiry_is_refused(client, live, ent_a):
    warm(client, live, ent_a)
    token = ApiToken.objects.get()
    after = token.expires_at + dt.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=after):
        assert get(client, live, f"/api/v1/enterprises/{ent_a.pk}").status_code == 401

import json

import pytest

from parkos.core.services import api_token_create
from tests.factories import AnnualIndicatorFactory, EnterpriseFactory


@pytest.fixture
def token_a(staff_a):
    _token, raw = api_token_create(user=staff_a, name="报表系统", scope="write")
    return raw


def auth(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_schema_describes_the_registry(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/enterprises/" in schema["paths"]
    assert "/api/v1/enterprises/{pk}" in schema["paths"]


def test_no_credentials_is_401(client, db):
    assert client.get("/api/v1/enterprises/").status_code == 401


def test_token_list_with_filters_and_pages(client, token_a, dept_a, ent_b):
    for i in range(3):
        EnterpriseFactory(owner=dept_a, name=f"长沙星{i}重工有限公司", is_high_tech=i == 1)
    r = client.get("/api/v1/enterprises/", {"q": "星", "page_size": 2}, **auth(token_a))
    body = r.json()
    assert body["count"] == 3
    assert [e["name"] for e in body["items"]] == ["长沙星0重工有限公司", "长沙星1重工有限公司"]
    r = client.get("/api/v1/enterprises/", {"flag": "high_tech"}, **auth(token_a))
    assert [e["name"] for e in r.json()["items"]] == ["长沙星1重工有限公司"]
    all_names = [e["name"] for e in client.get("/api/v1/enterprises/", **auth(token_a)).json()["items"]]
    assert ent_b.name not in all_names


def test_token_is_stored_hashed(token_a):
    from parkos.core.models import ApiToken

    stored = ApiToken.objects.get()
    assert token_a not in (stored.digest, stored.prefix)
    assert stored.prefix == token_a[:8]


def test_revoked_token_is_refused(client, token_a, staff_a):
    from parkos.core.models import ApiToken
    from parkos.core.services import api_token_revoke

    api_token_revoke(user=staff_a, pk=ApiToken.objects.get().pk)
    assert client.get("/api/v1/enterprises/", **auth(token_a)).status_code == 401


def test_out_of_scope_object_is_404_and_patch_changes_nothing(client, token_a, ent_b):
    assert client.get(f"/api/v1/enterprises/{ent_b.pk}", **auth(token_a)).status_code == 404
    assert client.get(f"/api/v1/enterprises/{ent_b.pk}/annual", **auth(token_a)).status_code == 404
    r = client.patch(
        f"/api/v1/enterprises/{ent_b.pk}",
        json.dumps({"name": "x", "version": 1}),
        content_type="application/json",
        **auth(token_a),
    )
    assert r.status_code == 404
    ent_b.refresh_from_db()
    assert ent_b.name == "湖南乙方芯片有限公司"


def test_patch_with_stale_version_is_409(client, token_a, ent_a):
    url = f"/api/v1/enterprises/{ent_a.pk}"
    r = client.patch(
        url,
        json.dumps({"address": "东六路1号", "version": 1}),
        content_type="application/json",
        **auth(token_a),
    )
    assert (r.status_code, r.json()["version"], r.json()["address"]) == (200, 2, "东六路1号")
    r = client.patch(
        url,
        json.dumps({"address": "东六路2号", "version": 1}),
        content_type="application/json",
        **auth(token_a),
    )
    assert r.status_code == 409
    assert r.json()["code"] == "conflict"
    assert r.json()["extra"] == {"current": 2}
    ent_a.refresh_from_db()
    assert ent_a.address == "东六路1号"


def test_create_and_validation_error_shape(client, token_a, dept_a):
    r = client.post(
        "/api/v1/enterprises/",
        json.dumps({"uscc": "91430121000000000X", "name": "坏"}),
        content_type="application/json",
        **auth(token_a),
    )
    assert r.status_code == 422
    assert "uscc" in r.json()["extra"]["fields"]
    uscc = EnterpriseFactory.build().uscc
    r = client.post(
        "/api/v1/enterprises/",
        json.dumps({"uscc": uscc, "name": "接口新增企业", "industry_code": "3973"}),
        content_type="application/json",
        **auth(token_a),
    )
    assert r.status_code == 201
    assert (r.json()["owner"], r.json()["industry_code"]) == (dept_a.pk, "3973")


def test_land_and_indicators(client, token_a, ent_a):
    r = client.post(
        f"/api/v1/enterprises/{ent_a.pk}/land",
        json.dumps({"certificate_no": "湘1", "area_mu": "12.5"}),
        content_type="application/json",
        **auth(token_a),
    )
    assert r.status_code == 201
    r = client.put(
        f"/api/v1/enterprises/{ent_a.pk}/annual/2025",
        json.dumps({"tax_paid": "88.8"}),
        content_type="application/json",
        **auth(token_a),
    )
    assert (r.status_code, r.json()["tax_paid"]) == (200, "88.80")
    r = client.put(
        f"/api/v1/enterprises/{ent_a.pk}/monthly/2025-03",
        json.dumps({"tax": "3"}),
        content_type="application/json",
        **auth(token_a),
    )
    assert (r.status_code, r.json()["month"]) == (200, "2025-03-01")
    r = client.put(
        f"/api/v1/enterprises/{ent_a.pk}/monthly/2025-13",
        json.dumps({"tax": "3"}),
        content_type="application/json",
        **auth(token_a),
    )
    assert r.status_code == 422
    assert [
        x["year"] for x in client.get(f"/api/v1/enterprises/{ent_a.pk}/annual", **auth(token_a)).json()
    ] == [2025]


def test_enterprise_user_api_sees_only_own(client, ent_user_a, ent_a, ent_b):
    AnnualIndicatorFactory(enterprise=ent_b)
    _t, raw = api_token_create(user=ent_user_a, name="企业")
    items = client.get("/api/v1/enterprises/", **auth(raw)).json()["items"]
    assert [e["id"] for e in items] == [ent_a.pk]
    assert client.get(f"/api/v1/enterprises/{ent_b.pk}", **auth(raw)).status_code == 404
    assert client.get(f"/api/v1/enterprises/{ent_b.pk}/annual", **auth(raw)).status_code == 404


def test_session_auth_works_for_pages_users(client_staff_a, ent_a):
    assert client_staff_a.get(f"/api/v1/enterprises/{ent_a.pk}").json()["uscc"] == ent_a.uscc


def test_contacts_api(client, token_a, ent_a, ent_b):
    r = client.post(
        f"/api/v1/enterprises/{ent_a.pk}/contacts",
        json.dumps({"name": "张伟", "phone": "0731-1"}),
        content_type="application/json",
        **auth(token_a),
    )
    assert r.status_code == 201
    assert [
        c["name"] for c in client.get(f"/api/v1/enterprises/{ent_a.pk}/contacts", **auth(token_a)).json()
    ] == ["张伟"]
    assert client.get(f"/api/v1/enterprises/{ent_b.pk}/contacts", **auth(token_a)).status_code == 404
    assert client.delete(f"/api/v1/enterprises/contacts/{r.json()['id']}", **auth(token_a)).status_code == 204


def test_a_read_token_reads_and_is_refused_a_write(client, staff_a, ent_a):
    _t, raw = api_token_create(user=staff_a, name="只读报表")
    assert client.get(f"/api/v1/enterprises/{ent_a.pk}", **auth(raw)).status_code == 200
    r = client.patch(
        f"/api/v1/enterprises/{ent_a.pk}",
        json.dumps({"version": ent_a.version, "name": "改名"}),
        content_type="application/json",
        **auth(raw),
    )
    assert r.status_code == 403
    assert r.json()["message"] == "该令牌只能读取。"
    ent_a.refresh_from_db()
    assert ent_a.name != "改名"


def test_an_expired_token_or_a_locked_out_user_gets_401(client, staff_a, ent_a):
    import datetime as dt

    from axes.models import AccessAttempt
    from django.utils import timezone

    from parkos.core.models import ApiToken

    token, raw = api_token_create(user=staff_a, name="到期", days=30)
    assert token.expires_at > timezone.now() + dt.timedelta(days=29)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"/api/v1/enterprises/{ent_a.pk}", **auth(raw)).status_code == 401
    _t, live = api_token_create(user=staff_a, name="在用")
    assert client.get(f"/api/v1/enterprises/{ent_a.pk}", **auth(live)).status_code == 200
    AccessAttempt.objects.create(
        username=staff_a.username,
        ip_address="10.0.0.9",
        user_agent="x",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    assert client.get(f"/api/v1/enterprises/{ent_a.pk}", **auth(live)).status_code == 401


def test_a_token_is_made_with_its_scope_and_lifetime_on_the_profile_page(client_staff_a, staff_a):
    from parkos.core.models import ApiToken

    r = client_staff_a.post("/profile/", {"name": "数据交换", "scope": "write", "days": "180"})
    assert r.status_code == 200
    t = ApiToken.objects.get(user=staff_a)
    assert t.scope == "write"
    assert 179 <= (t.expires_at - t.created_at).days <= 180
    assert "读写" in r.content.decode() or "可读写" in r.content.decode()

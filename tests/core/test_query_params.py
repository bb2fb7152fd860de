"""Report pages read their query through `QueryParams`: a missing or bad value means the view's default, never an
error; a good one is parsed (a year as a number, a month as its first day)."""

import datetime as dt

from django.test import RequestFactory

from parkos.core.forms import MonthParams, YearParams

rf = RequestFactory()


def test_a_good_year_is_read_and_a_bad_one_falls_back_to_the_default():
    assert YearParams.of(rf.get("/", {"year": "2025"}), year=2026).year == 2025
    for bad in ("0", "10000", "二〇二五", "\x00", "100000000000000000000"):
        assert YearParams.of(rf.get("/", {"year": bad}), year=2026).year == 2026, bad
    assert YearParams.of(rf.get("/"), year=2026).year == 2026
    assert YearParams.of(rf.get("/")).year is None


def test_a_month_is_its_first_day_and_export_is_only_xlsx():
    q = MonthParams.of(rf.get("/", {"month": "2026-03", "export": "xlsx"}), month=dt.date(2026, 1, 1))
    assert (q.month, q.export) == (dt.date(2026, 3, 1), "xlsx")
    q = MonthParams.of(rf.get("/", {"month": "2026-13", "export": "csv"}), month=dt.date(2026, 1, 1))
    assert (q.month, q.export) == (dt.date(2026, 1, 1), None)


import pytest  # noqa: E402


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/enterprises/?page=100000000000000000000",  # beyond bigint: was a 500 on PostgreSQL
        "/api/v1/investment/scores?year=0",  # was ValueError: year 0 is out of range
        "/api/v1/investment/scores?year=10000",
        "/api/v1/investment/scores?year=2026&month=13",
        "/api/v1/projects/rates?year=0",
        "/api/v1/projects/rates?year=2026&month=13",
        "/api/v1/projects/rates?year=2026&quarter=5",
        "/api/v1/services/ratings/metrics?year=10000",
    ],
)
def test_the_api_refuses_out_of_range_pages_years_and_months_with_422(client_admin, url):
    r = client_admin.get(url)
    assert r.status_code == 422, r.content[:200]


def test_an_api_body_that_is_not_one_json_object_is_a_400_in_chinese(client_admin, ent_a):
    """schemathesis found `[null, null]` accepted as an empty object (ninja reads a list's attributes)."""
    url = f"/api/v1/enterprises/{ent_a.pk}/annual/2025"
    for body in ("[null, null]", "42", "not json"):
        r = client_admin.put(url, body, content_type="application/json")
        assert r.status_code == 400, body
        assert r.json()["message"] == "请求体必须是一个 JSON 对象。"
    assert not ent_a.annual_indicators.exists()


def test_nul_characters_in_an_api_body_are_dropped(client_admin, ent_a):
    r = client_admin.post(
        f"/api/v1/enterprises/{ent_a.pk}/contacts",
        '{"name": "张\\u0000三", "phone": "0731\\u0000-8888"}',
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert (r.json()["name"], r.json()["phone"]) == ("张三", "0731-8888")


def test_true_or_false_is_not_a_number_in_an_api_body(client_admin, ent_a):
    """schemathesis found `"employees": false` stored as 0 (pydantic reads booleans as numbers)."""
    r = client_admin.put(
        f"/api/v1/enterprises/{ent_a.pk}/annual/2025", {"employees": False}, content_type="application/json"
    )
    assert r.status_code == 422
    assert not ent_a.annual_indicators.exists()

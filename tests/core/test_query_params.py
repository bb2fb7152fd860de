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

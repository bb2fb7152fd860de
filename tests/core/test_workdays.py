import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from parkos.core.models import CalendarDay
from parkos.core.selectors import add_working_days, working_calendar, working_days_between
from parkos.core.workdays import WorkingCalendar

D = dt.date


def test_national_day_2026_example_from_the_issue():
    cal = WorkingCalendar()
    # 10-01..10-07 are holidays, Saturday 10-10 is a 调休 working day; the day of receipt is not counted
    assert cal.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5


def test_plain_week_and_weekend():
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)  # Friday + 1 = Monday
    assert cal.add_working_days(D(2025, 3, 8), 1) == D(2025, 3, 10)  # from a Saturday
    assert cal.add_working_days(D(2025, 3, 10), 0) == D(2025, 3, 10)
    assert cal.add_working_days(D(2025, 3, 10), -1) == D(2025, 3, 7)
    assert cal.working_days_between(D(2025, 3, 7), D(2025, 3, 10)) == 1
    assert cal.working_days_between(D(2025, 3, 10), D(2025, 3, 7)) == -1
    assert cal.working_days_between(D(2025, 3, 10), D(2025, 3, 10)) == 0


def test_spring_festival_2025():
    cal = WorkingCalendar()
    # 2025-01-28..02-04 off; Sunday 01-26 and Saturday 02-08 are working days
    assert cal.is_working_day(D(2025, 1, 26))
    assert not cal.is_working_day(D(2025, 1, 29))
    assert cal.add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)


def test_arrays_match_scalars():
    cal = WorkingCalendar()
    starts = np.array(["2026-09-30", "2025-01-27", "2024-12-31"], dtype="datetime64[D]")
    ns = np.array([5, 1, 20])
    got = cal.add_working_days(starts, ns)
    assert [
        cal.add_working_days(s.astype(dt.date), int(n)) for s, n in zip(starts, ns, strict=False)
    ] == list(got.astype(dt.date))
    assert list(cal.working_days_between(starts, got)) == [5, 1, 20]


def test_override_wins_over_chinesecalendar():
    cal = WorkingCalendar({D(2026, 10, 8): False})  # a local extra day off
    assert cal.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 14)


def test_year_without_schedule_follows_the_law_and_is_unconfirmed():
    cal = WorkingCalendar()
    # 2031-10-01 is a Wednesday: 国庆 1–3 October (Wed–Fri) are off by law, then the weekend
    assert cal.add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 6)
    assert not cal.is_confirmed(D(2031, 10, 1))
    assert cal.is_confirmed(D(2026, 10, 1))


def test_2027_by_law_hand_worked():
    """2027 has no published schedule. 元旦 is a Friday. 春节: 除夕 5 Feb (Fri), 初一 6 Feb (Sat) to 初三 8 Feb
    (Mon) — two days on the weekend, so 9 and 10 Feb are made up. 清明 5 Apr (Mon). 劳动节 1–2 May is a weekend:
    3 and 4 May are made up. 端午 9 Jun (Wed), 中秋 15 Sep (Wed). 国庆 1–3 Oct (Fri–Sun): 4 and 5 Oct made up."""
    from parkos.core.workdays import statutory_days_off

    off = statutory_days_off(2027)
    assert off == {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",
        D(2027, 2, 6): "春节",
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 2, 9): "春节补假",
        D(2027, 2, 10): "春节补假",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 5, 3): "劳动节补假",
        D(2027, 5, 4): "劳动节补假",
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
        D(2027, 10, 4): "国庆节补假",
        D(2027, 10, 5): "国庆节补假",
    }
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2026, 12, 25), 5) == D(2027, 1, 4)  # not New Year's Day
    assert cal.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 11)
    assert cal.add_working_days(D(2027, 9, 30), 1) == D(2027, 10, 6)
    assert not cal.is_confirmed(D(2027, 1, 4))


def test_a_loaded_notice_decides_its_year_over_the_law(db, admin):
    """The notice (days off 10–16 Feb with 调休 on Sunday 7 Feb, say) replaces the fallback's 5–10 Feb."""
    from parkos.core.services import calendar_notice_load

    calendar_notice_load(
        user=admin,
        year=2027,
        days_off=[D(2027, 1, 1)] + [D(2027, 2, d) for d in range(5, 12)],
        working_days=[D(2027, 2, 20)],
        source="国务院办公厅关于2027年部分节假日安排的通知",
    )
    cal = working_calendar()
    assert cal.is_confirmed(D(2027, 2, 11))
    assert not cal.is_working_day(D(2027, 2, 11))
    assert cal.is_working_day(D(2027, 2, 20))  # a 调休 Saturday
    assert cal.is_working_day(
        D(2027, 5, 3)
    )  # the notice lists no 劳动节 days here: the fallback no longer applies
    assert add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 12)
    assert working_days_between(D(2027, 2, 4), D(2027, 2, 12)) == 1
    assert CalendarDay.objects.filter(date__year=2027).count() == 9


def test_a_notice_of_the_wrong_year_or_a_day_both_off_and_working_is_refused(db, admin):
    import pytest

    from parkos.core.exceptions import Invalid
    from parkos.core.services import calendar_notice_load

    with pytest.raises(Invalid, match="2028-01-01"):
        calendar_notice_load(user=admin, year=2027, days_off=[D(2028, 1, 1)], working_days=[])
    with pytest.raises(Invalid, match="2027-02-06"):
        calendar_notice_load(user=admin, year=2027, days_off=[D(2027, 2, 6)], working_days=[D(2027, 2, 6)])
    assert not CalendarDay.objects.exists()


def test_the_calendar_page_loads_a_notice_from_lines_and_ranges(client_admin):
    from parkos.core.models import CalendarNotice

    page = client_admin.get("/calendar/").content.decode()
    assert 'id="notice-form"' in page
    r = client_admin.post(
        "/calendar/",
        {
            "notice": "1",
            "year": "2027",
            "source": "国办发明电〔2026〕7号",
            "days_off": "2027-01-01 元旦\n2027-02-05~2027-02-11 春节\n",
            "working_days": "2027-02-20",
        },
    )
    assert r.status_code == 302
    assert CalendarNotice.objects.get().year == 2027
    assert CalendarDay.objects.filter(date__year=2027, is_working=False).count() == 8
    bad = client_admin.post(
        "/calendar/", {"notice": "1", "year": "2027", "days_off": "春节放假"}, follow=True
    )
    assert "第 1 行" in bad.content.decode() or "line 1" in bad.content.decode()


@given(st.dates(D(2010, 1, 1), D(2032, 12, 31)), st.integers(1, 400))
def test_between_inverts_add(start, n):
    cal = WorkingCalendar()
    end = cal.add_working_days(start, n)
    assert end > start
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n


@given(st.dates(D(2010, 1, 1), D(2032, 12, 31)), st.integers(0, 300), st.integers(0, 300))
def test_adding_more_days_never_ends_earlier(start, a, b):
    cal = WorkingCalendar()
    lo, hi = sorted((a, b))
    assert cal.add_working_days(start, lo) <= cal.add_working_days(start, hi)


def test_cli_contract(capsys, db):
    from django.core.management import call_command

    call_command("calendar", "add-working-days", "2026-09-30", "5")
    assert capsys.readouterr().out == "2026-10-13\n"
    call_command("calendar", "between", "2026-09-30", "2026-10-13")
    assert capsys.readouterr().out == "5\n"


def test_cli_warns_on_unconfirmed_year(capsys, db):
    from django.core.management import call_command

    call_command("calendar", "add-working-days", "2031-09-30", "1")
    out = capsys.readouterr()
    assert out.out == "2031-10-06\n"  # 国庆 by law
    assert "unconfirmed" in out.err


def test_working_days_in_2026_hand_count():
    # 2026 has 261 weekdays; 19 of them are holidays (元旦 2, 春节 6, 清明 1, 劳动节 3, 端午 1, 中秋 1, 国庆 5)
    # and 6 weekend days are 调休 working days (01-04, 02-14, 02-28, 05-09, 09-20, 10-10): 261 - 19 + 6 = 248.
    cal = WorkingCalendar()
    assert len(cal.working_days("2026-01-01", "2026-12-31")) == 248
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 248


def test_agrees_with_chinesecalendar_day_by_day():
    import chinese_calendar

    cal = WorkingCalendar()
    days = [D(2024, 1, 1) + dt.timedelta(days=i) for i in range(366 + 365 + 365)]
    assert [cal.is_working_day(d) for d in days] == [chinese_calendar.is_workday(d) for d in days]

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


def test_year_without_schedule_counts_weekends_and_is_unconfirmed():
    cal = WorkingCalendar()
    # 2031-10-01 is a Wednesday; without a schedule only weekends are off
    assert cal.add_working_days(D(2031, 10, 1), 3) == D(2031, 10, 6)
    assert not cal.is_confirmed(D(2031, 10, 1))
    assert cal.is_confirmed(D(2026, 10, 1))


def test_override_table_makes_a_year_confirmed(db):
    CalendarDay.objects.create(date=D(2031, 10, 1), is_working=False, note="国庆")
    cal = working_calendar()
    assert cal.is_confirmed(D(2031, 10, 2))
    assert add_working_days(D(2031, 9, 30), 1) == D(2031, 10, 2)
    assert working_days_between(D(2031, 9, 30), D(2031, 10, 2)) == 1


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
    assert out.out == "2031-10-01\n"
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

"""Working-day calendar: chinesecalendar for the years it knows, administrators' overrides on top.

The computation is column-wise: the calendar is a sorted numpy array of working days, so adding n
working days to many dates, or counting working days between many pairs, is a `searchsorted`.

- `add_working_days(d, n)`: the n-th working day after d (d itself is not counted: the day of receipt).
- `working_days_between(a, b)`: the number of working days in (a, b]; negative when b < a.
Both accept a date or an array of dates (and an int or an array of ints).

For a year that neither chinesecalendar nor a loaded State Council notice covers, the days off follow the law:
weekends plus the statutory holidays of 《全国年节及纪念日放假办法》 (as revised in force from 2025) — 元旦, 春节
(除夕 and 正月初一 to 初三), 清明, 劳动节 (1–2 May), 端午, 中秋, 国庆 (1–3 October) — with, for each holiday that
falls on a Saturday or Sunday, a make-up day off (补假) on the first working day after the holiday. The lunar dates
and 清明 come from lunar_python. Such a year is *unconfirmed* (`WorkingCalendar.is_confirmed(...)` says so) until an
administrator loads the year's notice, which then replaces the fallback and chinesecalendar for that year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np

try:  # chinesecalendar ships the State Council's schedules up to the year of its release
    from chinese_calendar.constants import holidays as _CC_HOLIDAYS
    from chinese_calendar.constants import workdays as _CC_WORKDAYS
except ImportError:  # pragma: no cover - it is a hard dependency
    _CC_HOLIDAYS, _CC_WORKDAYS = {}, {}

_CC_YEARS = frozenset(d.year for d in _CC_HOLIDAYS)
DateLike = dt.date | np.datetime64 | str


def statutory_holidays(year: int) -> list[tuple[str, list[dt.date]]]:
    """The statutory holidays of a year by 《全国年节及纪念日放假办法》 (2025): (name, days), in date order."""
    from lunar_python import Lunar, Solar

    def solar(lunar) -> dt.date:
        s = lunar.getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    new_year = solar(Lunar.fromYmd(year, 1, 1))
    qingming = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    return sorted(
        [
            ("元旦", [dt.date(year, 1, 1)]),
            ("春节", [new_year + dt.timedelta(days=k) for k in range(-1, 3)]),  # 除夕, 正月初一 to 初三
            ("清明节", [dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay())]),
            ("劳动节", [dt.date(year, 5, 1), dt.date(year, 5, 2)]),
            ("端午节", [solar(Lunar.fromYmd(year, 5, 5))]),
            ("中秋节", [solar(Lunar.fromYmd(year, 8, 15))]),
            ("国庆节", [dt.date(year, 10, k) for k in (1, 2, 3)]),
        ],
        key=lambda h: h[1][0],
    )


def statutory_days_off(year: int) -> dict[dt.date, str]:
    """The days off of a year by law alone: each statutory holiday, and for each of its days on a Saturday or
    Sunday a make-up day (补假) on the first working day after the holiday. Weekends are not listed."""
    off: dict[dt.date, str] = {}
    holidays = statutory_holidays(year)
    for name, days in holidays:
        for d in days:
            off[d] = name
    for name, days in holidays:
        after = days[-1]
        for _d in [d for d in days if d.weekday() >= 5]:
            after += dt.timedelta(days=1)
            while after.weekday() >= 5 or after in off:
                after += dt.timedelta(days=1)
            off[after] = f"{name}补假"
    return {d: off[d] for d in sorted(off) if d.year == year}


@lru_cache(maxsize=256)
def _base_year(year: int, notice: bool = False) -> tuple[np.ndarray, bool]:
    """Working days of one year, and whether they are confirmed: by a loaded notice (weekends here, its days come
    as overrides), else by chinesecalendar, else by the law's fallback (unconfirmed)."""
    days = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{year + 1}-01-01"))
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    working = weekday < 5
    if notice:
        return days[working], True
    confirmed = year in _CC_YEARS
    if confirmed:
        off = np.array([np.datetime64(d) for d in _CC_HOLIDAYS if d.year == year], dtype="datetime64[D]")
        on = np.array([np.datetime64(d) for d in _CC_WORKDAYS if d.year == year], dtype="datetime64[D]")
        working &= ~np.isin(days, off)
        working |= np.isin(days, on)
    elif 1950 <= year <= 2099:
        off = np.array([np.datetime64(d) for d in statutory_days_off(year)], dtype="datetime64[D]")
        working &= ~np.isin(days, off)
    return days[working], confirmed


class WorkingCalendar:
    """Working days over a span of years; `overrides` maps a date to True (working) or False (off)."""

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None, notice_years: Iterable[int] = ()):
        """`notice_years`: years whose State Council notice an administrator loaded (its days are overrides):
        for them the notice alone decides, over chinesecalendar and the law's fallback."""
        self.overrides = {np.datetime64(d, "D"): bool(v) for d, v in (overrides or {}).items()}
        self.notice_years = frozenset(notice_years)
        self._override_years = {int(str(d)[:4]) for d in self.overrides}
        self._years: tuple[int, int] | None = None
        self._days = np.array([], dtype="datetime64[D]")

    # -- building ---------------------------------------------------------------------------------
    def _ensure(self, first: int, last: int) -> None:
        if self._years and self._years[0] <= first and last <= self._years[1]:
            return
        if self._years:
            first, last = min(first, self._years[0]), max(last, self._years[1])
        parts = [_base_year(y, y in self.notice_years)[0] for y in range(first, last + 1)]
        days = np.concatenate(parts) if parts else np.array([], dtype="datetime64[D]")
        if self.overrides:
            keys = np.array(list(self.overrides), dtype="datetime64[D]")
            vals = np.array(list(self.overrides.values()), dtype=bool)
            days = days[~np.isin(days, keys[~vals])]
            days = np.union1d(days, keys[vals])
        self._years = (first, last)
        self._days = np.sort(days)

    def is_confirmed(self, *dates: DateLike | Iterable[DateLike]) -> bool:
        """True when every year touched by these dates is covered by chinesecalendar or overrides."""
        years: set[int] = set()
        for d in dates:
            arr = np.atleast_1d(np.asarray(d, dtype="datetime64[D]"))
            years |= set(arr.astype("datetime64[Y]").astype(int) + 1970)
        return all(y in _CC_YEARS or y in self.notice_years for y in years)

    def working_days(self, start: DateLike, end: DateLike) -> np.ndarray:
        """All working days in [start, end]."""
        s, e = _day(start), _day(end)
        self._ensure(_year(s), _year(e))
        return self._days[(self._days >= s) & (self._days <= e)]

    def days_covering(self, first: DateLike, last: DateLike, *, margin_years: int = 1) -> np.ndarray:
        """The sorted array of working days of every year from `first` to `last` (plus a margin of years).

        Engines that count over many items at once (approval clocks) index into this array.
        """
        self._ensure(_year(_day(first)) - margin_years, _year(_day(last)) + margin_years)
        return self._days

    def is_working_day(self, d: DateLike) -> bool:
        x = _day(d)
        self._ensure(_year(x), _year(x))
        i = np.searchsorted(self._days, x)
        return bool(i < len(self._days) and self._days[i] == x)

    # -- arithmetic ---------------------------------------------------------------------------------
    def add_working_days(self, d, n):
        """The n-th working day after d (n > 0), before d (n < 0), or d itself (n == 0)."""
        dates = np.asarray(d, dtype="datetime64[D]")
        ns = np.asarray(n, dtype="int64")
        scalar = dates.ndim == 0 and ns.ndim == 0
        dates, ns = np.broadcast_arrays(np.atleast_1d(dates), np.atleast_1d(ns))
        if dates.size == 0:
            return dates.copy()
        span = int(np.abs(ns).max()) // 200 + 2
        self._ensure(_year(dates.min()) - span, _year(dates.max()) + span)
        after = np.searchsorted(self._days, dates, side="right")  # working days <= d
        before = np.searchsorted(self._days, dates, side="left")  # working days < d
        idx = np.where(ns > 0, after + ns - 1, before + ns)
        out = np.where(ns == 0, dates, self._days[np.clip(idx, 0, len(self._days) - 1)])
        if scalar:
            return out[0].astype(dt.date)
        return out

    def working_days_between(self, a, b):
        """Working days after a up to and including b (negative when b is before a)."""
        aa = np.asarray(a, dtype="datetime64[D]")
        bb = np.asarray(b, dtype="datetime64[D]")
        scalar = aa.ndim == 0 and bb.ndim == 0
        aa, bb = np.broadcast_arrays(np.atleast_1d(aa), np.atleast_1d(bb))
        if aa.size == 0:
            return np.array([], dtype="int64")
        self._ensure(_year(min(aa.min(), bb.min())), _year(max(aa.max(), bb.max())))
        out = np.searchsorted(self._days, bb, side="right") - np.searchsorted(self._days, aa, side="right")
        return int(out[0]) if scalar else out.astype("int64")


def _day(d: DateLike) -> np.datetime64:
    """A date, a numpy day or an ISO string as a numpy day."""
    return np.datetime64(d, "D")  # type: ignore[call-overload]  # numpy's stubs miss the date | str union


def _year(d: np.datetime64) -> int:
    return int(d.astype("datetime64[Y]").astype(int)) + 1970

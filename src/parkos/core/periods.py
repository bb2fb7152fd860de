"""A reporting period — a year, one of its quarters or one of its months — as every figure page and the cockpit
choose it (`?year=&quarter=&month=`), counted to the as-of date while it runs."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def start(self) -> dt.date:
        if self.month:
            return dt.date(self.year, self.month, 1)
        if self.quarter:
            return dt.date(self.year, 3 * self.quarter - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end_month(self) -> int:
        return self.month or (3 * self.quarter if self.quarter else 12)

    @property
    def end(self) -> dt.date:
        m = self.end_month
        return dt.date(self.year, m, calendar.monthrange(self.year, m)[1])

    @property
    def label(self) -> str:
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year} Q{self.quarter}"
        return str(self.year)

    @classmethod
    def from_query(cls, params, default_year: int) -> Period:
        def num(name, lo, hi):
            raw = (params.get(name) or "").strip()
            return int(raw) if raw.isdigit() and lo <= int(raw) <= hi else None

        year = num("year", 2000, 2100) or default_year
        month = num("month", 1, 12)
        quarter = None if month else num("quarter", 1, 4)
        return cls(year, quarter, month)

    def cut(self, today: dt.date) -> dt.date:
        """The day the period is counted to: its end once it is over, else the as-of date (year to date)."""
        return min(self.end, today)

    def previous_year(self) -> Period:
        """The same period a year earlier (the comparison a leader reads beside every figure)."""
        return Period(self.year - 1, self.quarter, self.month)

    def query(self) -> str:
        """The period as a query string, for the links of a figure to its list."""
        q = f"year={self.year}"
        if self.month:
            return f"{q}&month={self.month}"
        return f"{q}&quarter={self.quarter}" if self.quarter else q


def year_earlier(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def elapsed_share(year: int, as_of: dt.date) -> Decimal:
    """The share of `year` elapsed on `as_of` (that day included) — 时序进度: days elapsed ÷ days of that year (366
    in a leap year); 0 before the year begins, 1 once it has ended."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of < start:
        return Decimal(0)
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)

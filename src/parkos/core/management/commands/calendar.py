"""`parkos calendar add-working-days DATE N [--pause A:B]...` and `parkos calendar between A B`.

A pause A:B (both days inclusive) does not count, as a 补正 suspension or a special procedure does not
(specs/approvals.md §5.3); the option repeats, and overlapping pauses count once."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from parkos.core.selectors import working_calendar
from parkos.core.workdays import WorkingCalendar


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {s}") from None


def _pause(s: str) -> tuple[dt.date, dt.date]:
    a, sep, b = s.partition(":")
    if not sep:
        raise CommandError(f"a pause is FIRST:LAST (YYYY-MM-DD:YYYY-MM-DD): {s}")
    first, last = _date(a), _date(b)
    if last < first:
        raise CommandError(f"a pause ends before it starts: {s}")
    return first, last


def _deadline_with_pauses(cal, start: dt.date, n: int, pauses: list[tuple[dt.date, dt.date]]) -> dt.date:
    if n < 0:
        raise CommandError("N must not be negative when pauses are given")
    from parkos.core.clocks import clocks

    last = max([start, *(b for _a, b in pauses)])
    days = cal.days_covering(start, last, margin_years=n // 200 + 2)
    c = clocks(days, [start], [n], start, [0] * len(pauses), [a for a, _b in pauses], [b for _a, b in pauses])
    return c.deadline[0].astype(dt.date)


class Command(BaseCommand):
    help = "Working-day arithmetic on the zone's calendar (chinesecalendar plus administrators' overrides)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-working-days", help="the N-th working day after DATE (DATE not counted)")
        add.add_argument("date")
        add.add_argument("n", type=int)
        add.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="A:B",
            help="days A to B inclusive do not count (repeatable)",
        )
        between = sub.add_parser("between", help="working days after A up to and including B")
        between.add_argument("a")
        between.add_argument("b")

    def handle(self, *args, **opts):
        try:
            cal = working_calendar()
        except DatabaseError:  # not migrated yet: the official calendar alone, without overrides
            cal = WorkingCalendar()
        if opts["action"] == "add-working-days":
            start = _date(opts["date"])
            pauses = [_pause(p) for p in opts["pause"]]
            if pauses:
                result = _deadline_with_pauses(cal, start, opts["n"], pauses)
            else:
                result = cal.add_working_days(start, opts["n"])
            self.stdout.write(result.isoformat())
            dates = (start, result)
        else:
            a, b = _date(opts["a"]), _date(opts["b"])
            self.stdout.write(str(cal.working_days_between(a, b)))
            dates = (a, b)
        if not cal.is_confirmed(*dates):
            self.stderr.write(
                "warning: unconfirmed: a year in this span has no official holiday schedule yet; "
                "only weekends were counted as days off"
            )

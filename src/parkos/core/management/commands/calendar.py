"""`parkos calendar add-working-days DATE N` and `parkos calendar between A B`."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from parkos.core.selectors import working_calendar


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {s}") from None


class Command(BaseCommand):
    help = "Working-day arithmetic on the zone's calendar (chinesecalendar plus administrators' overrides)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-working-days", help="the N-th working day after DATE (DATE not counted)")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days after A up to and including B")
        between.add_argument("a")
        between.add_argument("b")

    def handle(self, *args, **opts):
        cal = working_calendar()
        if opts["action"] == "add-working-days":
            start = _date(opts["date"])
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

"""`parkos efficiency run --year Y` and `parkos efficiency export --year Y FILE.xlsx`."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from parkos.core.services import cli_actor


class Command(BaseCommand):
    help = "Per-mu evaluation: run a year's evaluation, or export its latest results."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="evaluate every enterprise with figures for the year")
        run.add_argument("--year", type=int, required=True)
        run.add_argument("--user")
        export = sub.add_parser("export", help="write the latest run of the year as .xlsx")
        export.add_argument("--year", type=int, required=True)
        export.add_argument("file")
        export.add_argument("--user")

    def handle(self, *args, **opts):
        from parkos.efficiency import exports, selectors, services
        from parkos.efficiency.engine import Scheme

        user = cli_actor(opts.get("user"))
        year = opts["year"]
        if opts["action"] == "run":
            run = services.evaluation_run(user=user, year=year)
            s = run.summary
            self.stdout.write(
                f"run {run.pk} for {year}: {s['total']} enterprises, {s['status_rated']} rated; "
                f"规上 A/B/C/D {s['above_A']}/{s['above_B']}/{s['above_C']}/{s['above_D']}, "
                f"规下 A/B/C/D {s['below_A']}/{s['below_B']}/{s['below_C']}/{s['below_D']}"
            )
            return
        run = selectors.run_latest(year=year)
        if run is None:
            raise CommandError(
                f"no evaluation run for {year}; run `parkos efficiency run --year {year}` first"
            )
        results = selectors.result_list(user=user, run=run).order_by(
            "cohort", F("rank").asc(nulls_last=True), "enterprise__uscc"
        )
        schema = exports.results_schema(Scheme.from_dict(run.scheme))
        schema.write(opts["file"], exports.result_records(run, results.iterator(chunk_size=5000)))
        self.stdout.write(f"wrote {opts['file']}")

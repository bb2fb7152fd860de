"""`parkos worker`: background jobs, the daily jobs at PARKOS_DAILY_AT, a heartbeat; survives database restarts."""

import signal

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background jobs and the daily jobs; reconnects when the database goes away (see core.worker)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args, **opts):
        from parkos.core import worker

        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_a: stopping.append(True))
        self.stdout.write(f"worker started; daily jobs at {worker.daily_at():%H:%M}")
        worker.run(interval=opts["interval"], stop=lambda: bool(stopping))
        self.stdout.write("worker stopped")

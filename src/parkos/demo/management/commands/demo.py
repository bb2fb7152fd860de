"""`parkos demo [--enterprises N] [--seed S]`: build the synthetic demo zone."""

import time

from django.core.management.base import BaseCommand, CommandError

from parkos.core.models import User
from parkos.enterprises.models import Enterprise

STEP_LABELS = {  # what each step of the build is, for the person waiting
    "registry": "企业库：{n} 家企业及其用地、年度和月度指标",
    "evaluation": "亩均效益评价：{year} 年",
    "projects": "重点项目、审批事项和月报",
    "workplan": "年度工作要点的督查任务",
    "investment": "产业链与招商线索",
    "national-evaluation": "国家级经开区考核自评估：本区数值与对标园区",
    "services": "企业诉求、走访和好差评",
    "policies": "惠企政策与匹配",
    "credit": "信用记录、双随机抽查与信用修复",
}


class Command(BaseCommand):
    help = "Build a realistic synthetic zone (reproducible by seed). Does nothing if the registry has data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enterprises", type=int, default=2000, help="number of enterprises (1 to 100000)"
        )
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--months", type=int, default=24, help="months of monthly indicators")
        parser.add_argument("--projects", type=int, default=150, help="key projects (0 to 2000)")

    def handle(self, *args, **opts):
        from parkos.demo.zone import DEMO_USERS, demo_build, demo_steps

        n = opts["enterprises"]
        if not 1 <= n <= 100_000:
            raise CommandError("--enterprises must be between 1 and 100000")
        if Enterprise.objects.exists():
            self.stdout.write(
                f"The registry already has {Enterprise.objects.count()} enterprises; reusing it."
            )
            self._logins(
                [
                    (u, str(r.label), "")
                    for u, r, *_rest in DEMO_USERS
                    if User.objects.filter(username=u).exists()
                ]
            )
            return
        t0 = time.perf_counter()
        if not 0 <= opts["projects"] <= 2000:
            raise CommandError("--projects must be between 0 and 2000")
        parts = {
            "evaluate": True,
            "projects": opts["projects"],
            "workplan": True,
            "investment": True,
            "services": True,
        }
        steps = demo_steps(**parts)
        done = 0

        def step(name: str) -> None:
            nonlocal done
            done += 1
            width = 24
            filled = round(width * (done - 1) / len(steps))
            label = STEP_LABELS.get(name.split(":")[0], name).format(n=n, year=name.partition(":")[2])
            self.stdout.write(
                f"  [{'█' * filled}{'░' * (width - filled)}] {done}/{len(steps)} {label} "
                f"（已用 {time.perf_counter() - t0:.0f} 秒）"
            )
            self.stdout.flush()

        result = demo_build(enterprises=n, seed=opts["seed"], months=opts["months"], step=step, **parts)
        self.stdout.write(f"  [{'█' * 24}] {len(steps)}/{len(steps)} 完成")
        self.stdout.write(
            f"Demo zone built in {time.perf_counter() - t0:.1f}s: {result.enterprises} enterprises, "
            f"{result.land} land parcels, {result.annual} annual and {result.monthly} monthly indicator rows, "
            f"{result.runs} evaluated years, {result.projects} key projects, {result.plans} supervised work plans, "
            f"{result.leads} investment leads on 4 industry chains, {result.requests} enterprise requests, "
            f"{result.policies} support policies."
        )
        self._logins(result.users)

    def _logins(self, users) -> None:
        from parkos.demo.zone import DEMO_PASSWORD

        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, role, note in users:
            self.stdout.write(f"  {username:<12} {role}  {note}")

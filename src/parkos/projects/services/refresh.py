"""The approvals' daily refresh: deemed acceptance, every open clock and light in one engine call, stage and
project lights, overdue problems, and one inbox notice per change of light."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import capabilities, notify, workflow
from parkos.core.models import Role, User
from parkos.core.selectors import working_calendar

from .. import engine
from ..models import (
    REFORM_OFFICE,
    ApprovalConfig,
    ItemInstance,
    ItemState,
    Problem,
    Project,
    Stage,
    StageInstance,
    Suspension,
)
from ..workflows import ITEM


# ---- clocks, lights and alerts -----------------------------------------------------------------------------------
def _light_text(light: str) -> str:
    return {engine.YELLOW: _("due soon"), engine.RED: _("overdue")}.get(light, light)


class _Recipients:
    """Who hears of a light: handlers, department heads, the approval office, the officer, the leaders."""

    def __init__(self, cfg):
        rows = User.objects.filter(is_active=True).values_list("pk", "role", "department_id")
        self.heads: dict[int, list[int]] = {}
        self.staff: dict[int, list[int]] = {}
        self.leaders: list[int] = []
        for pk, role, dept in rows:
            if role == Role.DEPT_ADMIN:
                self.heads.setdefault(dept, []).append(pk)
            elif role == Role.DEPT_STAFF:
                self.staff.setdefault(dept, []).append(pk)
            elif role == Role.LEADER:
                self.leaders.append(pk)
        self.office = [
            u
            for d in capabilities.department_ids(REFORM_OFFICE)
            for u in self.heads.get(d, []) + self.staff.get(d, [])
        ]

    def item(self, light, dept, handler, helper) -> set[int]:
        out = set(self.heads.get(dept, [])) | ({handler} if handler else set(self.staff.get(dept, [])))
        if light == engine.RED:
            out |= set(self.office) | ({helper} if helper else set())
        return out

    def stage(self, light, dept, helper) -> set[int]:
        out = set(self.heads.get(dept, []))
        if light == engine.RED:
            out |= set(self.office) | ({helper} if helper else set())
        return out

    def project(self, light, dept, helper) -> set[int]:
        out = set(self.heads.get(dept, [])) | ({helper} if helper else set())
        if light == engine.RED:
            out |= set(self.office) | set(self.leaders)
        return out


ALERT_KINDS = {  # the inbox kinds of the approvals' alerts (registered in apps.py)
    "item": "projects.item_light",
    "stage": "projects.stage_light",
    "project": "projects.project_light",
    "problem": "projects.problem_overdue",
}


def _alert(
    alerts: list,
    recipients: set[int],
    *,
    level: str,
    project_id: int,
    light: str,
    on,
    message: str,
    item_id=None,
    stage_id=None,
    problem_id=None,
) -> None:
    """One inbox notice of a change of light (or an overdue problem), about the record, linking to the board."""
    target: Any
    if level == "problem":
        target, url = Problem(pk=problem_id), reverse("projects:detail", args=[project_id])
    else:
        target = (
            ItemInstance(pk=item_id)
            if item_id
            else StageInstance(pk=stage_id)
            if stage_id
            else Project(pk=project_id)
        )
        url = reverse("projects:board", args=[project_id])
    alerts.append(
        notify.Message(
            kind=ALERT_KINDS[level],
            recipients=recipients,
            message=message,
            on=on,
            target=target,
            url=url,
            light=light,
        )
    )


def _save_alerts(alerts: list) -> None:
    notify.send_many(alerts)


@dataclass
class _Refresh:
    """What the refresh's steps share: the day, the settings, the calendar, the recipients, the alerts to send,
    the counts to report, and the projects asked for (None: all)."""

    today: dt.date
    cfg: Any  # the approvals section of the zone settings
    cal: Any
    who: _Recipients
    scope: Q
    project_ids: list[int] | None
    ratio: float
    minimum: int
    alerts: list = field(default_factory=list)
    counts: dict = field(
        default_factory=lambda: dict.fromkeys(
            ("deemed", "items", "stages", "projects", "alerts", "escalated"), 0
        )
    )


@transaction.atomic
def refresh(*, today: dt.date | None = None, project_ids: list[int] | None = None) -> dict[str, int]:
    """Recompute deadlines, elapsed and remaining working days and lights of every open item, stage and
    project (or of some projects); deem applications accepted after the notice window; escalate overdue
    problems; alert each change of light to yellow or red once. Five named steps in one transaction."""
    cfg = ApprovalConfig.get()
    run = _Refresh(
        today=today or timezone.localdate(),
        cfg=cfg,
        cal=working_calendar(),
        who=_Recipients(cfg),
        scope=Q(project_id__in=project_ids) if project_ids is not None else Q(),
        project_ids=project_ids,
        ratio=float(cfg.yellow_ratio),
        minimum=cfg.yellow_min_wd,
    )
    _refresh_deem_accepted(run)
    _refresh_items(run)
    srows = _refresh_stages(run)
    _refresh_projects(run, srows)
    _refresh_problems(run)
    _save_alerts(run.alerts)
    run.counts["alerts"] = len(run.alerts)
    return run.counts


def _refresh_deem_accepted(run: _Refresh) -> None:
    """Refresh step 1: Applications left without a correction notice past the window count as accepted on receipt."""
    today, cfg, cal, counts, scope = run.today, run.cfg, run.cal, run.counts, run.scope
    waiting = list(
        ItemInstance.objects.filter(scope, state=ItemState.SUBMITTED, received_on__isnull=False).values_list(
            "pk", "received_on"
        )
    )
    if waiting:
        ids = np.array([w[0] for w in waiting])
        received = np.array([w[1] for w in waiting], dtype="datetime64[D]")
        window_end = cal.add_working_days(received, cfg.deem_accept_wd)
        due = ids[window_end < np.datetime64(today)]
        note = _("No correction notice within %(n)s working days: accepted as of receipt.") % {
            "n": cfg.deem_accept_wd
        }
        for pk in due.tolist():
            item = ItemInstance.objects.select_related("stage").get(pk=pk)

            def effects(t, item=item) -> None:
                from .approvals import _stage_starts  # (approvals calls refresh after each step)

                item.accepted_on = item.clock_start = item.received_on
                _stage_starts(item, item.received_on)

            workflow.transition(ITEM, item, "deem_accept", user=None, on=today, note=note, effects=effects)
        counts["deemed"] = int(due.size)


def _refresh_items(run: _Refresh) -> None:
    """Refresh step 2: Items: open clocks, plus the finished ones of the projects asked for."""
    today, cal, who, alerts, counts, scope, project_ids, ratio, minimum = (
        run.today,
        run.cal,
        run.who,
        run.alerts,
        run.counts,
        run.scope,
        run.project_ids,
        run.ratio,
        run.minimum,
    )
    live = Q(state__in=engine.ITEM_CLOCK_RUNNING)
    if project_ids is not None:
        live |= Q(project_id__in=project_ids, clock_start__isnull=False)
    rows = list(
        ItemInstance.objects.filter(scope, live, clock_start__isnull=False).values_list(
            "pk",
            "project_id",
            "clock_start",
            "promised_limit_wd",
            "extension_wd",
            "state",
            "completed_on",
            "light",
            "department_id",
            "handler_id",
            "project__helper_id",
            "deadline",
            "original_deadline",
            "elapsed_wd",
            "remaining_wd",
            "suspended_wd",
            "item__name",
            "project__name",
        )
    )
    if rows:
        cols = list(zip(*rows, strict=True))
        ids = np.array(cols[0])
        start = np.array(cols[2], dtype="datetime64[D]")
        promised = np.array(cols[3], dtype=np.int64)
        limit = promised + np.array(cols[4], dtype=np.int64)
        state = np.array(cols[5], dtype=object)
        finished = np.array([c is not None for c in cols[6]])
        done_on = np.array([c or today for c in cols[6]], dtype="datetime64[D]")
        paused = np.isin(state, list(engine.ITEM_PAUSED))
        done = ~np.isin(state, list(engine.ITEM_CLOCK_RUNNING))
        until = np.where(finished & done, done_on, np.datetime64(today))
        susp = list(
            Suspension.objects.filter(item_id__in=ids.tolist()).values_list("item_id", "start", "end")
        )
        pos = {int(pk): i for i, pk in enumerate(ids.tolist())}
        s_owner = [pos[s[0]] for s in susp]
        s_start = np.array([s[1] for s in susp], dtype="datetime64[D]")
        s_end = np.array([s[2] if s[2] else "NaT" for s in susp], dtype="datetime64[D]")
        days = cal.days_covering(start.min(), max(start.max(), np.datetime64(today)), margin_years=2)
        c = engine.clocks(days, start, limit, until, s_owner, s_start, s_end)
        original = engine.clocks(days, start, promised, until, s_owner, s_start, s_end).deadline
        light = engine.lights(
            c.remaining, limit, c.deadline, today, paused=paused, done=done, ratio=ratio, minimum=minimum
        )
        ended = np.isin(state, ["returned", "withdrawn", "rejected", "revoked"])
        light = np.where(ended, "", light)  # an application that ended without a decision shows no light
        changed = []
        for i, r in enumerate(rows):
            dl = None if np.isnat(c.deadline[i]) else c.deadline[i].astype(dt.date)
            odl = None if np.isnat(original[i]) else original[i].astype(dt.date)
            new = (dl, odl, int(c.elapsed[i]), int(c.remaining[i]), int(c.suspended[i]), str(light[i]))
            if new != (r[11], r[12], r[13], r[14], r[15], r[7]):
                changed.append(
                    ItemInstance(
                        pk=r[0],
                        deadline=dl,
                        original_deadline=odl,
                        elapsed_wd=new[2],
                        remaining_wd=new[3],
                        suspended_wd=new[4],
                        light=new[5],
                    )
                )
            if new[5] != r[7] and new[5] in {engine.YELLOW, engine.RED}:
                _alert(
                    alerts,
                    who.item(new[5], r[8], r[9], r[10]),
                    project_id=r[1],
                    level="item",
                    item_id=r[0],
                    light=new[5],
                    on=today,
                    message=f"{r[17]} · {r[16]}: {_light_text(new[5])}",
                )
        ItemInstance.objects.bulk_update(
            changed,
            ["deadline", "original_deadline", "elapsed_wd", "remaining_wd", "suspended_wd", "light"],
            500,
        )
        counts["items"] = len(changed)


def _refresh_stages(run: _Refresh) -> list:
    """Refresh step 3: Stages: clock from the stage's acceptance, suspended while any of its items is."""
    today, cal, who, alerts, counts, scope, project_ids, ratio, minimum = (
        run.today,
        run.cal,
        run.who,
        run.alerts,
        run.counts,
        run.scope,
        run.project_ids,
        run.ratio,
        run.minimum,
    )
    srows = list(
        StageInstance.objects.filter(scope, accepted_on__isnull=False)
        .filter(Q(state=StageInstance.State.ACTIVE) | Q(project_id__in=project_ids or []))
        .values_list(
            "pk",
            "project_id",
            "accepted_on",
            "limit_wd",
            "completed_on",
            "light",
            "lead_department_id",
            "project__helper_id",
            "stage",
            "project__name",
            "deadline",
            "elapsed_wd",
            "remaining_wd",
        )
    )
    if srows:
        cols = list(zip(*srows, strict=True))
        sids = np.array(cols[0])
        start = np.array(cols[2], dtype="datetime64[D]")
        limit = np.array(cols[3], dtype=np.int64)
        done = np.array([c is not None for c in cols[4]])
        until = np.array([c or today for c in cols[4]], dtype="datetime64[D]")
        susp = list(
            Suspension.objects.filter(item__stage_id__in=sids.tolist()).values_list(
                "item__stage_id", "start", "end"
            )
        )
        pos = {int(pk): i for i, pk in enumerate(sids.tolist())}
        open_now = {s[0] for s in susp if s[1] <= today and (s[2] is None or s[2] >= today)}
        paused = np.array([pk in open_now for pk in sids.tolist()])
        days = cal.days_covering(start.min(), max(start.max(), np.datetime64(today)), margin_years=2)
        c = engine.clocks(
            days,
            start,
            limit,
            until,
            [pos[s[0]] for s in susp],
            np.array([s[1] for s in susp], dtype="datetime64[D]"),
            np.array([s[2] if s[2] else "NaT" for s in susp], dtype="datetime64[D]"),
        )
        light = engine.lights(
            c.remaining, limit, c.deadline, today, paused=paused, done=done, ratio=ratio, minimum=minimum
        )
        changed = []
        for i, r in enumerate(srows):
            dl = None if np.isnat(c.deadline[i]) else c.deadline[i].astype(dt.date)
            new = (dl, int(c.elapsed[i]), int(c.remaining[i]), str(light[i]))
            if new != (r[10], r[11], r[12], r[5]):
                changed.append(
                    StageInstance(pk=r[0], deadline=dl, elapsed_wd=new[1], remaining_wd=new[2], light=new[3])
                )
            if new[3] != r[5] and new[3] in {engine.YELLOW, engine.RED}:
                _alert(
                    alerts,
                    who.stage(new[3], r[6], r[7]),
                    project_id=r[1],
                    level="stage",
                    stage_id=r[0],
                    light=new[3],
                    on=today,
                    message=f"{r[9]} · {Stage(r[8]).label}: {_light_text(new[3])}",
                )
        StageInstance.objects.bulk_update(changed, ["deadline", "elapsed_wd", "remaining_wd", "light"], 500)
        counts["stages"] = len(changed)
    return srows


def _refresh_projects(run: _Refresh, srows: list) -> None:
    """Refresh step 4: Projects: government working days are the sum of the stages' (time between stages is the applicant's)."""
    today, who, alerts, counts, ratio, minimum = (
        run.today,
        run.who,
        run.alerts,
        run.counts,
        run.ratio,
        run.minimum,
    )
    touched = set(r[1] for r in srows) if srows else set()
    if touched:
        totals: dict[int, int] = {}
        for pid, elapsed in StageInstance.objects.filter(project_id__in=touched).values_list(
            "project_id", "elapsed_wd"
        ):
            totals[pid] = totals.get(pid, 0) + elapsed
        prow = list(
            Project.objects.filter(pk__in=touched, total_limit_wd__isnull=False).values_list(
                "pk",
                "total_limit_wd",
                "approval_light",
                "lead_department_id",
                "helper_id",
                "name",
                "approval_elapsed_wd",
            )
        )
        if prow:
            limit = np.array([p[1] for p in prow], dtype=np.int64)
            elapsed = np.array([totals.get(p[0], 0) for p in prow], dtype=np.int64)
            all_done = set(
                Project.objects.filter(pk__in=touched)
                .exclude(stages__state__in=["waiting", "active"])
                .values_list("pk", flat=True)
            )
            done = np.array([p[0] in all_done for p in prow])
            light = engine.lights(
                limit - elapsed,
                limit,
                np.full(len(prow), "NaT", dtype="datetime64[D]"),
                today,
                done=done,
                ratio=ratio,
                minimum=minimum,
            )
            moved = []
            for i, p in enumerate(prow):
                if (p[2], p[6]) != (str(light[i]), int(elapsed[i])):
                    moved.append(
                        Project(pk=p[0], approval_light=str(light[i]), approval_elapsed_wd=int(elapsed[i]))
                    )
                if p[2] != str(light[i]) and str(light[i]) in {engine.YELLOW, engine.RED}:
                    _alert(
                        alerts,
                        who.project(str(light[i]), p[3], p[4]),
                        project_id=p[0],
                        level="project",
                        light=str(light[i]),
                        on=today,
                        message=_("%(project)s: whole approval %(light)s")
                        % {"project": p[5], "light": _light_text(str(light[i]))},
                    )

            Project.objects.bulk_update(moved, ["approval_light", "approval_elapsed_wd"], 500)
            counts["projects"] = len(moved)


def _refresh_problems(run: _Refresh) -> None:
    """Refresh step 5: Problems past their due date go to the leaders, once."""
    today, who, alerts, counts, scope = run.today, run.who, run.alerts, run.counts, run.scope
    overdue = list(
        Problem.objects.filter(
            scope, state=Problem.State.OPEN, due_on__lt=today, escalated_on__isnull=True
        ).values_list("pk", "project_id", "owner_id", "description", "project__name")
    )
    for pk, pid, owner, desc, pname in overdue:
        _alert(
            alerts,
            set(who.leaders) | set(who.heads.get(owner, [])),
            project_id=pid,
            level="problem",
            problem_id=pk,
            light=engine.RED,
            on=today,
            message=_("%(project)s: problem overdue · %(problem)s")
            % {"project": pname, "problem": desc[:80]},
        )
    if overdue:
        Problem.objects.filter(pk__in=[o[0] for o in overdue]).update(escalated_on=today)
    counts["escalated"] = len(overdue)

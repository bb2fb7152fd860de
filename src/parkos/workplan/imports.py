"""督查台账: the ledger of a plan's tasks as .xlsx, exported with progress and status, and imported back to assign
lead and co-departments, deadlines and responsible officials in bulk. 进展情况 and 完成状态 are the system's
(computed from the departments' reports) and are not read back."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _

from parkos.core.excel import CellError, Column, ParsedSheet, RowError, Schema, date_cell, text, year_cell
from parkos.core.imports import Importer, register
from parkos.core.models import Department, audited

from .models import Plan, Task

_SEP = re.compile(r"[、，,；;/\s]+")
_MONTH_END = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:底|末|份)?$")
_ONGOING = {"长期", "长期坚持", "持续推进", "全年", "常态化"}


def deadline_cell(v: Any) -> dt.date | None:
    """A date, or 2020年6月底 / 6月底 (the month's last day; the year from the 年度 column), or 长期 (none)."""
    if isinstance(v, dt.date):
        return date_cell(v)
    s = text(v).replace(" ", "")
    if not s or s in _ONGOING:
        return None
    if s in {"年底", "年末"}:
        return dt.date(1, 12, 31)  # year filled in by the importer
    m = _MONTH_END.match(s)
    if m:
        year, month = int(m[1] or 1), int(m[2])
        if not 1 <= month <= 12:
            raise CellError(_("“%(value)s” is not a month") % {"value": s})
        return dt.date(year, month, calendar.monthrange(year if year > 1 else 2001, month)[1])
    return date_cell(s)


LEDGER_SCHEMA = Schema(
    kind="workplan-ledger",
    title="督查台账",
    columns=[
        Column("seq", "序号", text, required=True, width=10),
        Column("label", "编号", text, width=14, help="文件中的编号（一、（一）1.），导入时不读取"),
        Column("point", "工作要点", text, width=30),
        Column("task", "具体任务", text, width=60),
        Column("lead", "牵头单位", text, width=16),
        Column("co", "配合单位", text, width=24, help="多个单位用顿号分隔"),
        Column("deadline", "完成时限", deadline_cell, width=14, help="2020-06-30、2020年6月底 或 长期"),
        Column("progress", "进展情况", text, width=40, help="系统根据部门报送生成，导入时不读取"),
        Column("status", "完成状态", text, width=10, help="系统计算，导入时不读取"),
        Column("responsible", "责任领导", text, width=12),
        Column("year", "年度", year_cell, width=8, help="不填则为最近的年度计划"),
    ],
)


class LedgerImporter(Importer):
    schema = LEDGER_SCHEMA
    permission = "change"

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, Any]:
        from .models import is_supervisor

        h = sheet.headers
        if not is_supervisor(user):
            sheet.errors.append(
                RowError(1, h.get("seq", "序号"), _("only the supervision office assigns tasks"))
            )
            return {}
        self.duplicates(sheet, ("year", "seq"), h["seq"])
        plans = {p.year: p.pk for p in Plan.objects.all()}
        latest = max(plans) if plans else None
        depts: dict[str, int] = {}
        for pk, name, code in Department.objects.values_list("pk", "name", "code"):
            depts[name] = depts[code] = pk
        tasks: dict[tuple[int, str], int] = {}
        for pk, plan_id, seq in Task.objects.filter(plan_id__in=plans.values()).values_list(
            "pk", "plan_id", "seq"
        ):
            tasks[(plan_id, seq)] = pk
        for r in sheet.rows:
            year = r.get("year") or latest
            if year not in plans:
                sheet.errors.append(RowError(r["_row"], h.get("year", "年度"), _("no plan for this year")))
                continue
            r["year"], r["plan_id"] = year, plans[year]
            if (plans[year], r.get("seq")) not in tasks:
                sheet.errors.append(RowError(r["_row"], h["seq"], _("no task with this number in the plan")))
            else:
                r["task_id"] = tasks[(plans[year], r["seq"])]
            if r.get("lead"):
                if r["lead"] not in depts:
                    sheet.errors.append(
                        RowError(
                            r["_row"], h["lead"], _("unknown department “%(name)s”") % {"name": r["lead"]}
                        )
                    )
                else:
                    r["lead_id"] = depts[r["lead"]]
            co = [c for c in _SEP.split(r.get("co") or "") if c]
            unknown = [c for c in co if c not in depts]
            if unknown:
                sheet.errors.append(
                    RowError(r["_row"], h["co"], _("unknown department “%(name)s”") % {"name": unknown[0]})
                )
            r["co_ids"] = sorted({depts[c] for c in co if c in depts} - {r.get("lead_id")})
            d = r.get("deadline")
            if d is not None and d.year == 1:
                r["deadline"] = d.replace(year=year)
        return {}

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        from .services import refresh

        tasks = {
            t.pk: t
            for t in Task.objects.filter(pk__in=[r["task_id"] for r in rows]).prefetch_related(
                "co_departments"
            )
        }
        changed = 0
        through = Task.co_departments.through
        for i, r in enumerate(rows):
            t = tasks[r["task_id"]]
            new = (r.get("lead_id"), r.get("deadline"), (r.get("responsible") or "")[:60])
            co = sorted(d.pk for d in t.co_departments.all())
            if new == (t.lead_id, t.deadline, t.responsible) and co == r["co_ids"]:
                continue
            t.lead_id, t.deadline, t.responsible = new
            t.version += 1
            audited(t, user)
            t.save()
            through.objects.filter(task_id=t.pk).delete()
            through.objects.bulk_create([through(task_id=t.pk, department_id=d) for d in r["co_ids"]])
            changed += 1
            if i % 50 == 0:
                progress("write", i, len(rows))
        refresh(task_ids=list(tasks))
        return 0, changed

    def records(self, *, user):
        from .selectors import ledger_records

        for plan in Plan.objects.order_by("year"):
            yield from ledger_records(user=user, plan=plan)


register(LedgerImporter())

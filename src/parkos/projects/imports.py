"""项目月报: the monthly report template, one row per project and month, validated like every import."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.bulk import bulk_write, changed_fields
from parkos.core.excel import Column, ParsedSheet, RowError, Schema, decimal_parser, month_cell, text
from parkos.core.imports import Importer, register

from .models import MonthlyReport, Project

money = decimal_parser(2)

MONTHLY_SCHEMA = Schema(
    kind="project-monthly",
    title="重点项目月报",
    columns=[
        Column("code", "项目代码", text, required=True, aliases=("投资项目代码",), width=26),
        Column("name", "项目名称", text, width=30),
        Column("month", "月份", month_cell, required=True, fmt=lambda d: d.strftime("%Y-%m"), help="2026-03"),
        Column("investment", "当月完成投资(万元)", money, required=True),
        Column("funds", "当月到位资金(万元)", money, required=True),
        Column("fai", "统计入库投资(万元)", money),
        Column("capital", "资本金到位(万元)", money),
        Column("output_value", "当月产值(万元)", money),
        Column("progress", "形象进度", text, width=40),
        Column("problems", "存在问题", text, width=40),
    ],
)
FIELDS = ["investment", "funds", "fai", "capital", "output_value", "progress", "problems"]
AMOUNTS_OR_NONE = {"fai", "capital", "output_value"}  # an empty cell is no figure, not 0


class MonthlyReportImporter(Importer):
    schema = MONTHLY_SCHEMA

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, Any]:
        h = sheet.headers
        self.duplicates(sheet, ("code", "month"), h["month"])
        codes = {r["code"] for r in sheet.rows if r.get("code")}
        known = dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))
        allowed = set(
            Project.objects.restrict(user, "change").filter(code__in=codes).values_list("code", flat=True)
        )
        this_month = timezone.localdate().replace(day=1)
        for r in sheet.rows:
            code = r.get("code")
            if code and code not in known:
                sheet.errors.append(
                    RowError(r["_row"], h["code"], _("no project with this code in the library"))
                )
            elif code and code not in allowed:
                sheet.errors.append(RowError(r["_row"], h["code"], _("you may not report for this project")))
            if r.get("month") and r["month"] > this_month:
                sheet.errors.append(RowError(r["_row"], h["month"], _("this month has not begun")))
        return known

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        ids: dict[str, int] = ctx
        existing = {
            (r.project_id, r.month): r
            for r in MonthlyReport.objects.filter(
                project_id__in={ids[r["code"]] for r in rows}, month__in={r["month"] for r in rows}
            )
        }
        creates, updates = [], []
        for r in rows:
            pid, month = ids[r["code"]], r["month"]
            data = {
                k: r.get(k) if r.get(k) is not None else (None if k in AMOUNTS_OR_NONE else "")
                for k in FIELDS
            }
            obj = existing.get((pid, month))
            if obj is None:
                now = timezone.now()
                creates.append(
                    {
                        "project_id": pid,
                        "month": month,
                        **data,
                        "submitted_by_id": user.pk,
                        "created_at": now,
                        "updated_at": now,
                        "version": 1,
                    }
                )
            elif changed := changed_fields(obj, data, FIELDS):
                for k in changed:
                    setattr(obj, k, data[k])
                obj.version += 1
                updates.append(obj)
        bulk_write(MonthlyReport, creates, updates, FIELDS, user=user, progress=progress)
        return len(creates), len(updates)

    def records(self, *, user):
        for r in (
            MonthlyReport.objects.restrict(user, "export")
            .select_related("project")
            .order_by("project__code", "month")
        ):
            yield {
                "code": r.project.code,
                "name": r.project.name,
                "month": r.month,
                **{k: getattr(r, k) for k in FIELDS},
            }


register(MonthlyReportImporter())

"""Credit feeds in (.xlsx, validated as a whole before anything is written): the SAMR risk classes pushed by the
公示系统, sector grades, and credit records (双公示 decisions, list entries, commitments). After each import the
effective classes of the enterprises it touched are recomputed."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import workflow
from parkos.core.excel import Column, ParsedSheet, RowError, Schema, choice_parser, date_cell, text, uscc
from parkos.core.exceptions import Forbidden
from parkos.core.imports import Importer, register
from parkos.core.models import Department
from parkos.enterprises.models import Enterprise

from . import engine
from .models import (
    DISCREDIT_KINDS,
    CreditRecord,
    RecordKind,
    RecordStatus,
    RiskClass,
    SamrClass,
    SectorGrade,
    SectorScheme,
    Severity,
    runs_credit,
)


def _office_only(user) -> None:
    if not runs_credit(user):
        raise Forbidden(_("Only the credit office imports the credit feeds."))


def _enterprises(sheet: ParsedSheet) -> dict[str, int]:
    """The registry's ids of the file's USCCs; a USCC the registry lacks is an error on its row."""
    codes = {r.get("uscc") for r in sheet.rows} - {None}
    ids = dict(Enterprise.objects.filter(uscc__in=codes).values_list("uscc", "pk"))
    for r in sheet.rows:
        if r.get("uscc") and r["uscc"] not in ids:
            sheet.errors.append(
                RowError(r["_row"], sheet.headers["uscc"], _("no enterprise with this USCC in the registry"))
            )
    return ids


def _refresh(ids) -> None:
    from .services import profiles_refresh

    profiles_refresh(enterprise_ids=ids)


CLASS_SCHEMA = Schema(
    kind="credit-classes",
    title="企业信用风险分类",
    columns=[
        Column("uscc", "统一社会信用代码", uscc, required=True, width=22),
        Column("cls", "风险分类", choice_parser(RiskClass.choices), required=True, help="A、B、C、D"),
        Column("as_of", "分类日期", date_cell, required=True),
        Column("source", "来源", text, width=24),
    ],
)


class ClassImporter(Importer):
    schema = CLASS_SCHEMA

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, int]:
        _office_only(user)
        self.duplicates(sheet, ("uscc", "as_of"), sheet.headers["uscc"])
        return _enterprises(sheet)

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        existing = {
            (o.enterprise_id, o.as_of): o
            for o in SamrClass.objects.filter(
                enterprise_id__in=set(ctx.values()), as_of__in={r["as_of"] for r in rows}
            )
        }
        creates, updates = [], []
        for r in rows:
            o = existing.get((ctx[r["uscc"]], r["as_of"]))
            source = r.get("source") or "国家企业信用信息公示系统"
            if o is None:
                creates.append(
                    SamrClass(enterprise_id=ctx[r["uscc"]], cls=r["cls"], as_of=r["as_of"], source=source)
                )
            elif (o.cls, o.source) != (r["cls"], source):
                o.cls, o.source = r["cls"], source
                updates.append(o)
        SamrClass.objects.bulk_create(creates, batch_size=2000)
        SamrClass.objects.bulk_update(updates, ["cls", "source"], batch_size=2000)
        _refresh(set(ctx.values()))
        return len(creates), len(updates)

    def records(self, *, user):
        for e in (
            SamrClass.objects.restrict(user, "export")
            .order_by("enterprise__uscc", "as_of")
            .values("enterprise__uscc", "cls", "as_of", "source")
        ):
            yield {"uscc": e["enterprise__uscc"], "cls": e["cls"], "as_of": e["as_of"], "source": e["source"]}


GRADE_SCHEMA = Schema(
    kind="credit-grades",
    title="行业信用评价",
    columns=[
        Column("uscc", "统一社会信用代码", uscc, required=True, width=22),
        Column("scheme", "行业", choice_parser(SectorScheme.choices), required=True, width=20),
        Column("grade", "等级", text, required=True),
        Column("as_of", "评价日期", date_cell, required=True),
        Column("source", "来源", text, width=24),
    ],
)


class GradeImporter(Importer):
    schema = GRADE_SCHEMA

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, int]:
        _office_only(user)
        self.duplicates(sheet, ("uscc", "scheme", "as_of"), sheet.headers["uscc"])
        for r in sheet.rows:
            grades = engine.SECTOR_SCHEMES.get(r.get("scheme") or "", {})
            if r.get("scheme") and r.get("grade") not in grades:
                sheet.errors.append(
                    RowError(
                        r["_row"],
                        sheet.headers["grade"],
                        _("“%(value)s” is not one of: %(choices)s")
                        % {"value": r.get("grade"), "choices": "、".join(grades)},
                    )
                )
        return _enterprises(sheet)

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        existing = {
            (o.enterprise_id, o.scheme, o.as_of): o
            for o in SectorGrade.objects.filter(
                enterprise_id__in=set(ctx.values()), as_of__in={r["as_of"] for r in rows}
            )
        }
        creates, updates = [], []
        for r in rows:
            o = existing.get((ctx[r["uscc"]], r["scheme"], r["as_of"]))
            if o is None:
                creates.append(
                    SectorGrade(
                        enterprise_id=ctx[r["uscc"]],
                        scheme=r["scheme"],
                        grade=r["grade"],
                        as_of=r["as_of"],
                        source=r.get("source") or "",
                    )
                )
            elif o.grade != r["grade"]:
                o.grade = r["grade"]
                updates.append(o)
        SectorGrade.objects.bulk_create(creates, batch_size=2000)
        SectorGrade.objects.bulk_update(updates, ["grade"], batch_size=2000)
        _refresh(set(ctx.values()))
        return len(creates), len(updates)


RECORD_SCHEMA = Schema(
    kind="credit-records",
    title="信用记录",
    columns=[
        Column("uscc", "统一社会信用代码", uscc, required=True, width=22),
        Column("kind", "类别", choice_parser(RecordKind.choices), required=True, width=24),
        Column(
            "severity", "严重程度", choice_parser(Severity.choices), help="失信记录必填：轻微、一般、严重"
        ),
        Column("title", "事项", text, required=True, width=30),
        Column("document_no", "文书号", text, width=24),
        Column("department", "认定部门", text, required=True, width=18),
        Column("decided_on", "认定日期", date_cell, required=True),
        Column("published_on", "公示日期", date_cell),
    ],
)


class RecordImporter(Importer):
    schema = RECORD_SCHEMA

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, Any]:
        h = sheet.headers
        depts = {d.name: d for d in Department.objects.all()} | {d.code: d for d in Department.objects.all()}
        today = timezone.localdate()
        for r in sheet.rows:
            d = depts.get(r.get("department") or "")
            if d is None:
                sheet.errors.append(RowError(r["_row"], h["department"], _("no department of this name")))
            elif not runs_credit(user) and d.pk != user.department_id:
                sheet.errors.append(
                    RowError(
                        r["_row"],
                        h["department"],
                        _("only the deciding department or the credit office records this"),
                    )
                )
            r["department_id"] = d.pk if d else None
            if r.get("kind") in DISCREDIT_KINDS and not r.get("severity"):
                sheet.errors.append(
                    RowError(
                        r["_row"], h.get("severity", "严重程度"), _("a discredit record needs its severity")
                    )
                )
            if r.get("decided_on") and r["decided_on"] > today:
                sheet.errors.append(RowError(r["_row"], h["decided_on"], _("the date is in the future")))
            if r.get("published_on") and r.get("decided_on") and r["published_on"] < r["decided_on"]:
                sheet.errors.append(
                    RowError(r["_row"], h["published_on"], _("published before the decision"))
                )
        self.duplicates(sheet, ("uscc", "kind", "title", "decided_on"), h["title"])
        ids = _enterprises(sheet)
        known = set(
            CreditRecord.objects.filter(enterprise_id__in=set(ids.values())).values_list(
                "enterprise__uscc", "kind", "title", "decided_on"
            )
        )
        for r in sheet.rows:
            if (r.get("uscc"), r.get("kind"), r.get("title"), r.get("decided_on")) in known:
                sheet.errors.append(RowError(r["_row"], h["title"], _("this record is already in ParkOS")))
        return ids

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        from .services.records import windows_of
        from .workflows import RECORD

        objs = []
        for r in rows:
            discredit = r["kind"] in DISCREDIT_KINDS
            o = CreditRecord(
                enterprise_id=ctx[r["uscc"]],
                kind=r["kind"],
                severity=(r.get("severity") or "") if discredit else "",
                title=r["title"],
                document_no=r.get("document_no") or "",
                department_id=r["department_id"],
                decided_on=r["decided_on"],
                published_on=r.get("published_on"),
                status=RecordStatus.PUBLISHED if discredit else RecordStatus.RECORDED,
                source="import",
            )
            windows_of(o)
            objs.append(o)
        CreditRecord.objects.bulk_create(
            objs, batch_size=2000
        )  # the ids come back (PostgreSQL, SQLite ≥ 3.35)
        workflow.record_many(RECORD, objs, "create", user=user, on=timezone.localdate(), frm="")
        _refresh(set(ctx.values()))
        return len(objs), 0

    def records(self, *, user):
        for o in (
            CreditRecord.objects.restrict(user, "export")
            .select_related("enterprise", "department")
            .order_by("pk")
        ):
            yield {
                "uscc": o.enterprise.uscc,
                "kind": o.kind,
                "severity": o.severity,
                "title": o.title,
                "document_no": o.document_no,
                "department": o.department.name if o.department else "",
                "decided_on": o.decided_on,
                "published_on": o.published_on,
            }


register(ClassImporter())
register(GradeImporter())
register(RecordImporter())

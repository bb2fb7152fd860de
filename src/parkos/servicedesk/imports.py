"""12345 hotline exports in: one request per row (工单编号, kept as the request's ticket, keeps re-imports from
entering a ticket twice), the
enterprise found by USCC or exact name, the category by name; validated as a whole before anything is written."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from parkos.core.excel import Column, ParsedSheet, RowError, Schema, date_cell, text
from parkos.core.imports import Importer, register
from parkos.enterprises.models import Enterprise

from .models import Category, Channel, Request

HOTLINE_SCHEMA = Schema(
    kind="hotline-requests",
    title="12345热线工单",
    columns=[
        Column("ticket", "工单编号", text, required=True, width=20),
        Column("received_on", "来电日期", date_cell, required=True, fmt=lambda d: d.isoformat()),
        Column("enterprise", "企业名称", text, required=True, aliases=("诉求企业",), width=30),
        Column("uscc", "统一社会信用代码", text, width=22),
        Column(
            "category", "诉求类别", text, required=True, aliases=("类别",), allowed=lambda: _category_names()
        ),
        Column("title", "诉求标题", text, required=True, aliases=("标题",), width=30),
        Column("text", "诉求内容", text, required=True, aliases=("内容",), width=50),
        Column("contact", "联系人", text),
    ],
)


def _category_names() -> list[str]:
    return list(Category.objects.order_by("order", "pk").values_list("name", flat=True))


class HotlineImporter(Importer):
    schema = HOTLINE_SCHEMA
    permission = "change"

    def check(self, sheet: ParsedSheet, *, user) -> dict[str, Any]:
        from .models import is_service_centre

        h = sheet.headers
        if not is_service_centre(user):
            sheet.errors.append(RowError(1, "", _("Only the service centre imports hotline tickets.")))
            return {}
        self.duplicates(sheet, ("ticket",), h["ticket"])
        cats = {c.name: c for c in Category.objects.all()} | {c.code: c for c in Category.objects.all()}
        usccs = {r.get("uscc") for r in sheet.rows if r.get("uscc")}
        names = {r.get("enterprise") for r in sheet.rows}
        by_uscc = dict(Enterprise.objects.filter(uscc__in=usccs).values_list("uscc", "pk"))
        by_name = dict(Enterprise.objects.filter(name__in=names).values_list("name", "pk"))
        tickets = {r.get("ticket") for r in sheet.rows}
        seen_tickets = set(
            Request.objects.filter(external_ref__in=tickets).values_list("external_ref", flat=True)
        )
        for r in sheet.rows:
            row = r["_row"]
            r["enterprise_id"] = by_uscc.get(r.get("uscc") or "") or by_name.get(r.get("enterprise"))
            if r["enterprise_id"] is None:
                sheet.errors.append(
                    RowError(
                        row, h["enterprise"], _("no such enterprise in the registry (by USCC or exact name)")
                    )
                )
            r["category_obj"] = cats.get(r.get("category") or "")
            if r["category_obj"] is None:
                sheet.errors.append(
                    RowError(row, h["category"], _("no request category “%(v)s”") % {"v": r.get("category")})
                )
            if r.get("ticket") in seen_tickets:
                sheet.errors.append(RowError(row, h["ticket"], _("this ticket was imported before")))
        return {}

    def write(self, rows, *, user, progress, ctx) -> tuple[int, int]:
        from .services import request_submit

        for i, r in enumerate(rows):
            request_submit(
                user=user,
                enterprise_id=r["enterprise_id"],
                category_id=r["category_obj"].pk,
                title=r["title"],
                text=r["text"],
                external_ref=r["ticket"],
                channel=Channel.HOTLINE,
                contact=r.get("contact") or "",
                on=r["received_on"],
            )
            progress("write", i + 1, len(rows))
        return len(rows), 0


register(HotlineImporter())

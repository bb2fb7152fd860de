"""督查通报 as .docx (python-docx): the month's figures, the department ranking, the late list and the
leaders' instructions with the answers."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from .models import Status


def _table(doc, head: list[str], rows: list[list[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, h in zip(table.rows[0].cells, head, strict=True):
        cell.text = h
    for row in rows:
        cells = table.add_row().cells
        for cell, v in zip(cells, row, strict=True):
            cell.text = "" if v is None else str(v)


def bulletin_docx(data: dict[str, Any]) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    month = data["month"]
    title = doc.add_heading(f"督查通报（{month.year}年{month.month}月）", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    c = data["counts"]
    doc.add_paragraph(f"督查事项：{data['plan'].title}。统计截至 {data['today']:%Y年%m月%d日}。")
    doc.add_paragraph(
        f"共 {c['total']} 项任务：已完成 {c[Status.DONE]} 项，推进中 {c[Status.IN_PROGRESS]} 项，"
        f"滞后 {c[Status.LAGGING]} 项，逾期 {c[Status.OVERDUE]} 项，未开始 {c[Status.NOT_STARTED]} 项；"
        f"完成率 {data['completion_rate'] if data['completion_rate'] is not None else '—'}%，"
        f"滞后逾期率 {data['late_rate'] if data['late_rate'] is not None else '—'}%。"
        f"本月有 {data['reported_tasks']} 项任务报送了进展。"
    )
    doc.add_heading("一、牵头单位完成情况排名", level=2)
    _table(
        doc,
        ["排名", "牵头单位", "牵头任务", "已完成", "滞后", "逾期", "完成率(%)", "滞后逾期率(%)"],
        [
            [
                r["rank"],
                r["department"],
                r["led"],
                r["done"],
                r["lagging"],
                r["overdue"],
                r["completion_rate"],
                r["late_rate"],
            ]
            for r in data["ranking"]
        ],
    )
    doc.add_heading("二、滞后和逾期任务", level=2)
    labels = dict(Status.choices)
    if data["late"]:
        _table(
            doc,
            ["序号", "具体任务", "牵头单位", "完成时限", "进度(%)", "状态"],
            [
                [
                    t.seq,
                    t.text,
                    t.lead.name if t.lead else "",
                    t.deadline or "",
                    t.percent,
                    str(labels[t.status]),
                ]
                for t in data["late"]
            ],
        )
    else:
        doc.add_paragraph("无。")
    doc.add_heading("三、领导批示及办理情况", level=2)
    if data["instructions"]:
        for ins in data["instructions"]:
            p = doc.add_paragraph(style="List Number")
            p.add_run(f"{ins.task.seq} {ins.task.text[:40]}：").bold = True
            p.add_run(f"{ins.leader or ''}批示（{ins.on:%m月%d日}）：{ins.text}")
            doc.add_paragraph(
                f"办理情况：{ins.answer}（{ins.answered_on:%m月%d日}）"
                if ins.answered_on
                else "办理情况：尚未答复。"
            )
    else:
        doc.add_paragraph("本月无领导批示。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()

"""督查通报 as a 公文 (.docx in the GB/T 9704-2012 layout, `core.documents`): the month's figures, the department
ranking, the late list and the leaders' instructions with the answers."""

from __future__ import annotations

from typing import Any

from parkos.core.documents import OfficialDocument

from .models import Status

_NUMERALS = "一二三四五六七八九十"


def bulletin_docx(data: dict[str, Any], config: Any) -> bytes:
    """The month's 督查通报 as a 公文: numbered by its month (one a month, so a second download is the same
    document), sent, copied and printed as the zone's supervision settings say."""
    month, plan, c = data["month"], data["plan"], data["counts"]
    doc = OfficialDocument(
        issuer=config.issuer,
        number=f"{config.number_prefix}〔{month.year}〕{month.month}号",
        title=f"关于{month.year}年{month.month}月{plan.title}督查情况的通报",
        addressee=f"{config.addressee}：",
    )
    done_rate = data["completion_rate"] if data["completion_rate"] is not None else "—"
    late_rate = data["late_rate"] if data["late_rate"] is not None else "—"
    doc.paragraph(f"根据{plan.title}督查安排，现将截至{data['today']:%Y年%m月%d日}的推进情况通报如下。")
    doc.heading("一、总体情况")
    doc.paragraph(
        f"共 {c['total']} 项任务：已完成 {c[Status.DONE]} 项，推进中 {c[Status.IN_PROGRESS]} 项，"
        f"滞后 {c[Status.LAGGING]} 项，逾期 {c[Status.OVERDUE]} 项，未开始 {c[Status.NOT_STARTED]} 项；"
        f"完成率 {done_rate}%，滞后逾期率 {late_rate}%。本月有 {data['reported_tasks']} 项任务报送了进展。"
    )
    doc.heading("二、牵头单位完成情况排名")
    doc.table(
        ["排名", "牵头单位", "牵头任务", "已完成", "滞后", "逾期", "完成率(%)", "滞后逾期率(%)"],
        [
            [r["rank"], r["department"], r["led"], r["done"], r["lagging"], r["overdue"]]
            + [r["completion_rate"], r["late_rate"]]
            for r in data["ranking"]
        ],
    )
    doc.heading("三、滞后和逾期任务")
    labels = dict(Status.choices)
    if data["late"]:
        doc.table(
            ["编号", "具体任务", "牵头单位", "完成时限", "进度(%)", "状态"],
            [
                [
                    t.label or t.seq,
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
        doc.paragraph("无。")
    doc.heading("四、领导批示及办理情况")
    if data["instructions"]:
        for i, ins in enumerate(data["instructions"], start=1):
            doc.paragraph(
                f"{ins.leader or ''}批示（{ins.on:%m月%d日}）：{ins.text}",
                bold_lead=f"（{_NUMERALS[i - 1] if i <= len(_NUMERALS) else i}）{ins.task.label or ins.task.seq} {ins.task.text[:40]}。",
            )
            doc.paragraph(
                f"办理情况：{ins.answer}（{ins.answered_on:%m月%d日}）"
                if ins.answered_on
                else "办理情况：尚未答复。"
            )
    else:
        doc.paragraph("本月无领导批示。")
    doc.sign(config.signer, data["today"])
    doc.record(cc=config.cc, printer=config.printer, printed_on=data["today"])
    return doc.bytes()

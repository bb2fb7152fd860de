"""经济运行月报 as a 公文 (.docx in the GB/T 9704-2012 layout, `core.documents`): the figures of `report.monthly_report`,
its tables, and its charts drawn as images (`core.chart_images`) from the same options the page draws."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from parkos.core.chart_images import png
from parkos.core.documents import OfficialDocument
from parkos.core.numbers import formatted

FIGURES = (
    ("output_value", "产值", "万元", 2),
    ("revenue", "营业收入", "万元", 2),
    ("tax", "税收", "万元", 2),
    ("electricity_kwh", "用电量", "千瓦时", 0),
)  # fmt: skip


def _growth(g: Decimal | None) -> str:
    if g is None:
        return "—"
    return f"增长{formatted(g, 1)}%" if g >= 0 else f"下降{formatted(-g, 1)}%"


def _pct(g: Decimal | None) -> str:
    return "—" if g is None else formatted(g, 1)


def _span(data: dict[str, Any]) -> str:
    first, last = data["span"]
    return f"{last.month}月" if first.month == last.month else f"{first.month}—{last.month}月"


def _group_rows(rows: list[dict[str, Any]], missing: str) -> list[list[str]]:
    return [
        [
            r["label"] or missing,
            formatted(r["output_value"], 2),
            _pct(r["output_value_growth"]),
            formatted(r["revenue"], 2),
            _pct(r["revenue_growth"]),
            formatted(r["tax"], 2),
            _pct(r["tax_growth"]),
        ]
        for r in rows
    ]


GROUP_HEAD = ["产值(万元)", "增长(%)", "营业收入(万元)", "增长(%)", "税收(万元)", "增长(%)"]


def _figure_row(t: dict[str, Any]) -> list[str]:
    unit = str(t.get("unit") or "")
    if not t.get("compare", True):
        change = "当前"
    elif t.get("change") is not None:
        change = f"{t['change']:+}个百分点"
    elif t.get("growth") is not None:
        change = f"{formatted(t['growth'], 1)}%"
    else:
        change = "—"
    return [str(t["label"]), f"{t['shown']}{'' if unit == '%' else ' '}{unit}".strip(), change]


def report_docx(data: dict[str, Any], config: Any) -> bytes:
    """The month's 经济运行月报 as a 公文, numbered by its month (one a month: a second download is the same
    document), sent, copied and printed as the report's settings say."""
    year, month = data["year"], data["month"]
    doc = OfficialDocument(
        issuer=config.issuer,
        number=f"{config.number_prefix}〔{year}〕{month}号",
        title=f"{year}年{month}月经济运行情况",
        addressee=f"{config.addressee}：",
    )
    scope = f"（{data['scope']}负责企业）" if data["scope"] else ""
    if not data["span"]:
        doc.paragraph(f"截至{year}年{month}月，本区{scope}尚无企业报送月度经济数据。")
    else:
        t, a, m = data["total"], data["above"], data["month_total"]
        doc.paragraph(
            f"现将{year}年{_span(data)}全区{scope}经济运行情况报告如下。"
            "数据来自企业月度报表，与上年同期（同口径月份）比较；金额单位为万元。"
        )
        doc.heading("一、总体情况")
        parts = [
            f"{label}{formatted(t[f], places)}{unit}，同比{_growth(t[f'{f}_growth'])}"
            for f, label, unit, places in FIGURES
        ]
        doc.paragraph(f"{year}年{_span(data)}，全区{scope}实现" + "；".join(parts) + "。")
        doc.paragraph(
            f"其中规上企业实现产值{formatted(a['output_value'], 2)}万元，同比{_growth(a['output_value_growth'])}；"
            f"税收{formatted(a['tax'], 2)}万元，同比{_growth(a['tax_growth'])}。"
        )
        if data["reported"]:
            doc.paragraph(
                f"{month}月当月实现产值{formatted(m['output_value'], 2)}万元，同比{_growth(m['output_value_growth'])}；"
                f"税收{formatted(m['tax'], 2)}万元，同比{_growth(m['tax_growth'])}。"
            )
        else:
            doc.paragraph(f"{month}月当月数据尚未报送，以上为截至{data['span'][1].month}月的累计数。")
        doc.picture(png(data["charts"]["trend"], title=f"{year}年逐月产值和税收"), width_mm=150)
        doc.heading("二、分园区情况")
        doc.table(["园区", *GROUP_HEAD], _group_rows(data["by_park"], "未落园区"))
        doc.picture(png(data["charts"]["parks"], title="各园区累计产值与上年同期"), width_mm=150)
        doc.heading("三、分行业情况")
        doc.table(["行业", *GROUP_HEAD], _group_rows(data["by_division"], "未填行业"))
        doc.picture(png(data["charts"]["divisions"], title="产值居前的行业"), width_mm=150)
        doc.heading("四、重点企业")
        if data["top"]:
            doc.table(
                ["排名", "企业", "园区", "产值(万元)", "增长(%)", "税收(万元)", "增长(%)"],
                [
                    [
                        r["rank"],
                        r["name"],
                        r["park"],
                        formatted(r["output_value"], 2),
                        _pct(r["output_value_growth"]),
                        formatted(r["tax"], 2),
                        _pct(r["tax_growth"]),
                    ]
                    for r in data["top"]
                ],
            )
        else:
            doc.paragraph("无。")
    doc.heading("五、重点项目和招商引资" if data["span"] else "一、重点项目和招商引资")
    if data["progress"]:
        doc.table(
            ["指标", f"{year}年截至{month}月末", "与上年同期比"], [_figure_row(t) for t in data["progress"]]
        )
    else:
        doc.paragraph("无。")
    doc.heading("六、目标任务完成情况" if data["span"] else "二、目标任务完成情况")
    if data["goals"]:
        doc.table(
            ["指标", "年度目标", "完成", "完成率(%)", "时序进度(%)", "差距(个百分点)"],
            [
                [
                    str(t["label"]),
                    formatted(t["goal"]["target"], 2),
                    t["shown"],
                    _pct(t["goal"]["completion"]),
                    _pct(t["goal"]["share"]),
                    "—" if t["goal"]["gap"] is None else f"{t['goal']['gap']:+}",
                ]
                for t in data["goals"]
            ],
        )
        behind = [str(t["label"]) for t in data["goals"] if t["goal"]["behind"]]
        doc.paragraph(
            f"{'、'.join(behind)}完成进度落后于时序进度，请相关部门加快推进。"
            if behind
            else "各项目标任务完成进度均不低于时序进度。"
        )
    else:
        doc.paragraph(f"{year}年目标任务尚未下达。")
    doc.sign(config.signer, data["today"])
    doc.record(cc=config.cc, printer=config.printer, printed_on=data["today"])
    return doc.bytes()

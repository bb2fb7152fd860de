"""The default approval catalogue and flow templates (specs/approvals.md §2, §3.1), installed once and then
edited by the zone: `parkos approvals install-defaults`, and by the demo.

Limits are the spec's defaults, marked [default] there where no Hunan/Changsha source was found; the zone
replaces them with its current 办事指南 figures on the flows page.
"""

from __future__ import annotations

from django.db import transaction

from parkos.core.models import CapabilityGrant, Department

from .models import REFORM_OFFICE, ApprovalItem, FlowTemplate, InvestmentType, ItemMode, Stage

DEPARTMENTS = {
    "SPJ": "行政审批服务局",
    "GHJ": "规划建设局",
    "JFJ": "经济发展局",
}
# code, name, department, stage, statutory, promised, mode, mandatory, predecessors
ITEMS = [
    ("GG-1-01", "企业投资项目备案", "SPJ", Stage.STAGE1, 3, 0, ItemMode.INSTANT, True, ()),
    ("GG-1-02", "建设项目用地预审与选址意见书", "GHJ", Stage.STAGE1, 20, 7, ItemMode.NORMAL, True, ()),
    ("GG-1-03", "建设用地规划许可证", "GHJ", Stage.STAGE1, 20, 5, ItemMode.NORMAL, True, ("GG-1-02",)),
    ("GG-1-04", "固定资产投资项目节能审查", "JFJ", Stage.STAGE1, 20, 10, ItemMode.NORMAL, True, ()),
    ("GG-2-01", "建设工程设计方案审查", "GHJ", Stage.STAGE2, 20, 10, ItemMode.NORMAL, True, ()),
    ("GG-2-02", "建设工程规划许可证", "GHJ", Stage.STAGE2, 20, 5, ItemMode.COMMITMENT, True, ("GG-2-01",)),
    (
        "GG-2-03",
        "建设项目环境影响评价审批（报告表）",
        "SPJ",
        Stage.STAGE2,
        30,
        15,
        ItemMode.NORMAL,
        False,
        (),
    ),
    ("GG-3-01", "施工图设计文件联合审查", "GHJ", Stage.STAGE3, 20, 10, ItemMode.NORMAL, True, ()),
    ("GG-3-02", "建筑工程施工许可证", "SPJ", Stage.STAGE3, 7, 3, ItemMode.NORMAL, True, ("GG-3-01",)),
    ("GG-3-03", "城镇污水排入排水管网许可", "GHJ", Stage.STAGE3, 20, 5, ItemMode.COMMITMENT, False, ()),
    (
        "GG-4-01",
        "联合验收（规划、土地、消防、人防、档案）",
        "GHJ",
        Stage.STAGE4,
        20,
        10,
        ItemMode.NORMAL,
        True,
        (),
    ),
    ("GG-4-02", "竣工验收备案", "SPJ", Stage.STAGE4, 15, 5, ItemMode.NORMAL, True, ("GG-4-01",)),
]
# name, investment type, total, stage 1..4, merged 2+3, items left out
FLOWS = [
    ("政府投资房屋建筑类", InvestmentType.GOV, 100, (35, 25, 25, 15), False, ()),
    ("一般社会投资类", InvestmentType.SOCIAL, 70, (20, 20, 15, 15), False, ()),
    ("工业投资类", InvestmentType.INDUSTRIAL, 60, (15, 15, 15, 15), True, ()),
    (
        "小型社会投资简易低风险类",
        InvestmentType.SMALL_LOW_RISK,
        20,
        (5, 5, 0, 10),
        True,
        ("GG-1-04", "GG-2-01", "GG-2-03"),
    ),
    ("交通水利类", InvestmentType.TRANSPORT_WATER, 120, (40, 30, 30, 20), False, ()),
    ("能源类", InvestmentType.ENERGY, 100, (35, 25, 25, 15), False, ()),
]


@transaction.atomic
def install_defaults() -> dict[str, int]:
    """Create the catalogue, the flows and the settings where they are missing; never overwrite edits."""
    depts = {
        code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in DEPARTMENTS.items()
    }
    made_items = made_flows = 0
    items: dict[str, ApprovalItem] = {}
    for code, name, dept, stage, statutory, promised, mode, mandatory, _preds in ITEMS:
        items[code], created = ApprovalItem.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "department": depts[dept],
                "stage": stage,
                "statutory_limit_wd": statutory,
                "promised_limit_wd": promised,
                "mode": mode,
                "is_mandatory": mandatory,
            },
        )
        made_items += created
        if created:
            items[code].predecessors.set([items[p] for p in _preds])
    for name, itype, total, (s1, s2, s3, s4), merged, left_out in FLOWS:
        flow, created = FlowTemplate.objects.get_or_create(
            name=name,
            defaults={
                "investment_type": itype,
                "total_limit_wd": total,
                "stage1_wd": s1,
                "stage2_wd": s2,
                "stage3_wd": s3,
                "stage4_wd": s4,
                "merge_2_3": merged,
            },
        )
        if created:
            flow.items.set([i for c, i in items.items() if c not in left_out])
            made_flows += 1
    if not CapabilityGrant.objects.filter(capability=REFORM_OFFICE).exists():  # never overwrites
        CapabilityGrant.objects.create(
            capability=REFORM_OFFICE, department=depts["SPJ"], note="默认：行政审批服务局"
        )
    return {"items": made_items, "flows": made_flows}

"""The 2021 catalogue of the national 经开区 comprehensive evaluation (specs/metrics.md §4.1), as data.

The five dimensions and their weights are published (30/15/15/10/30). Of the indicators, those named in the
published material are entered with their direction and unit; where the spec says the rest were not found, the
catalogue holds only what is known (the office adds indicators in the admin when it learns them), except where a
stated default fills a gap: 新设外商投资企业数 as the seventh 对外开放 indicator and the 发展质量 focus points of the
published results (地区生产总值, large manufacturers, taxes). Each indicator's `basis` says which it is.
"""

from django.db import migrations

DIMENSIONS = [
    ("opening", "对外开放", 30, 1),
    ("innovation", "科技创新", 15, 2),
    ("green", "绿色发展", 15, 3),
    ("coordination", "统筹协调", 10, 4),
    ("quality", "发展质量", 30, 5),
]

SOURCED = "2021年版考核评价办法公开报道所列指标"
DEFAULT = "[默认] 官方指标名称未检索到，按公开报道常见口径设置"
QUALITY = "[默认] 发展质量维度的具体指标未公开，按考核结果通报关注的地区生产总值、大型制造业企业和税收设置"

# (dimension, code, name, direction, unit, source, ParkOS figure, derived as, basis)
INDICATORS = [
    ("opening", "fdi", "实际使用外资金额", "higher", "万美元", "商务部外资统计", "investment.fdi_usd", "value", SOURCED + "（商务部口径）"),
    ("opening", "fdi_growth", "实际使用外资金额增速", "higher", "%", "商务部外资统计", "investment.fdi_usd", "growth", SOURCED),
    ("opening", "fdi_share", "实际使用外资占所在地级市比重", "higher", "%", "商务部外资统计", "", "value", SOURCED),
    ("opening", "trade", "进出口总额", "higher", "亿元", "海关统计", "", "value", SOURCED),
    ("opening", "trade_growth", "进出口总额增速", "higher", "%", "海关统计", "", "value", SOURCED),
    ("opening", "trade_share", "进出口总额占所在地级市比重", "higher", "%", "海关统计", "", "value", SOURCED),
    ("opening", "new_fie", "新设外商投资企业数", "higher", "家", "商务部外资统计", "enterprises.new_foreign_funded", "value", DEFAULT),
    ("innovation", "rd_intensity", "企业R&D经费投入强度", "higher", "%", "统计部门", "enterprises.rd_intensity", "value", SOURCED),
    ("innovation", "rd_institutions", "省级及以上研发机构数量", "higher", "个", "科技部门", "", "value", SOURCED),
    ("innovation", "high_tech", "高新技术企业数量", "higher", "家", "科技部门", "enterprises.high_tech", "value", SOURCED),
    ("green", "energy_intensity", "规模以上工业单位增加值能耗", "lower", "吨标准煤/万元", "统计部门", "enterprises.energy_intensity", "value", SOURCED),
    ("green", "co2_intensity", "规模以上工业单位增加值二氧化碳排放量", "lower", "吨/万元", "生态环境部门", "", "value", SOURCED),
    ("green", "co2_growth", "园区二氧化碳排放量增长率", "lower", "%", "生态环境部门", "", "value", SOURCED),
    ("green", "water_intensity", "单位工业增加值用水量", "lower", "立方米/万元", "水利部门", "", "value", SOURCED),
    ("green", "solid_waste", "一般工业固体废物综合利用率", "higher", "%", "生态环境部门", "", "value", SOURCED),
    ("coordination", "new_jobs", "城镇新增就业人数", "higher", "人", "人社部门", "enterprises.new_jobs", "value", SOURCED + "（ParkOS 以区内企业从业人员净增计，人社统计录入后以其为准）"),
    ("coordination", "co_parks", "合作共建园区数量", "higher", "个", "商务部门", "", "value", SOURCED),
    ("coordination", "responsibility", "主体责任落实情况", "higher", "分", "商务部门", "", "value", SOURCED + "（安全生产、生态环境等主体责任，按自评分录入）"),
    ("quality", "gdp", "地区生产总值", "higher", "亿元", "统计部门", "", "value", QUALITY),
    ("quality", "industrial_va", "工业增加值", "higher", "万元", "统计部门", "enterprises.value_added", "value", QUALITY),
    ("quality", "big_manufacturers", "主营业务收入15亿元以上制造业企业数（东部30亿元）", "higher", "家", "统计部门", "enterprises.manufacturers_1_5bn", "value", QUALITY + "；东部园区在管理后台把 ParkOS 数据改为“营业收入30亿元以上制造业企业数”"),
    ("quality", "tax", "税收收入", "higher", "万元", "税务部门", "enterprises.tax", "value", QUALITY),
]  # fmt: skip


def load(apps, schema_editor):
    Dimension = apps.get_model("cockpit", "Dimension")
    Indicator = apps.get_model("cockpit", "Indicator")
    dims = {}
    for code, name, weight, order in DIMENSIONS:
        dims[code], _ = Dimension.objects.get_or_create(
            version=2021, code=code, defaults={"name": name, "weight": weight, "order": order}
        )
    for n, (dim, code, name, direction, unit, source, figure, derive, basis) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            dimension=dims[dim],
            code=code,
            defaults={
                "name": name,
                "direction": direction,
                "unit": unit,
                "source": source,
                "figure": figure,
                "derive": derive,
                "basis": basis,
                "order": n,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("cockpit", "Indicator").objects.filter(dimension__version=2021).delete()
    apps.get_model("cockpit", "Dimension").objects.filter(version=2021).delete()


class Migration(migrations.Migration):
    dependencies = [("cockpit", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

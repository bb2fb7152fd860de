"""The demo's national 经开区 evaluation self-assessment: 经济发展局 holds the office, the zone's values for two data
years (ParkOS's figures where it has them, plausible entered statistics for the rest) and twelve synthetic peer zones
(fictional names, values drawn around the zone's) imported through the real .xlsx import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import numpy as np

from parkos.cockpit import selectors, services
from parkos.cockpit.imports import PEERS_SCHEMA
from parkos.cockpit.models import EVALUATION_OFFICE, TARGETS_OFFICE
from parkos.core import capabilities
from parkos.core.imports import import_file
from parkos.core.models import Department, User
from parkos.core.periods import Period

# typical levels of a central-region national zone (the centre of the synthetic values), in the catalogue's units
CENTRE = {
    "fdi": 30_000, "fdi_growth": 8, "fdi_share": 25, "trade": 300, "trade_growth": 10, "trade_share": 20,
    "new_fie": 12, "rd_intensity": 2.5, "rd_institutions": 60, "high_tech": 300, "energy_intensity": 0.25,
    "co2_intensity": 0.6, "co2_growth": 2, "water_intensity": 12, "solid_waste": 92, "new_jobs": 5_000,
    "co_parks": 3, "responsibility": 90, "gdp": 800, "industrial_va": 3_000_000, "big_manufacturers": 15,
    "tax": 1_500_000,
}  # fmt: skip
PEERS = [
    ("云川经济技术开发区", "湖南", "central"), ("青澜经济技术开发区", "湖南", "central"),
    ("临江经济技术开发区", "湖北", "central"), ("安澜经济技术开发区", "湖北", "central"),
    ("东岚经济技术开发区", "江西", "central"), ("西岑经济技术开发区", "河南", "central"),
    ("南屿经济技术开发区", "安徽", "central"), ("北渚经济技术开发区", "山西", "central"),
    ("清源经济技术开发区", "江苏", "east"), ("河阳经济技术开发区", "浙江", "east"),
    ("石岭经济技术开发区", "四川", "west"), ("梅岗经济技术开发区", "陕西", "west"),
]  # fmt: skip
REGION_ZH = {"east": "东部", "central": "中部", "west": "西部"}


def _draw(rng: np.random.Generator, centre: float, unit: str) -> Decimal:
    if unit in ("%", "分"):  # rates, growth and scores: spread around the centre
        v = centre + rng.normal(0, max(2.0, abs(centre) * 0.3))
        if unit == "分" or centre > 50:
            v = min(v, 100.0)
    else:  # amounts and counts: lognormal around the centre
        v = centre * float(np.exp(rng.normal(0, 0.35)))
    return Decimal(str(round(v, 2 if abs(v) >= 1 else 4)))


def build_national_evaluation(*, rng: np.random.Generator, today: dt.date, admin: User) -> dict[str, int]:
    jfj = Department.objects.filter(code="JFJ").first()
    if jfj is not None:
        capabilities.set_holder(actor=admin, key=EVALUATION_OFFICE, department_id=jfj.pk)
    last = today.year - 1
    indicators = selectors.catalogue()
    records = []
    for year in (last - 1, last):
        used = {r["indicator"].code: r["value"] for r in selectors.zone_values(user=admin, year=year)}
        entered = {
            i.pk: _draw(rng, CENTRE.get(i.code, 10), i.unit) for i in indicators if used.get(i.code) is None
        }
        services.save_zone_values(
            user=admin, year=year, values=entered, notes=dict.fromkeys(entered, "统计年报（演示数据）")
        )
        for name, province, region in PEERS:
            for i in indicators:
                centre = float(used[i.code]) if used.get(i.code) is not None else CENTRE.get(i.code, 10)
                if i.unit not in ("%", "分") and centre <= 0:
                    centre = CENTRE.get(i.code, 10)
                if rng.random() < 0.04:  # a few figures a peer has not published
                    continue
                records.append(
                    {
                        "zone": name,
                        "province": province,
                        "region": REGION_ZH[region],
                        "year": year,
                        "indicator": i.name,
                        "value": _draw(rng, centre, i.unit),
                    }
                )
    buf = io.BytesIO()
    PEERS_SCHEMA.write(buf, records)
    buf.seek(0)
    report = import_file(kind=PEERS_SCHEMA.kind, source=buf, user=admin)
    if not report.ok:  # the demo's own file: a refusal is a bug in this builder
        raise RuntimeError(f"demo peer import refused: {report.errors[:3]}")
    return {"peers": len(PEERS), "values": report.created}


def build_targets(*, today: dt.date, admin: User) -> int:
    """The year's targets (目标任务): 经济发展局 holds the targets office; each figure that takes a target aims 10 % above
    last year's (for the zone, and for each park where the figure splits by park)."""
    jfj = Department.objects.filter(code="JFJ").first()
    if jfj is not None:
        capabilities.set_holder(actor=admin, key=TARGETS_OFFICE, department_id=jfj.pk)
    last = Period(today.year - 1)
    values: dict[tuple[str, int | None], Decimal | None] = {}
    for t in selectors.target_tiles():
        before = t.figure(admin, last, today).get("value")
        if before:
            values[(t.key, None)] = round(Decimal(before) * Decimal("1.1"), 0)
        if t.by_park:
            for park, v in t.by_park(admin, last, today).items():
                if park and v:
                    values[(t.key, park)] = round(Decimal(v) * Decimal("1.1"), 0)
    created, _changed, _removed = services.save_targets(user=admin, year=today.year, values=values)
    return created

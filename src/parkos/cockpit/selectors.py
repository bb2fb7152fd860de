"""Reads of the national evaluation self-assessment (specs/metrics.md §4): who may see it, the zone's values (from
ParkOS's zone figures or entered), the peers' values, and the scored comparison for a data year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from statistics import median
from typing import Any

import numpy as np
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parkos.core import capabilities, registries
from parkos.core.models import Zone
from parkos.core.numbers import formatted, percent, round_half_up
from parkos.core.periods import Period, elapsed_share
from parkos.core.search import normalize
from parkos.core.selectors import history_entries

from . import engine
from .models import (
    EVALUATION_OFFICE,
    TARGETS_OFFICE,
    Derive,
    Dimension,
    Direction,
    Indicator,
    PeerValue,
    PeerZone,
    Region,
    Target,
    ZoneValue,
)

# 省级行政区划代码 (GB/T 2260, first two digits) → (province, MOFCOM region: east / central / west)
PROVINCES = {
    "11": ("北京", "east"), "12": ("天津", "east"), "13": ("河北", "east"), "14": ("山西", "central"),
    "15": ("内蒙古", "west"), "21": ("辽宁", "east"), "22": ("吉林", "central"), "23": ("黑龙江", "central"),
    "31": ("上海", "east"), "32": ("江苏", "east"), "33": ("浙江", "east"), "34": ("安徽", "central"),
    "35": ("福建", "east"), "36": ("江西", "central"), "37": ("山东", "east"), "41": ("河南", "central"),
    "42": ("湖北", "central"), "43": ("湖南", "central"), "44": ("广东", "east"), "45": ("广西", "west"),
    "46": ("海南", "east"), "50": ("重庆", "west"), "51": ("四川", "west"), "52": ("贵州", "west"),
    "53": ("云南", "west"), "54": ("西藏", "west"), "61": ("陕西", "west"), "62": ("甘肃", "west"),
    "63": ("青海", "west"), "64": ("宁夏", "west"), "65": ("新疆", "west"),
}  # fmt: skip
PEER_SETS = ("all", "region", "province")
TOP_LOSSES = 5


def may_view(user) -> bool:
    """Leaders, system administrators and the office holding the evaluation capability."""
    return bool(
        user.is_authenticated and not user.is_enterprise_user and capabilities.holds(user, EVALUATION_OFFICE)
    )


def may_edit(user) -> bool:
    return capabilities.acts(user, EVALUATION_OFFICE, "change")


def check_view(user) -> None:
    if not may_view(user):
        raise Http404


def default_year(today: dt.date | None = None) -> int:
    """Year N's evaluation scores year N − 1's data: the default data year is last year."""
    return (today or timezone.localdate()).year - 1


def home() -> dict[str, str]:
    """The zone's name, province and region (from its administrative region code)."""
    zone = Zone.objects.order_by("pk").first()
    code = (zone.region_code if zone else "")[:2]
    province, region = PROVINCES.get(code, ("", Region.CENTRAL))
    return {"name": zone.name if zone else _("This zone"), "province": province, "region": region}


def latest_version() -> int:
    return Dimension.objects.order_by("-version").values_list("version", flat=True).first() or 2021


def dimensions(version: int | None = None) -> list[Dimension]:
    return list(Dimension.objects.filter(version=version or latest_version()).order_by("order", "pk"))


def catalogue(version: int | None = None, *, active: bool = True) -> list[Indicator]:
    qs = Indicator.objects.filter(dimension__version=version or latest_version()).select_related("dimension")
    if active:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("dimension__order", "order", "pk"))


class Figures(registries.ZoneFigures):
    """ParkOS's zone figures for the catalogue: each figure and year computed once per request (an app's figures of
    a year in one pass), a growth indicator from the figure of two years."""

    def of(self, indicator: Indicator, year: int) -> Decimal | None:
        if not indicator.figure:
            return None
        if indicator.derive == Derive.GROWTH:
            g = engine.growth(
                _float(self.value(indicator.figure, year)), _float(self.value(indicator.figure, year - 1))
            )
            return None if g is None else round_half_up(g, 4)
        v = self.value(indicator.figure, year)
        return None if v is None else Decimal(v)


def _float(v: Decimal | None) -> float | None:
    return None if v is None else float(v)


def zone_values(
    *, user, year: int, indicators: list[Indicator] | None = None, figures: Figures | None = None
) -> list[dict[str, Any]]:
    """Per indicator: ParkOS's figure (with its basis), the value the office entered, and the value that counts
    (an entered official statistic over ParkOS's figure)."""
    check_view(user)
    indicators = catalogue() if indicators is None else indicators
    figures = figures or Figures()
    entered = {
        z.indicator_id: z
        for z in ZoneValue.objects.filter(year=year, indicator__in=indicators).select_related("entered_by")
    }
    out = []
    for i in indicators:
        parkos = figures.of(i, year)
        z = entered.get(i.pk)
        f = registries.appraisal_figures.get(i.figure) if i.figure else None
        out.append(
            {
                "indicator": i,
                "parkos": parkos,
                "figure": f,
                "entered": z,
                "value": z.value if z is not None else parkos,
                "origin": "entered" if z is not None else "parkos" if parkos is not None else "",
            }
        )
    return out


def peers(*, user, peer_set: str = "all") -> QuerySet[PeerZone]:
    check_view(user)
    qs = PeerZone.objects.all()
    h = home()
    if peer_set == "region":
        qs = qs.filter(region=h["region"])
    elif peer_set == "province" and h["province"]:
        qs = qs.filter(province=h["province"])
    return qs


def peer_list(*, user) -> QuerySet[PeerZone]:
    """The peer zones with how many values each holds (the peers page)."""
    return peers(user=user).annotate(n_values=Count("values"))


def peer_records(*, user, zones: QuerySet[PeerZone] | None = None):
    """The peers' values in the import's layout (the export that can be edited and imported back)."""
    check_view(user)
    qs = PeerValue.objects.all() if zones is None else PeerValue.objects.filter(zone__in=zones.values("pk"))
    rows = qs.select_related("zone", "indicator").order_by(
        "year", "zone__name", "indicator__order", "indicator_id"
    )
    for v in rows:
        with translation.override("zh-hans"):  # the file officials keep and import back
            region = str(v.zone.get_region_display())
        yield {
            "zone": v.zone.name,
            "province": v.zone.province,
            "region": region,
            "year": v.year,
            "indicator": v.indicator.name,
            "value": v.value,
        }


def _matrix(user, year: int, indicators: list[Indicator], peer_set: str, figures: Figures):
    """The zones compared (the zone first, then the peers reporting that year) and their values."""
    mine = zone_values(user=user, year=year, indicators=indicators, figures=figures)
    zones = list(peers(user=user, peer_set=peer_set).filter(values__year=year).distinct().order_by("name"))
    col = {i.pk: j for j, i in enumerate(indicators)}
    row = {z.pk: k for k, z in enumerate(zones, start=1)}
    values = np.full((len(zones) + 1, len(indicators)), np.nan)
    for j, r in enumerate(mine):
        if r["value"] is not None:
            values[0, j] = float(r["value"])
    for zid, iid, v in PeerValue.objects.filter(
        zone__in=zones, year=year, indicator__in=indicators
    ).values_list("zone_id", "indicator_id", "value"):
        values[row[zid], col[iid]] = float(v)
    return mine, zones, values


def _score(indicators: list[Indicator], dims: list[Dimension], values: np.ndarray) -> engine.Scored:
    index = {d.pk: k for k, d in enumerate(dims)}
    return engine.score(
        values,
        np.array([i.direction == Direction.HIGHER for i in indicators], dtype=bool),
        np.array([float(i.weight) for i in indicators]),
        np.array([index[i.dimension_id] for i in indicators], dtype=int),
        np.array([float(d.weight) for d in dims]),
    )


def _r(x: float | None, places: int = 1) -> Decimal | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round_half_up(x, places)


def assessment(*, user, year: int, peer_set: str = "all") -> dict[str, Any]:
    """The self-assessment of a data year against a peer set ("all" imported peers, the zone's "region" or
    "province"): scores, rank, the previous year's for comparison, and where the zone loses most. An internal
    estimate (specs/metrics.md §4.3): the official normalisation is not published."""
    check_view(user)
    peer_set = peer_set if peer_set in PEER_SETS else "all"
    dims = dimensions()
    indicators = catalogue()
    figures = Figures()
    h = home()
    mine, zones, values = _matrix(user, year, indicators, peer_set, figures)
    s = _score(indicators, dims, values)
    regions = [h["region"], *[z.region for z in zones]]
    same = np.array([r == h["region"] for r in regions], dtype=bool)
    region_rank = engine.ranks(s.total[same])[0] if len(zones) else 1
    _m, prev_zones, prev_values = _matrix(user, year - 1, indicators, peer_set, figures)
    prev = _score(indicators, dims, prev_values) if prev_zones else None
    lost = engine.points_lost(s, 0)
    peer_vals = values[1:]
    rows = []
    for j, i in enumerate(indicators):
        col = peer_vals[:, j][~np.isnan(peer_vals[:, j])]
        best = (col.max() if i.direction == Direction.HIGHER else col.min()) if len(col) else None
        rows.append(
            {
                "indicator": i,
                "value": mine[j]["value"],
                "origin": mine[j]["origin"],
                "peers_n": len(col),
                "peer_median": _r(float(median(col.tolist())), 4) if len(col) else None,
                "peer_best": _r(best, 4) if best is not None else None,
                "scored": bool(s.scored[j]),
                "score": _r(s.indicator[0, j]),
                "weight": _r(s.weight[0, j] * 100, 2),
                "lost": _r(lost[j], 2),
                "lost_raw": float(lost[j]) if not np.isnan(lost[j]) else None,
            }
        )
    ranking = [
        {
            "name": h["name"] if k == 0 else zones[k - 1].name,
            "province": h["province"] if k == 0 else zones[k - 1].province,
            "region": Region(regions[k]).label,
            "is_home": k == 0,
            "total": _r(s.total[k]),
            "rank": int(s.rank[k]),
            "dimensions": [_r(x) for x in s.dimension[k]],
        }
        for k in range(len(zones) + 1)
    ]
    ranking.sort(key=lambda r: (r["rank"], not r["is_home"], r["name"]))
    dim_rows = []
    for d_i, d in enumerate(dims):
        col = s.dimension[:, d_i]
        dim_rows.append(
            {
                "dimension": d,
                "home": _r(col[0]),
                "peer_median": _r(float(median(col[1:].tolist()))) if len(zones) else None,
                "best": _r(col.max()),
                "rank": int(engine.ranks(col)[0]),
                "indicators": sum(1 for i in indicators if i.dimension_id == d.pk),
            }
        )
    total, rank = _r(s.total[0]), int(s.rank[0])
    prev_total = _r(prev.total[0]) if prev is not None else None
    prev_rank = int(prev.rank[0]) if prev is not None else None
    losses = sorted((r for r in rows if r["lost_raw"]), key=lambda r: -r["lost_raw"])[:TOP_LOSSES]
    return {
        "year": year,
        "peer_set": peer_set,
        "home": h,
        "version": dims[0].version if dims else latest_version(),
        "peers_n": len(zones),
        "total": total,
        "rank": rank,
        "of": len(zones) + 1,
        "region_rank": int(region_rank),
        "region_of": int(same.sum()),
        "prev_total": prev_total,
        "prev_rank": prev_rank,
        "prev_of": len(prev_zones) + 1 if prev is not None else None,
        "total_change": (total - prev_total) if prev_total is not None and total is not None else None,
        "rank_change": (prev_rank - rank) if prev_rank is not None else None,
        "dimensions": dim_rows,
        "indicators": rows,
        "ranking": ranking,
        "losses": losses,
        "missing": [r for r in rows if r["value"] is None],
    }


def history(*, user, year: int) -> list[dict[str, Any]]:
    """The audit trail of the zone's entered values of a year and of the peer values."""
    check_view(user)
    return history_entries(
        [
            (_("Zone value"), ZoneValue.history.filter(year=year)),
            (_("Peer value"), PeerValue.history.filter(year=year)),
        ],
        limit=50,
    )


# ---- the cockpit page: the apps' tiles (the kernel's `tiles` registry) ------------------------------------------
def may_open_cockpit(user) -> bool:
    """Everybody logged in: an official sees the tiles of what they may see, an enterprise user its own enterprise's
    (its figures, its requests, its inbox — the tiles registered as visible to it, each scoped to it)."""
    return bool(user.is_authenticated)


def may_open_screen(user) -> bool:
    """The command centre's big screen shows the zone's figures: officials only."""
    return bool(user.is_authenticated and not user.is_enterprise_user)


# ---- 目标任务: the year's targets ---------------------------------------------------------------------------------
def may_view_targets(user) -> bool:
    """The zone's officials read the year's targets; an enterprise user has none."""
    return bool(user.is_authenticated and not user.is_enterprise_user)


def may_edit_targets(user) -> bool:
    return capabilities.acts(user, TARGETS_OFFICE, "change")


def target_tiles() -> list[registries.Tile]:
    """The tiles that take a target, in the cockpit's order."""
    return [t for t in registries.tiles if t.target]


def targets(*, year: int) -> dict[tuple[str, int | None], Decimal]:
    """The year's targets by (tile, park id or None for the zone)."""
    return {(t.tile, t.park_id): t.value for t in Target.objects.filter(year=year)}


def target_history(*, year: int) -> list[dict[str, Any]]:
    return history_entries([(_("Target"), Target.history.filter(year=year))], limit=50)


def against_target(value, target, period, today: dt.date) -> dict[str, Any] | None:
    """A figure of the year to date against its annual target: completion and the time elapsed (时序进度), both in
    % with one decimal, and the gap in points. Only for a whole year (a quarter or a month has no annual pace)."""
    if target is None or value is None or period.quarter or period.month:
        return None
    completion = percent(value, target)
    share = round_half_up(elapsed_share(period.year, period.cut(today)) * 100, 1) or Decimal(0)
    gap = None if completion is None else completion - share
    return {
        "target": target,
        "completion": completion,
        "share": share,
        "gap": gap,
        "behind": gap is not None and gap < 0,
    }


def target_progress(*, user, year: int, goals: dict, today: dt.date) -> dict[tuple[str, int | None], Any]:
    """Each target of the year against the figure the user sees for it (the zone's, each park's)."""
    period = Period(year)
    registries.tile_memo_clear(user)
    out: dict[tuple[str, int | None], Any] = {}
    for t in target_tiles():
        mine = [(k, v) for k, v in goals.items() if k[0] == t.key]
        if not mine or not t.visible(user):
            continue
        zone = t.figure(user, period, today).get("value")
        parks = t.by_park(user, period, today) if t.by_park and any(k[1] for k, _v in mine) else {}
        for (key, park), target in mine:
            value = zone if park is None else parks.get(park, Decimal(0))
            out[(key, park)] = {"value": value, **(against_target(value, target, period, today) or {})}
    return out


def tiles(*, user, period, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each tile the user may see, with its figure for the period and the same cut a year earlier: a rate's change
    in percentage points, an amount's or a count's growth in %."""
    if not may_open_cockpit(user):
        raise Http404
    today = today or timezone.localdate()
    registries.tile_memo_clear(user)
    goals = targets(year=period.year) if not (period.quarter or period.month) else {}
    out = []
    for t in registries.tiles:
        if not t.visible(user):
            continue
        f = t.figure(user, period, today)
        value, previous = f.get("value"), f.get("previous")
        change = growth = None
        if value is not None and previous is not None:
            if f.get("unit") == "%":
                change = round_half_up(Decimal(value) - Decimal(previous), 1)
            elif previous:
                growth = round_half_up((Decimal(value) - Decimal(previous)) * 100 / abs(Decimal(previous)), 1)
        places = 1 if f.get("unit") == "%" else 0 if isinstance(value, int) else 2
        out.append(
            {
                "key": t.key,
                "label": t.label,
                "compare": True,
                **f,
                "shown": "—" if value is None else formatted(value, places),
                "change": change,
                "growth": growth,
                "url": t.url(period) if t.url else "",
                "goal": against_target(value, goals.get((t.key, None)), period, today) if t.target else None,
            }
        )
    return out


# ---- search across the zone ---------------------------------------------------------------------------------
SEARCH_EACH = 5  # hits of each kind in the dropdown and on the page
SEARCH_ONE_KIND = 50  # hits when the page shows one kind


def search(*, user, q: str, kind: str = "", limit: int = SEARCH_EACH) -> dict[str, Any]:
    """The records the user may open that the term finds, grouped by kind (the apps' search providers, in their
    order), each group best first with a link to the app's own list searched for the term. One query a kind."""
    term = normalize(q)
    groups: list[dict[str, Any]] = []
    if not term or not user.is_authenticated:
        return {"term": term, "groups": groups, "total": 0}
    one = registries.search_providers.get(kind) if kind else None
    for p in [one] if one else registries.search_providers:
        if p is None or not p.visible(user):
            continue
        n = SEARCH_ONE_KIND if one else limit
        found = p.search(user, term, n + 1)  # one more says whether there are more
        if found:
            groups.append(
                {
                    "key": p.key,
                    "label": p.label,
                    "hits": found[:n],
                    "more": len(found) > n,
                    "more_url": p.more(term) if p.more else "",
                }
            )
    return {"term": term, "groups": groups, "total": sum(len(g["hits"]) for g in groups)}

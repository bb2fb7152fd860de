"""The synthetic zone's geography: each park an irregular hexagon a few kilometres across east of Changsha (WGS-84),
and a record placed at a random point inside its park — drawn from their own random stream, so the rest of the
demo's numbers stay as they were."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np

CENTRES = {
    "XS": (113.080, 28.250),
    "HH": (113.210, 28.190),
    "LK": (113.260, 28.235),
    "LST": (113.120, 28.295),
    "LL": (113.130, 28.200),
    "QC": (113.175, 28.270),
}
RADIUS = 0.021  # degrees, about 2 km


def outline(code: str, seed: int = 0) -> list[list[float]] | None:
    """The park's ring (closed, six corners at a jittered radius), or None for a park the demo does not place."""
    centre = CENTRES.get(code)
    if centre is None:
        return None
    rng = np.random.default_rng([seed, sum(map(ord, code))])
    x, y = centre
    ring = []
    for k in range(6):
        angle = math.pi / 3 * k + float(rng.uniform(-0.15, 0.15))
        r = RADIUS * float(rng.uniform(0.8, 1.1))
        # a degree of longitude is shorter than one of latitude at 28°N: keep the shape round on the ground
        ring.append(
            [round(x + r * math.cos(angle) / math.cos(math.radians(y)), 6), round(y + r * math.sin(angle), 6)]
        )
    ring.append(ring[0])
    return ring


def place(rng, ring: list[list[float]]) -> tuple[Decimal, Decimal]:
    """A random point inside a convex ring: a point of the triangle (centre, corner k, corner k+1)."""
    corners = ring[:-1]
    cx = sum(c[0] for c in corners) / len(corners)
    cy = sum(c[1] for c in corners) / len(corners)
    k = int(rng.integers(0, len(corners)))
    (ax, ay), (bx, by) = corners[k], corners[(k + 1) % len(corners)]
    r1, r2 = float(rng.random()), float(rng.random())
    if r1 + r2 > 1:
        r1, r2 = 1 - r1, 1 - r2
    lng = cx + r1 * (ax - cx) + r2 * (bx - cx)
    lat = cy + r1 * (ay - cy) + r2 * (by - cy)
    return Decimal(f"{lng:.6f}"), Decimal(f"{lat:.6f}")


def locate(objs, *, seed: int, share: float = 1.0) -> None:
    """Give each record with a placed park coordinates inside it (`share` of them: the rest have none yet)."""
    rng = np.random.default_rng([seed, 16])
    rings: dict[int, list[list[float]] | None] = {}
    for o in objs:
        park = o.park
        if park is None or rng.random() >= share:
            continue
        if park.pk not in rings:
            rings[park.pk] = park.boundary["coordinates"][0] if park.boundary else None
        ring = rings[park.pk]
        if ring is not None:
            o.longitude, o.latitude = place(rng, ring)

"""Scoring of the national 经开区 evaluation self-assessment (specs/metrics.md §4.3) — pure numpy, no Django.

The official normalisation is not published; the default rule, labelled an internal estimate everywhere it is
shown:
- each indicator is min–max normalised over the zones that have a value: (x − min) ÷ (max − min) × 100, or
  (max − x) ÷ (max − min) × 100 when lower is better; when every value is equal each zone scores 100; an
  indicator that fewer than two zones report is not scored for anyone;
- a dimension's score is the weighted mean of the zone's scored indicators in it (a missing value is left out and
  the others' weights scale up); a zone with no scored indicator in a dimension scores 0 there;
- the total is Σ dimension weight × dimension score ÷ Σ dimension weights (0–100);
- ranks are competition ranks on the total (equal totals share a rank, the next rank is skipped).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

MIN_REPORTING = 2  # an indicator is scored only when at least this many zones report it
TIE = 1e-9  # totals closer than this share a rank


@dataclass(frozen=True)
class Scored:
    indicator: np.ndarray  # zones × indicators, 0–100, nan where not scored
    dimension: np.ndarray  # zones × dimensions, 0–100
    total: np.ndarray  # zones
    rank: np.ndarray  # zones, 1 = best
    scored: np.ndarray  # indicators: whether the indicator counted
    weight: np.ndarray  # zones × indicators: the indicator's effective share of that zone's total (0–1)


def normalise(values: np.ndarray, higher_better: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min–max scores (zones × indicators, nan where a value is missing or the indicator is not scored) and which
    indicators are scored."""
    values = np.asarray(values, dtype=float)
    present = ~np.isnan(values)
    scored = present.sum(axis=0) >= MIN_REPORTING
    if values.shape[0] == 0:
        return np.full(values.shape, np.nan), scored
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # an indicator nobody reports: nan, not scored
        lo = np.nanmin(values, axis=0)
        hi = np.nanmax(values, axis=0)
        span = hi - lo
        up = (values - lo) / span * 100.0
    s = np.where(np.asarray(higher_better, dtype=bool), up, 100.0 - up)
    s = np.where(span > 0, s, 100.0)
    s = np.where(present & scored, s, np.nan)
    return np.clip(s, 0.0, 100.0), scored


def ranks(total: np.ndarray) -> np.ndarray:
    """Competition ranks, best first: 1 + the number of zones with a higher total."""
    t = np.asarray(total, dtype=float)
    return 1 + (t[None, :] > t[:, None] + TIE).sum(axis=1)


def score(
    values: np.ndarray,
    higher_better: np.ndarray,
    indicator_weight: np.ndarray,
    indicator_dimension: np.ndarray,
    dimension_weight: np.ndarray,
) -> Scored:
    """Score every zone (rows of `values`) on every indicator (columns), `indicator_dimension[i]` the index of
    indicator i's dimension in `dimension_weight`."""
    values = np.asarray(values, dtype=float)
    n_zones, n_ind = values.shape
    dim_w = np.asarray(dimension_weight, dtype=float)
    ind_w = np.asarray(indicator_weight, dtype=float)
    ind_d = np.asarray(indicator_dimension, dtype=int)
    s, scored = normalise(values, higher_better)
    member = ind_d[None, :] == np.arange(len(dim_w))[:, None]  # dimensions × indicators
    counted = ~np.isnan(s)  # zones × indicators
    w = np.where(counted, ind_w[None, :], 0.0)  # zones × indicators
    w_dim = w @ member.T.astype(float)  # zones × dimensions: the weight present in each dimension
    sum_dim = np.nan_to_num(s) * w @ member.T.astype(float)
    with np.errstate(all="ignore"):
        dim = np.where(w_dim > 0, sum_dim / w_dim, 0.0)
    total_w = dim_w.sum()
    total = dim @ dim_w / total_w if total_w > 0 else np.zeros(n_zones)
    with np.errstate(all="ignore"):
        share_in_dim = np.where(w > 0, w / (w_dim @ member.astype(float)), 0.0)  # zones × indicators
    dim_share = dim_w[ind_d] / total_w if total_w > 0 else np.zeros(n_ind)
    effective = share_in_dim * dim_share[None, :]
    return Scored(
        indicator=s,
        dimension=dim,
        total=total,
        rank=ranks(total) if n_zones else np.zeros(0, dtype=int),
        scored=scored,
        weight=np.nan_to_num(effective) if n_ind else np.zeros((n_zones, 0)),
    )


def points_lost(scored: Scored, zone: int) -> np.ndarray:
    """Per indicator, the points of the total a zone loses against the best zone in it: effective weight ×
    (100 − score); nan where the zone has no scored value."""
    s = scored.indicator[zone]
    return np.where(np.isnan(s), np.nan, scored.weight[zone] * (100.0 - s))


def growth(current: float | None, previous: float | None) -> float | None:
    """Growth on the previous year in %: (current − previous) ÷ |previous| × 100; None without both or from 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous) * 100.0

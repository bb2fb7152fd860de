import numpy as np

from parkos.efficiency.engine import INPUT_COLUMNS, Inputs


def make_inputs(rows):
    """rows: dicts with uscc, division, established (ISO or None), above, events and any INPUT_COLUMNS."""
    return Inputs(
        uscc=np.array([r["uscc"] for r in rows], dtype=str),
        division=np.array([r.get("division", "35") for r in rows], dtype=str),
        established=np.array([r.get("established") or "NaT" for r in rows], dtype="datetime64[D]"),
        is_above=np.array([r.get("above", True) for r in rows], dtype=bool),
        numbers={
            c: np.array([np.nan if r.get(c) is None else float(r[c]) for r in rows]) for c in INPUT_COLUMNS
        },
        vetoes=[r.get("vetoes", []) for r in rows],
        downgrades=[r.get("downgrades", []) for r in rows],
    )

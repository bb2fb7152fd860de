"""Credit supervision: the SR-1 random draw, effective classes and 失信 windows (specs/credit.md). No Django.

* **SR-1** (§6): frozen inputs are serialised canonically and hashed (SHA-256); the seed is
  SHA-256(task_id | pool_hash | inspector_hash | config_hash | public_entropy); every object of a class stratum
  gets the rank key HMAC-SHA256(seed, "OBJ|" + class + "|" + uscc) read as a 256-bit big-endian integer, and
  the n = min(N, max(min_per_stratum, ⌈ratio × N⌉)) smallest keys are drawn — with the ratio an exact
  fraction, so 30 % of 10 is 3 and 7 % of 100 is 7 (the float product 0.07 × 100 is 7.000000000000001 and
  would give 8). Sampled
  objects are taken in draw order (class A, B, C, D, UNKNOWN, each by key) and get the team_size best-ranked
  eligible inspectors by HMAC-SHA256(seed, "INS|" + uscc + "|" + inspector_id); an inspector is eligible when
  not in conflict with the object and below the maximum load; an object without a full team goes to manual
  assignment. Nothing depends on the order of the input rows, and nothing uses `random`.
* **Effective class** (§2.3): the highest risk of the SAMR class, the sector grades and the list overrides in
  force; none at all → B. Computed over columns for the whole registry.
* **失信 windows** (§7, 信用修复管理办法, in force 2026-04-01): 轻微 may apply for repair at once and is
  published at most 3 months; 一般 3 months to 1 year; 严重 1 to 3 years, counted from the decision date.

Hashing note: HMAC keys are computed from precomputed inner/outer SHA-256 states, which is HMAC by
definition (RFC 2104) and checked against `hmac.digest` in the tests; it is 2–3× faster for a 100,000-object
draw. Digests are compared as bytes, which orders them exactly as their big-endian integers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import hmac
import json
import math
import multiprocessing as mp
import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np

ALGORITHM = "SR-1"
CLASSES = ("A", "B", "C", "D", "UNKNOWN")
RISK_CLASSES = ("A", "B", "C", "D")  # risk 0..3
DEFAULT_RATIOS: dict[str, Fraction] = {
    "A": Fraction("0.03"),
    "B": Fraction("0.1"),
    "C": Fraction("0.3"),
    "D": Fraction(1),
    "UNKNOWN": Fraction("0.1"),
}
DEFAULT_TEAM_SIZE = 2

# manual-assignment reasons (codes; the pages translate them)
NO_TEAM = "no_team"  # fewer eligible inspectors than the team size
DEPT_MISSING = "dept_missing"  # a joint task's department has no eligible inspector


# -- canonical snapshots and hashes --------------------------------------------------------------------
def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pool_bytes(pool: Iterable[tuple[str, str]]) -> bytes:
    """The object pool as UTF-8 lines `uscc,class\\n` sorted by USCC (§6.1.2)."""
    return "".join(f"{u},{c}\n" for u, c in sorted(pool)).encode()


@dataclass(frozen=True, order=True)
class Inspector:
    """One entry of the inspector pool snapshot: its id, department, qualifications and load before the draw."""

    id: str
    dept: str = ""
    quals: tuple[str, ...] = ()
    load: int = 0

    def line(self) -> str:
        return f"{self.id},{self.dept},{';'.join(sorted(self.quals))},{self.load}\n"


def inspector_bytes(inspectors: Iterable[Inspector]) -> bytes:
    """The inspector pool as UTF-8 lines `id,dept,qual;qual,load\\n` sorted by id (§6.1.3)."""
    return "".join(i.line() for i in sorted(inspectors, key=lambda i: i.id)).encode()


def conflict_bytes(conflicts: Iterable[tuple[str, str]]) -> bytes:
    """The conflict table as UTF-8 lines `inspector_id,uscc\\n`, sorted and without repeats (§6.1.4)."""
    return "".join(f"{i},{u}\n" for i, u in sorted(set(conflicts))).encode()


@dataclass(frozen=True)
class DrawConfig:
    """Ratios (exact fractions) per class and the team rules; `required_depts` makes a joint task."""

    ratios: Mapping[str, Fraction] = field(default_factory=lambda: dict(DEFAULT_RATIOS))
    min_per_stratum: int = 1
    team_size: int = DEFAULT_TEAM_SIZE
    max_load: int | None = None
    required_depts: tuple[str, ...] = ()

    def canonical(self) -> str:
        """Canonical JSON (sorted keys, ratios as exact decimal strings or p/q) — what `config_hash` hashes."""
        return json.dumps(
            {
                "algorithm": ALGORITHM,
                "max_load": self.max_load,
                "min_per_stratum": self.min_per_stratum,
                "ratios": {c: fraction_text(Fraction(self.ratios.get(c, 0))) for c in CLASSES},
                "required_depts": sorted(self.required_depts),
                "team_size": self.team_size,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_canonical(cls, text: str) -> DrawConfig:
        raw = json.loads(text)
        return cls(
            ratios={c: Fraction(v) for c, v in raw["ratios"].items()},
            min_per_stratum=int(raw["min_per_stratum"]),
            team_size=int(raw["team_size"]),
            max_load=raw["max_load"],
            required_depts=tuple(raw["required_depts"]),
        )


def fraction_text(f: Fraction) -> str:
    """0.03 for 3/100, 1 for 1/1; p/q when the fraction has no finite decimal form."""
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return f"{f.numerator}/{f.denominator}"
    return format(Decimal(f.numerator) / Decimal(f.denominator), "f")


def seed_of(
    task_id: str, pool_hash: str, inspector_hash: str, config_hash: str, public_entropy: str
) -> bytes:
    """§6.1.6: the draw's seed from the task, the three hashes and the public entropy."""
    return hashlib.sha256(
        "|".join([task_id, pool_hash, inspector_hash, config_hash, public_entropy]).encode()
    ).digest()


def rank_key(seed: bytes, label: str) -> int:
    """HMAC-SHA256(seed, label) as a 256-bit big-endian integer (the spec's reference definition)."""
    return int.from_bytes(hmac.new(seed, label.encode(), hashlib.sha256).digest(), "big")


class _Hmac:
    """HMAC-SHA256 under one key with the inner and outer states computed once (RFC 2104)."""

    def __init__(self, key: bytes):
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def prefixed(self, prefix: bytes):
        h = self.inner.copy()
        h.update(prefix)
        return h

    def finish(self, inner) -> bytes:
        o = self.outer.copy()
        o.update(inner.digest())
        return o.digest()

    def keys(self, prefix: bytes, tails: Sequence[bytes]) -> list[bytes]:
        """digest(prefix + tail) + tail for every tail: sorting these bytes sorts by (key, tail)."""
        base = self.prefixed(prefix)
        outer = self.outer
        out: list[bytes] = []
        append = out.append
        for t in tails:
            h = base.copy()
            h.update(t)
            o = outer.copy()
            o.update(h.digest())
            append(o.digest() + t)
        return out


# -- the draw ------------------------------------------------------------------------------------------
def stratum_size(n_objects: int, ratio: Fraction | int | str, min_per_stratum: int = 1) -> int:
    """n = 0 when the ratio is 0 or the stratum empty, else min(N, max(min_per_stratum, ⌈ratio × N⌉)), exactly."""
    r = Fraction(ratio)
    if r <= 0 or n_objects == 0:
        return 0
    return min(n_objects, max(min_per_stratum, math.ceil(r * n_objects)))


@dataclass(frozen=True)
class Drawn:
    uscc: str
    cls: str
    key: str  # the rank key, 64 hex digits


@dataclass
class DrawResult:
    strata: dict[str, tuple[int, int]]  # class → (N, n)
    sample: list[Drawn]
    assignments: dict[str, list[str]]  # uscc → inspector ids by rank
    manual: dict[str, str]  # uscc → reason code, in sample order
    assigned: bool  # whether an inspector pool was given

    def as_json(self) -> dict:
        """The CLI's and the record's output (issue #17 §6)."""
        return {
            "strata": {c: {"N": N, "n": n} for c, (N, n) in self.strata.items()},
            "sample": [{"uscc": d.uscc, "class": d.cls} for d in self.sample],
            "assignments": {u: list(ids) for u, ids in self.assignments.items()},
            "manual": list(self.manual),
        }

    def output_hash(self) -> str:
        """SHA-256 of the canonical output (keys included): what verification compares."""
        payload = self.as_json() | {"keys": [d.key for d in self.sample], "manual_reasons": self.manual}
        return sha256_hex(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode())


def draw_objects(
    pool: Iterable[tuple[str, str]], ratios: Mapping[str, Fraction], seed: bytes, min_per_stratum: int = 1
) -> tuple[dict[str, tuple[int, int]], list[Drawn]]:
    """§6.2 over an eligible pool of (uscc, class): strata sizes and the sample in draw order."""
    by_class: dict[str, list[str]] = {c: [] for c in CLASSES}
    for u, c in pool:
        by_class[c].append(u)
    mac = _Hmac(seed)
    strata: dict[str, tuple[int, int]] = {}
    sample: list[Drawn] = []
    for c in CLASSES:
        members = by_class[c]
        n = stratum_size(len(members), ratios.get(c, 0), min_per_stratum)
        strata[c] = (len(members), n)
        if not n:
            continue
        tails = [u.encode() for u in members]
        keyed = mac.keys(f"OBJ|{c}|".encode(), tails)
        for k in sorted(keyed)[:n]:
            sample.append(Drawn(uscc=k[32:].decode(), cls=c, key=k[:32].hex()))
    return strata, sample


PARALLEL_KEYS = 400_000  # above this many inspector keys, two processes compute the candidates
SPARE = 30  # candidates kept per object beyond its team and its conflicts


def _candidates(
    seed: bytes, usccs: Sequence[str], tails: Sequence[bytes], keep: Sequence[int]
) -> list[list[bytes]]:
    """For each object its `keep` best-ranked inspectors (digest + id bytes, in rank order)."""
    mac = _Hmac(seed)
    return [
        heapq.nsmallest(k, mac.keys(f"INS|{u}|".encode(), tails))
        if k < len(tails)
        else sorted(mac.keys(f"INS|{u}|".encode(), tails))
        for u, k in zip(usccs, keep, strict=True)
    ]


def _candidates_parallel(
    seed: bytes, usccs: Sequence[str], tails: Sequence[bytes], keep: Sequence[int]
) -> list[list[bytes]]:
    """`_candidates` over two forked processes when the machine has the cores and the work is large."""
    workers = min(os.cpu_count() or 1, 2)
    if workers < 2 or len(usccs) * len(tails) < PARALLEL_KEYS or "fork" not in mp.get_all_start_methods():
        return _candidates(seed, usccs, tails, keep)
    half = len(usccs) // 2
    with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as ex:
        first = ex.submit(_candidates, seed, usccs[:half], tails, keep[:half])
        second = _candidates(seed, usccs[half:], tails, keep[half:])
        return first.result() + second


def assign(
    sample: Sequence[Drawn],
    inspectors: Iterable[Inspector],
    conflicts: Iterable[tuple[str, str]],
    seed: bytes,
    *,
    team_size: int = DEFAULT_TEAM_SIZE,
    max_load: int | None = None,
    required_depts: Sequence[str] = (),
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """§6.3: teams for the sampled objects in sample order, with conflicts and loads; the rest to manual.

    Every object's best-ranked inspectors are computed first (in parallel for a large draw), keeping its team
    size + its conflicts + SPARE of them; the teams are then taken in sample order. When the kept candidates
    run out (too many inspectors at their maximum load, or a joint task's department not among them) the
    object's full ranking is computed, so the result is exactly the spec's whatever is kept.
    """
    pool = sorted(set(inspectors), key=lambda i: i.id)
    dept = {i.id: i.dept for i in pool}
    load = {i.id: i.load for i in pool}
    barred: dict[str, set[str]] = {}
    for ins, u in conflicts:
        barred.setdefault(u, set()).add(ins)
    tails = [i.id.encode() for i in pool]
    full: set[str] = set() if max_load is None else {i for i, v in load.items() if v >= max_load}
    assignments: dict[str, list[str]] = {}
    manual: dict[str, str] = {}
    required = list(dict.fromkeys(required_depts))
    usccs = [d.uscc for d in sample]
    keep = [team_size + len(required) + len(barred.get(u, ())) + SPARE for u in usccs]
    candidates = _candidates_parallel(seed, usccs, tails, keep) if tails else [[] for _ in usccs]
    for u, cands in zip(usccs, candidates, strict=True):
        no = barred.get(u, set())
        team = _pick(cands, dept, no, full, required, team_size)
        if team is None and len(cands) < len(tails):  # candidates ran out: the full ranking decides
            team = _pick(_candidates(seed, [u], tails, [len(tails)])[0], dept, no, full, required, team_size)
        if team is None:
            eligible = sum(1 for i in dept if i not in full and i not in no)
            manual[u] = DEPT_MISSING if required and eligible >= team_size else NO_TEAM
            continue
        assignments[u] = team
        for i in team:
            load[i] += 1
            if max_load is not None and load[i] >= max_load:
                full.add(i)
    return assignments, manual


def _pick(
    cands: Sequence[bytes],
    dept: Mapping[str, str],
    barred: set[str],
    full: set[str],
    required: Sequence[str],
    size: int,
) -> list[str] | None:
    """The team from ranked candidates, or None when they hold no full team (of the required departments)."""
    ranked: list[str] = []
    for c in cands:
        i = c[32:].decode()
        if i in full or i in barred:
            continue
        ranked.append(i)
        if not required and len(ranked) == size:
            return ranked
    if not required:
        return None
    team = _joint_team(ranked, dept, required, size)
    if team is not None and len(team) >= max(size, len(required)):
        return team
    return None


def _joint_team(
    ranked: list[str], dept: Mapping[str, str], required: Sequence[str], size: int
) -> list[str] | None:
    """The best-ranked inspector of each required department, then the best of the rest up to the team size;
    in rank order. None when a department has nobody eligible."""
    team: list[str] = []
    for dep in required:
        best = next((i for i in ranked if dept[i] == dep and i not in team), None)
        if best is None:
            return None
        team.append(best)
    team += [i for i in ranked if i not in team][: max(size - len(team), 0)]
    order = {i: k for k, i in enumerate(ranked)}
    return sorted(team, key=order.__getitem__)


def draw(
    pool: Iterable[tuple[str, str]],
    seed: bytes,
    config: DrawConfig | None = None,
    inspectors: Iterable[Inspector] | None = None,
    conflicts: Iterable[tuple[str, str]] = (),
) -> DrawResult:
    """The whole SR-1 draw over an eligible pool: objects, then (when inspectors are given) teams."""
    config = config or DrawConfig()
    strata, sample = draw_objects(pool, config.ratios, seed, config.min_per_stratum)
    assignments: dict[str, list[str]] = {}
    manual: dict[str, str] = {}
    if inspectors is not None:
        assignments, manual = assign(
            sample,
            inspectors,
            conflicts,
            seed,
            team_size=config.team_size,
            max_load=config.max_load,
            required_depts=config.required_depts,
        )
    return DrawResult(strata, sample, assignments, manual, assigned=inspectors is not None)


# -- effective class (§2.3) ----------------------------------------------------------------------------
RISK = {c: r for r, c in enumerate(RISK_CLASSES)}
NO_CLASS_RISK = RISK["B"]  # none at all → treated as B

# sector grade schemes: grade → risk class [default mappings]
SECTOR_SCHEMES: dict[str, dict[str, str]] = {
    "tax_credit": {"A": "A", "B": "B", "M": "B", "C": "C", "D": "D"},  # 纳税信用 A/B/M/C/D
    "environment": {"诚信": "A", "良好": "B", "警示": "C", "不良": "D"},  # 环保信用 (绿/蓝/黄/红)
    "safety": {"A": "A", "B": "B", "C": "C", "D": "D"},  # 安全生产诚信
    "construction": {"A": "A", "B": "B", "C": "C", "D": "D"},  # 建筑市场信用
    "customs": {"高级认证": "A", "一般信用": "B", "失信": "D"},  # 海关信用 (AEO)
}
# lists: which class an entry in force forces [default: §2.2 puts 严重失信 at D]
LIST_CLASSES = {"serious": "D", "abnormal": "C", "watch": "C"}


def max_risk(n: int, owner: np.ndarray, risk: np.ndarray) -> np.ndarray:
    """Per owner 0..n-1 the highest risk (0=A … 3=D) among its inputs; an owner without inputs gets B."""
    out = np.full(n, -1, dtype=np.int8)
    if len(owner):
        np.maximum.at(out, np.asarray(owner, dtype=np.int64), np.asarray(risk, dtype=np.int8))
    out[out < 0] = NO_CLASS_RISK
    return out


def class_letters(risks: np.ndarray) -> np.ndarray:
    return np.array(RISK_CLASSES)[risks]


# -- 失信 windows (§7) ---------------------------------------------------------------------------------
MINOR, ORDINARY, SERIOUS = "minor", "ordinary", "serious"
WINDOW_MONTHS = {MINOR: (0, 3), ORDINARY: (3, 12), SERIOUS: (12, 36)}  # (minimum, maximum) months


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    last = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def repair_window(decided_on: dt.date, severity: str) -> tuple[dt.date, dt.date]:
    """(the first day repair may be applied for, the last day of publication) of a 失信 record."""
    lo, hi = WINDOW_MONTHS[severity]
    return add_months(decided_on, lo), add_months(decided_on, hi)


def in_force(
    on: dt.date | np.datetime64, decided: np.ndarray, until: np.ndarray, ended: np.ndarray
) -> np.ndarray:
    """Whether each record counts on a date: decided on or before it, publication not past `until`
    (NaT = no limit) and not ended earlier by repair or removal (`ended`, NaT = not ended)."""
    day = np.asarray(on, dtype="datetime64[D]")
    decided = np.asarray(decided, dtype="datetime64[D]")
    until = np.asarray(until, dtype="datetime64[D]")
    ended = np.asarray(ended, dtype="datetime64[D]")
    return (decided <= day) & (np.isnat(until) | (day <= until)) & (np.isnat(ended) | (day < ended))


# -- the record: snapshots back, and verification (§6.4) ------------------------------------------------------
def parse_pool(text: str) -> list[tuple[str, str]]:
    return [(u, c) for u, _, c in (line.partition(",") for line in text.splitlines() if line)]


def parse_inspectors(text: str) -> list[Inspector]:
    out = []
    for line in text.splitlines():
        if line:
            i, dept, quals, load = line.split(",")
            out.append(Inspector(i, dept, tuple(q for q in quals.split(";") if q), int(load)))
    return out


def parse_conflicts(text: str) -> set[tuple[str, str]]:
    return {(i, u) for i, _, u in (line.partition(",") for line in text.splitlines() if line)}


def commitment_of(secret: str) -> str:
    """What a task publishes when it is created: SHA-256 of the server's secret (hex text, UTF-8)."""
    return sha256_hex(secret.encode())


def entropy_of(witness_code: str, secret: str) -> str:
    """The public entropy: the witness's code and the revealed secret, joined (both, as §6.1.6 advises)."""
    return f"{witness_code}|{secret}"


def result_payload(result: DrawResult) -> dict:
    """The draw's output as the record stores and exports it: the CLI's JSON plus the rank keys and reasons."""
    out = result.as_json()
    out["sample"] = [{"uscc": d.uscc, "class": d.cls, "key": d.key} for d in result.sample]
    out["manual_reasons"] = dict(result.manual)
    return out


def recompute(record: Mapping) -> tuple[DrawResult, bytes]:
    """The draw again from a record's inputs (its export): the result and the seed."""
    inputs = record["inputs"]
    seed = seed_of(
        record["task_id"],
        sha256_hex(inputs["pool"].encode()),
        sha256_hex(inputs["inspectors"].encode()),
        sha256_hex(inputs["config"].encode()),
        entropy_of(record["witness_code"], record["secret"]),
    )
    config = DrawConfig.from_canonical(inputs["config"])
    result = draw(
        parse_pool(inputs["pool"]),
        seed,
        config,
        parse_inspectors(inputs["inspectors"]),
        parse_conflicts(inputs["conflicts"]),
    )
    return result, seed


@dataclass(frozen=True)
class Check:
    key: str  # pool_hash, inspector_hash, conflict_hash, config_hash, commitment, seed, output
    ok: bool
    recorded: str
    recomputed: str


def verify(record: Mapping) -> list[Check]:
    """Every check anyone can make on an exported record: the four hashes against the snapshots, the commitment
    against the revealed secret, the seed, and the whole draw recomputed (its output hash and content)."""
    inputs = record["inputs"]
    checks = []
    for key, part in (
        ("pool_hash", "pool"),
        ("inspector_hash", "inspectors"),
        ("conflict_hash", "conflicts"),
        ("config_hash", "config"),
    ):
        got = sha256_hex(inputs[part].encode())
        checks.append(Check(key, got == record[key], record[key], got))
    got = commitment_of(record["secret"])
    checks.append(Check("commitment", got == record["commitment"], record["commitment"], got))
    if record.get("algorithm_version", ALGORITHM) != ALGORITHM:
        checks.append(Check("algorithm", False, str(record.get("algorithm_version")), ALGORITHM))
        return checks
    result, seed = recompute(record)
    checks.append(Check("seed", seed.hex() == record["seed"], record["seed"], seed.hex()))
    same = result_payload(result) == record["result"]
    got = result.output_hash()
    checks.append(Check("output", same and got == record["output_hash"], record["output_hash"], got))
    return checks

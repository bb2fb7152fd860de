"""The SR-1 draw (specs/credit.md §6) against the spec's own reference code and hand-worked cases."""

import hashlib
import hmac
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parkos.credit import engine
from parkos.credit.engine import DrawConfig, Inspector
from parkos.demo import make_uscc

SEED = bytes.fromhex("00112233445566778899aabbccddeeff")
WORKED_RATIOS = {"A": Fraction("0.03"), "B": Fraction("0.1"), "C": Fraction("0.3"), "D": Fraction(1)}


def codes(n, start=1):
    return [make_uscc("430121", start + k) for k in range(n)]


# -- the spec's reference code (§6.3a), verbatim but for exact ratios ----------------------------------
def ref_rank_key(seed, label):
    return int.from_bytes(hmac.new(seed, label.encode(), hashlib.sha256).digest(), "big")


def ref_draw_objects(pool, ratios, seed, min_per_stratum=1):
    result = {}
    for c in ["A", "B", "C", "D", "UNKNOWN"]:
        stratum = sorted(u for u, cls in pool if cls == c)
        r = ratios.get(c, 0)
        n = (
            0
            if (r == 0 or not stratum)
            else min(len(stratum), max(min_per_stratum, math.ceil(r * len(stratum))))
        )
        ranked = sorted(stratum, key=lambda u, c=c: (ref_rank_key(seed, f"OBJ|{c}|{u}"), u))
        result[c] = ranked[:n]
    return result


def ref_rank_inspectors(seed, uscc, ids):
    return sorted(ids, key=lambda i: (ref_rank_key(seed, f"INS|{uscc}|{i}"), i))


# -- objects ---------------------------------------------------------------------------------------------
def test_spec_worked_check_forty_objects_ten_per_class_draws_1_1_3_10():
    usccs = codes(40)
    pool = [(u, "ABCD"[k // 10]) for k, u in enumerate(usccs)]
    result = engine.draw(pool, SEED, DrawConfig(ratios=WORKED_RATIOS))
    assert {c: n for c, (_, n) in result.strata.items()} == {"A": 1, "B": 1, "C": 3, "D": 10, "UNKNOWN": 0}
    assert {c: N for c, (N, _) in result.strata.items()} == {"A": 10, "B": 10, "C": 10, "D": 10, "UNKNOWN": 0}
    assert [d.cls for d in result.sample] == ["A", "B", "C", "C", "C"] + ["D"] * 10
    expected = ref_draw_objects(pool, WORKED_RATIOS, SEED)
    assert [d.uscc for d in result.sample] == [u for c in engine.CLASSES for u in expected[c]]


def test_stratum_sizes_are_exact_where_float_products_would_round_up():
    assert math.ceil(0.07 * 100) == 8  # the trap: 0.07 × 100 = 7.000000000000001 in floating point
    assert engine.stratum_size(100, Fraction("0.07")) == 7
    assert engine.stratum_size(50, Fraction("0.14")) == 7
    assert engine.stratum_size(10, Fraction("0.3")) == 3
    assert engine.stratum_size(10, "0.3") == 3
    assert engine.stratum_size(7, Fraction("0.1")) == 1  # ⌈0.7⌉
    assert engine.stratum_size(20, Fraction("0.03"), min_per_stratum=1) == 1  # ⌈0.6⌉
    assert engine.stratum_size(200, Fraction("0.03"), min_per_stratum=10) == 10  # the minimum wins
    assert engine.stratum_size(5, Fraction("0.03"), min_per_stratum=10) == 5  # never more than N
    assert engine.stratum_size(0, Fraction(1)) == 0
    assert engine.stratum_size(10, 0) == 0  # a ratio of 0 draws nobody, whatever the minimum


def test_rank_keys_are_hmac_sha256_of_the_label_read_big_endian():
    mac = engine._Hmac(SEED)
    labels = [b"abc", b"91430121MA4L000014", b""]
    got = mac.keys(b"OBJ|A|", labels)
    for g, tail in zip(got, labels, strict=True):
        assert g[32:] == tail
        assert int.from_bytes(g[:32], "big") == engine.rank_key(SEED, "OBJ|A|" + tail.decode())
        assert g[:32] == hmac.digest(SEED, b"OBJ|A|" + tail, "sha256")
    long_key = bytes(range(100))  # keys longer than the block are hashed first (RFC 2104)
    assert engine._Hmac(long_key).keys(b"x", [b"y"])[0][:32] == hmac.digest(long_key, b"xy", "sha256")


def test_seed_is_sha256_of_the_joined_inputs():
    seed = engine.seed_of("T-1", "p" * 64, "i" * 64, "c" * 64, "4711")
    assert (
        seed
        == hashlib.sha256(("T-1|" + "p" * 64 + "|" + "i" * 64 + "|" + "c" * 64 + "|4711").encode()).digest()
    )


def test_snapshots_are_canonical_whatever_the_row_order():
    a, b = codes(2)
    assert engine.pool_bytes([(b, "C"), (a, "A")]) == f"{a},A\n{b},C\n".encode()
    assert engine.inspector_bytes([Inspector("I2", "市场局", ("食品", "特种设备")), Inspector("I1")]) == (
        "I1,,,0\nI2,市场局,特种设备;食品,0\n".encode()
    )
    assert engine.conflict_bytes([("I2", a), ("I1", b), ("I2", a)]) == f"I1,{b}\nI2,{a}\n".encode()
    assert DrawConfig().canonical() == (
        '{"algorithm":"SR-1","max_load":null,"min_per_stratum":1,"ratios":{"A":"0.03","B":"0.1","C":"0.3",'
        '"D":"1","UNKNOWN":"0.1"},"required_depts":[],"team_size":2}'
    )
    assert DrawConfig.from_canonical(DrawConfig().canonical()) == DrawConfig()
    assert engine.fraction_text(Fraction(1, 3)) == "1/3"


# -- inspectors --------------------------------------------------------------------------------------------
def test_team_is_the_two_best_ranked_inspectors():
    (u,) = codes(1)
    ins = [Inspector(f"I{k}") for k in range(1, 6)]
    sample = [engine.Drawn(u, "B", "")]
    assignments, manual = engine.assign(sample, ins, set(), SEED)
    assert assignments == {u: ref_rank_inspectors(SEED, u, [i.id for i in ins])[:2]}
    assert manual == {}


def test_a_conflicted_inspector_is_never_on_the_team_and_the_next_one_steps_in():
    (u,) = codes(1)
    ids = ["I1", "I2", "I3", "I4"]
    ranked = ref_rank_inspectors(SEED, u, ids)
    sample = [engine.Drawn(u, "D", "")]
    conflicts = {(ranked[0], u)}
    assignments, _ = engine.assign(sample, [Inspector(i) for i in ids], conflicts, SEED)
    assert assignments[u] == ranked[1:3]


def test_load_limit_moves_later_objects_to_other_inspectors_and_then_to_manual():
    """Three inspectors, max load 1 (one already holds a task): the first object gets the two free ones, the
    second finds only the loaded one below the limit… none: it goes to manual assignment."""
    u1, u2 = codes(2)
    ins = [Inspector("I1"), Inspector("I2"), Inspector("I3", load=1)]
    sample = [engine.Drawn(u1, "C", ""), engine.Drawn(u2, "C", "")]
    assignments, manual = engine.assign(sample, ins, set(), SEED, max_load=1)
    assert assignments == {u1: ref_rank_inspectors(SEED, u1, ["I1", "I2"])}
    assert manual == {u2: engine.NO_TEAM}


def test_loads_count_across_objects_in_sample_order():
    """Four inspectors with max load 1 and teams of two: two objects take all four, the third is manual; the
    first object always gets its own top two."""
    u1, u2, u3 = codes(3)
    ids = ["I1", "I2", "I3", "I4"]
    sample = [engine.Drawn(u, "B", "") for u in (u1, u2, u3)]
    assignments, manual = engine.assign(sample, [Inspector(i) for i in ids], set(), SEED, max_load=1)
    first = ref_rank_inspectors(SEED, u1, ids)[:2]
    rest = [i for i in ids if i not in first]
    assert assignments == {u1: first, u2: ref_rank_inspectors(SEED, u2, rest)}
    assert list(manual) == [u3]


def test_an_object_with_too_many_conflicts_goes_to_manual_and_takes_no_load():
    u1, u2 = codes(2)
    ids = ["I1", "I2", "I3"]
    conflicts = {("I1", u1), ("I2", u1)}
    sample = [engine.Drawn(u1, "D", ""), engine.Drawn(u2, "D", "")]
    assignments, manual = engine.assign(sample, [Inspector(i) for i in ids], conflicts, SEED, max_load=1)
    assert manual == {u1: engine.NO_TEAM}
    assert assignments == {u2: ref_rank_inspectors(SEED, u2, ids)[:2]}


def test_joint_task_takes_the_best_of_each_department_then_fills():
    (u,) = codes(1)
    ins = [Inspector("M1", "市场"), Inspector("M2", "市场"), Inspector("E1", "生态"), Inspector("E2", "生态")]
    sample = [engine.Drawn(u, "B", "")]
    ranked = ref_rank_inspectors(SEED, u, [i.id for i in ins])
    best = {d: next(i for i in ranked if i.startswith(d[0])) for d in ("M", "E")}
    assignments, _ = engine.assign(sample, ins, set(), SEED, team_size=2, required_depts=["市场", "生态"])
    assert sorted(assignments[u]) == sorted(best.values())
    assert assignments[u] == sorted(best.values(), key=ranked.index)
    three, _ = engine.assign(sample, ins, set(), SEED, team_size=3, required_depts=["市场", "生态"])
    assert set(best.values()) < set(three[u])
    assert three[u] == sorted(three[u], key=ranked.index)
    assert len(three[u]) == 3
    none, manual = engine.assign(sample, ins, set(), SEED, required_depts=["市场", "应急"])
    assert none == {}
    assert manual == {u: engine.DEPT_MISSING}


def test_without_an_inspector_pool_only_objects_are_drawn():
    pool = [(u, "D") for u in codes(3)]
    result = engine.draw(pool, SEED)
    assert result.as_json()["assignments"] == {}
    assert result.as_json()["manual"] == []
    assert len(result.sample) == 3


# -- properties -------------------------------------------------------------------------------------------
CLASS = st.sampled_from(engine.CLASSES)


@st.composite
def draws(draw):
    n = draw(st.integers(0, 40))
    usccs = codes(n, start=draw(st.integers(1, 10_000)))
    pool = [(u, draw(CLASS)) for u in usccs]
    ins = [Inspector(f"I{k}", load=draw(st.integers(0, 2))) for k in range(draw(st.integers(0, 8)))]
    conflicts = {(draw(st.sampled_from(ins)).id, u) for u in usccs if ins and draw(st.booleans())}
    seed = draw(st.binary(min_size=1, max_size=40))
    perm = draw(st.permutations(range(n)))
    ins_perm = draw(st.permutations(range(len(ins))))
    cfg = DrawConfig(
        ratios={c: Fraction(draw(st.integers(0, 100)), 100) for c in engine.CLASSES},
        team_size=draw(st.integers(1, 3)),
        max_load=draw(st.none() | st.integers(1, 4)),
    )
    return pool, ins, conflicts, seed, perm, ins_perm, cfg


@settings(max_examples=60, deadline=None)
@given(draws())
def test_the_draw_does_not_depend_on_the_order_of_the_rows(case):
    pool, ins, conflicts, seed, perm, ins_perm, cfg = case
    one = engine.draw(pool, seed, cfg, ins, conflicts)
    two = engine.draw([pool[k] for k in perm], seed, cfg, [ins[k] for k in ins_perm], list(conflicts)[::-1])
    assert one.as_json() == two.as_json()
    assert one.output_hash() == two.output_hash()


@settings(max_examples=60, deadline=None)
@given(draws())
def test_the_object_draw_equals_the_spec_reference_code(case):
    pool, _, _, seed, _, _, cfg = case
    expected = ref_draw_objects(pool, cfg.ratios, seed)
    strata, sample = engine.draw_objects(pool, cfg.ratios, seed)
    assert [d.uscc for d in sample] == [u for c in engine.CLASSES for u in expected[c]]
    assert {c: n for c, (_, n) in strata.items()} == {c: len(v) for c, v in expected.items()}


@settings(max_examples=60, deadline=None)
@given(draws())
def test_teams_respect_conflicts_loads_and_size(case):
    pool, ins, conflicts, seed, _, _, cfg = case
    result = engine.draw(pool, seed, cfg, ins, conflicts)
    loads = {i.id: i.load for i in ins}
    for d in result.sample:  # in sample order, every object is either assigned or manual
        team = result.assignments.get(d.uscc)
        assert (team is None) == (d.uscc in result.manual)
        if team is None:
            continue
        assert len(team) == cfg.team_size == len(set(team))
        assert not any((i, d.uscc) in conflicts for i in team)
        if cfg.max_load is not None:
            assert all(loads[i] < cfg.max_load for i in team)
        assert team == ref_rank_inspectors(seed, d.uscc, team)
        for i in team:
            loads[i] += 1


def test_changing_another_stratum_leaves_a_stratum_draw_unchanged():
    a = [(u, "A") for u in codes(30)]
    b = [(u, "B") for u in codes(30, start=500)]
    one = engine.draw(a + b, SEED).sample
    two = engine.draw(a + b[:10], SEED).sample
    assert [d for d in one if d.cls == "A"] == [d for d in two if d.cls == "A"]


@pytest.mark.parametrize(
    ("decided", "severity", "window"),
    [
        ("2026-04-01", "minor", ("2026-04-01", "2026-07-01")),
        ("2026-01-31", "ordinary", ("2026-04-30", "2027-01-31")),  # 31 Jan + 3 months → 30 Apr
        ("2026-11-30", "ordinary", ("2027-02-28", "2027-11-30")),  # month end into February
        ("2027-11-30", "ordinary", ("2028-02-29", "2028-11-30")),  # leap year
        ("2024-02-29", "serious", ("2025-02-28", "2027-02-28")),
        ("2026-12-31", "serious", ("2027-12-31", "2029-12-31")),
    ],
)
def test_repair_windows_by_class_across_month_ends(decided, severity, window):
    import datetime as dt

    got = engine.repair_window(dt.date.fromisoformat(decided), severity)
    assert tuple(d.isoformat() for d in got) == window


def ref_assign(sample, inspectors, conflicts, seed, team_size, max_load):
    """§6.3 done the slow, obvious way: rank every eligible inspector for every object."""
    load = {i.id: i.load for i in inspectors}
    assignments, manual = {}, []
    for u in sample:
        eligible = [
            i.id
            for i in inspectors
            if (i.id, u) not in conflicts and (max_load is None or load[i.id] < max_load)
        ]
        if len(eligible) < team_size:
            manual.append(u)
            continue
        team = ref_rank_inspectors(seed, u, eligible)[:team_size]
        assignments[u] = team
        for i in team:
            load[i] += 1
    return assignments, manual


@pytest.mark.parametrize("case", range(4))
def test_kept_candidates_and_two_processes_give_the_spec_teams_exactly(monkeypatch, case):
    """Tight loads (inspectors fill up, candidates run out and the full ranking is asked for), many conflicts,
    and the work split over two forked processes: the teams are those of the obvious implementation."""
    import random

    rnd = random.Random(case)
    usccs = codes(80, start=3000 + case * 100)
    ins = [Inspector(f"J{k:02d}", load=rnd.randint(0, 2)) for k in range(30)]
    conflicts = {(rnd.choice(ins).id, rnd.choice(usccs)) for _ in range(150)}
    sample = [engine.Drawn(u, "D", "") for u in usccs]
    expected = ref_assign(usccs, ins, conflicts, SEED, 2, 5)
    monkeypatch.setattr(engine, "SPARE", 0)
    monkeypatch.setattr(engine, "PARALLEL_KEYS", 1)
    assignments, manual = engine.assign(sample, ins, conflicts, SEED, team_size=2, max_load=5)
    assert (assignments, list(manual)) == expected
    assert manual  # the loads do run out: 30 × 5 places minus those held, for 80 teams of two

import pytest

from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.imports import import_file
from parkos.efficiency.engine import DEFAULT_SCHEME, PROFILES, Scheme
from parkos.efficiency.models import EvaluationRun, EvaluationScheme
from parkos.efficiency.services import evaluation_run, scheme_apply_profile, scheme_save
from tests.efficiency.test_pipeline import HEAD, feed_rows
from tests.xlsx import write_xlsx


def test_every_named_profile_is_usable_or_says_what_is_missing():
    problems = {name: p.validate() for name, p in PROFILES.items()}
    assert {name for name, p in problems.items() if p} == {"shandong"}
    assert any("weights must be set" in x for x in problems["shandong"])


def test_save_is_validated_versioned_and_audited(admin):
    cfg = DEFAULT_SCHEME.to_dict()
    row = scheme_save(user=admin, year=2025, config=cfg, profile="default", version=None)
    assert row.version == 1
    cfg["cutoffs"] = [0.25, 0.70, 0.95]
    row = scheme_save(user=admin, year=2025, config=cfg, profile="custom", version=1)
    assert (row.version, row.config["cutoffs"]) == (2, [0.25, 0.70, 0.95])
    with pytest.raises(Conflict):
        scheme_save(user=admin, year=2025, config=cfg, profile="custom", version=1)
    bad = dict(cfg, cutoffs=[0.7, 0.2, 0.95])
    with pytest.raises(Invalid):
        scheme_save(user=admin, year=2025, config=bad, profile="custom", version=2)
    assert EvaluationScheme.objects.get(year=2025).history.count() == 2
    assert EvaluationScheme.objects.get(year=2025).history.first().history_user == admin


def test_staff_cannot_change_schemes(staff_a):
    with pytest.raises(Forbidden):
        scheme_save(user=staff_a, year=2025, config=DEFAULT_SCHEME.to_dict(), profile="default", version=None)


def test_the_years_scheme_is_used_and_snapshotted(admin, tmp_path):
    import_file(kind="evaluation-data", source=write_xlsx(tmp_path / "f.xlsx", HEAD, feed_rows()), user=admin)
    scheme_apply_profile(user=admin, year=2025, profile="s4_city", version=None)
    run = evaluation_run(user=admin, year=2025)
    assert run.profile == "s4_city"
    assert Scheme.from_dict(run.scheme) == PROFILES["s4_city"]


def test_incomplete_profile_is_stored_but_not_run(admin, tmp_path):
    scheme_apply_profile(user=admin, year=2025, profile="shandong", version=None)
    with pytest.raises(Invalid):
        evaluation_run(user=admin, year=2025)
    assert not EvaluationRun.objects.filter(year=2025).exists()


def test_previous_year_benchmarks_times_two(admin, tmp_path):
    rows = feed_rows()
    prev = [[*r[:2], 2024, *r[3:]] for r in rows]
    import_file(kind="evaluation-data", source=write_xlsx(tmp_path / "f.xlsx", HEAD, rows + prev), user=admin)
    scheme_apply_profile(user=admin, year=2025, profile="jiangsu_huaian", version=None)
    with pytest.raises(Invalid, match="2024"):
        evaluation_run(user=admin, year=2025)  # no 2024 evaluation yet
    scheme_apply_profile(user=admin, year=2024, profile="jiangsu_huaian", version=None)
    cfg = dict(
        PROFILES["jiangsu_huaian"].to_dict(), benchmark_mode="cohort_aggregate", benchmark_multiplier=1.0
    )
    scheme_save(user=admin, year=2024, config=cfg, profile="custom", version=1)
    prev_run = evaluation_run(user=admin, year=2024)
    run = evaluation_run(user=admin, year=2025)
    snap = Scheme.from_dict(run.scheme)
    assert snap.benchmark_mode == "fixed"
    assert snap.fixed_benchmarks["above"]["tax_per_mu"] == pytest.approx(
        2 * prev_run.benchmarks["above"]["tax_per_mu"]
    )
    assert run.benchmarks["above"]["sales_per_mu"] == pytest.approx(
        2 * prev_run.benchmarks["above"]["sales_per_mu"]
    )


def test_editor_page_round_trip(client_admin, admin):
    page = client_admin.get("/efficiency/schemes/2025/").content.decode()
    assert "亩均税收" in page
    assert 'name="above-0-code"' in page
    post = {
        "version": "",
        "profile_name": "custom",
        "benchmark_mode": "cohort_aggregate",
        "benchmark_multiplier": "1",
        "cut_a": "0.2",
        "cut_b": "0.65",
        "cut_c": "0.95",
        "protection_years": "2",
        "small_min_land_mu": "5",
        "exempt_divisions": "44, 45, 46",
        "above-0-code": "tax_per_mu",
        "above-0-weight": "60",
        "above-0-cap": "2",
        "above-1-code": "rd_ratio",
        "above-1-weight": "40",
        "above-1-cap": "",
        "below-0-code": "tax_per_mu",
        "below-0-weight": "100",
        "below-0-cap": "2",
        "event-数据造假": "veto",
        "event-超能耗限额": "downgrade",
    }
    r = client_admin.post("/efficiency/schemes/2025/", post)
    assert r.status_code == 302
    s = Scheme.from_dict(EvaluationScheme.objects.get(year=2025).config)
    assert [(i.code, i.weight, i.cap) for i in s.above] == [("tax_per_mu", 60, 2.0), ("rd_ratio", 40, None)]
    assert (s.cutoffs, s.protection_years, s.small_min_land_mu) == ((0.2, 0.65, 0.95), 2, 5.0)
    assert (s.vetoes, s.downgrades, s.exempt_divisions) == (
        ("数据造假",),
        ("超能耗限额",),
        ("44", "45", "46"),
    )
    post["version"] = "1"
    post["cut_b"] = "abc"
    r = client_admin.post("/efficiency/schemes/2025/", post)
    assert r.status_code == 200
    assert EvaluationScheme.objects.get(year=2025).version == 1


def test_editor_is_not_for_staff(client_staff_a, db):
    assert client_staff_a.get("/efficiency/schemes/2025/").status_code == 404

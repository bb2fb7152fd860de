import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkos.core.imports import import_file
from parkos.efficiency.models import EvaluationRun
from parkos.efficiency.services import evaluation_run
from parkos.enterprises.models import Enterprise
from tests.efficiency.test_pipeline import HEAD, U, feed_rows
from tests.factories import enterprise_user
from tests.xlsx import read_xlsx, write_xlsx


@pytest.fixture
def evaluated(tmp_path, admin):
    assert import_file(
        kind="evaluation-data", source=write_xlsx(tmp_path / "f.xlsx", HEAD, feed_rows()), user=admin
    ).ok
    return evaluation_run(user=admin, year=2025)


def test_run_page_has_charts_and_benchmarks(client_admin, evaluated):
    page = client_admin.get(f"/efficiency/runs/{evaluated.pk}/").content.decode()
    assert "chart-classes" in page
    assert "chart-histogram" in page
    assert 'id="benchmarks"' in page
    assert "亩均税收" in page


def test_ranking_filters_sort_and_export(client_admin, evaluated):
    url = f"/efficiency/runs/{evaluated.pk}/results/"
    page = client_admin.get(url, {"klass": "D", "cohort": "above"}).content.decode()
    assert "长沙违法有限公司" in page  # vetoed → D
    assert "长沙规上2有限公司" not in page  # the A
    page = client_admin.get(url, {"q": "规下"}).content.decode()
    assert "长沙规下甲有限公司" in page
    assert "长沙规上0有限公司" not in page
    rows = read_xlsx(io.BytesIO(client_admin.get(url, {"export": "xlsx", "cohort": "below"}).content))
    assert rows[0][:4] == ["统一社会信用代码", "企业名称", "评价状态", "规模"]
    assert {r[0] for r in rows[1:]} == {U(10), U(11)}


@pytest.mark.parametrize("extra", [0, 30])
def test_ranking_query_count_is_bounded(client_admin, evaluated, extra):
    from parkos.efficiency.models import EvaluationResult

    first = EvaluationResult.objects.filter(run=evaluated).first()
    for i in range(extra):  # more results in the run
        e = Enterprise.objects.create(uscc=f"X{i:017d}", name=f"加{i}")
        EvaluationResult.objects.create(
            run=evaluated,
            enterprise=e,
            cohort="above",
            status="rated",
            total=1.0,
            rank=100 + i,
            final_class="D",
            detail_json=first.detail_json,
        )
    with CaptureQueriesContext(connection) as ctx:
        assert client_admin.get(f"/efficiency/runs/{evaluated.pk}/results/").status_code == 200
    assert len(ctx.captured_queries) == 7  # with the inbox's unread count in the header


def test_report_explains_scores_reasons_and_whatif(client_admin, evaluated):
    c_class = Enterprise.objects.get(uscc=U(3))  # E4 of the spec's example: C
    page = client_admin.get(f"/efficiency/runs/{evaluated.pk}/enterprises/{c_class.pk}/").content.decode()
    assert 'id="report-indicators"' in page
    assert "全员劳动生产率" in page
    assert 'id="report-whatif"' in page
    assert "B" in page
    vetoed = Enterprise.objects.get(uscc=U(15))
    page = client_admin.get(f"/efficiency/runs/{evaluated.pk}/enterprises/{vetoed.pk}/").content.decode()
    assert "一票否决：违法用地" in page
    assert 'id="report-class">D<' in page
    # what it takes to reach C names the veto to clear first, not "indicators alone cannot"
    assert 'id="report-veto"' in page
    assert "违法用地" in page.split('id="report-veto"')[1].split("</p>")[0]
    assert "仅靠单项指标提升无法达到" not in page


def test_enterprise_user_sees_only_own_report(client, evaluated):
    own = Enterprise.objects.get(uscc=U(3))
    other = Enterprise.objects.get(uscc=U(4))
    client.force_login(enterprise_user(own, "qy_eval"))
    r = client.get("/efficiency/")
    assert r.url == f"/efficiency/runs/{evaluated.pk}/enterprises/{own.pk}/"
    assert client.get(r.url).status_code == 200
    assert client.get(f"/efficiency/runs/{evaluated.pk}/enterprises/{other.pk}/").status_code == 404
    assert client.get(f"/efficiency/runs/{evaluated.pk}/results/").status_code == 404
    assert client.get(f"/efficiency/runs/{evaluated.pk}/").status_code == 404  # no zone summary
    assert client.get("/efficiency/policies/2025/").status_code == 404


def test_run_from_the_page(client_admin, admin, tmp_path):
    import_file(kind="evaluation-data", source=write_xlsx(tmp_path / "f.xlsx", HEAD, feed_rows()), user=admin)
    r = client_admin.post("/efficiency/", {"year": "2025"})
    run = EvaluationRun.objects.get()
    assert r.url == f"/efficiency/runs/{run.pk}/"
    assert run.status == "done"  # the test task backend runs it at once
    assert run.summary["total"] == 12


def test_staff_cannot_run(client_staff_a, db):
    client_staff_a.post("/efficiency/", {"year": "2025"})
    assert not EvaluationRun.objects.exists()


def test_enterprise_page_links_to_its_latest_report(client_admin, evaluated):
    e = Enterprise.objects.get(uscc=U(3))
    assert f"/efficiency/?enterprise={e.pk}" in client_admin.get(f"/enterprises/{e.pk}/").content.decode()
    assert (
        client_admin.get("/efficiency/", {"enterprise": e.pk}).url
        == f"/efficiency/runs/{evaluated.pk}/enterprises/{e.pk}/"
    )


def test_no_report_for_an_enterprise_out_of_scope(client_staff_a, evaluated):
    e = Enterprise.objects.get(uscc=U(3))  # created by the admin's import: no department
    page = client_staff_a.get("/efficiency/", {"enterprise": e.pk})
    assert page.status_code == 200
    assert "暂无" in page.content.decode()


def test_every_scheme_profile_and_benchmark_mode_has_a_chinese_name():
    from django.utils import translation

    from parkos.efficiency import engine
    from parkos.efficiency.models import MODE_LABELS, Profile

    assert set(Profile.values) == set(engine.PROFILES)
    assert set(MODE_LABELS) == set(engine.BENCHMARK_MODES)
    with translation.override("zh-hans"):
        names = [str(Profile(p).label) for p in engine.PROFILES] + [str(v) for v in MODE_LABELS.values()]
    assert all(not n.isascii() for n in names), names

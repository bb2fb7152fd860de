import datetime as dt

import pytest

from parkos.core.exceptions import Conflict, Forbidden
from parkos.core.imports import import_file
from parkos.efficiency.models import EvaluationRun, Objection
from parkos.efficiency.services import (
    evaluation_run,
    objection_answer,
    objection_submit,
    run_publicize,
    run_publish,
)
from parkos.enterprises.models import Enterprise
from tests.efficiency.test_pipeline import HEAD, U, feed_rows
from tests.factories import enterprise_user
from tests.xlsx import write_xlsx

D = dt.date


@pytest.fixture
def run(admin, tmp_path):
    import_file(kind="evaluation-data", source=write_xlsx(tmp_path / "f.xlsx", HEAD, feed_rows()), user=admin)
    return evaluation_run(user=admin, year=2025)


@pytest.fixture
def firm_user(run):
    return enterprise_user(Enterprise.objects.get(uscc=U(3)), "qy_pub")


def test_objection_window_is_counted_in_working_days(admin, run):
    r = run_publicize(user=admin, run_id=run.pk, working_days=5, today=D(2026, 9, 30))
    # 10-01..10-07 are holidays and Saturday 10-10 is a working day: five working days end on 10-13
    assert (r.state, r.publicity_from, r.objection_deadline) == ("publicity", D(2026, 9, 30), D(2026, 10, 13))


def test_objections_only_during_the_window_and_only_for_own_enterprise(admin, run, firm_user):
    run_publicize(user=admin, run_id=run.pk, working_days=5, today=D(2026, 9, 30))
    own = Enterprise.objects.get(uscc=U(3))
    o = objection_submit(
        user=firm_user, run_id=run.pk, enterprise_id=own.pk, text="用地面积有误", today=D(2026, 10, 13)
    )
    assert o.status == "open"
    with pytest.raises(Conflict):
        objection_submit(
            user=firm_user, run_id=run.pk, enterprise_id=own.pk, text="晚了", today=D(2026, 10, 14)
        )
    with pytest.raises(Forbidden):
        objection_submit(
            user=firm_user,
            run_id=run.pk,
            enterprise_id=Enterprise.objects.get(uscc=U(4)).pk,
            text="别人的",
            today=D(2026, 10, 9),
        )
    assert Objection.objects.count() == 1


def test_publish_needs_closed_window_and_answered_objections_then_locks(admin, run, firm_user):
    run_publicize(user=admin, run_id=run.pk, working_days=5, today=D(2026, 9, 30))
    o = objection_submit(
        user=firm_user,
        run_id=run.pk,
        enterprise_id=Enterprise.objects.get(uscc=U(3)).pk,
        text="用地面积有误",
        today=D(2026, 10, 9),
    )
    with pytest.raises(Conflict, match="2026-10-13"):
        run_publish(user=admin, run_id=run.pk, today=D(2026, 10, 13))
    with pytest.raises(Conflict):
        run_publish(user=admin, run_id=run.pk, today=D(2026, 10, 14))  # an objection is open
    objection_answer(user=admin, objection_id=o.pk, answer="已核实，面积按不动产登记为准")
    r = run_publish(user=admin, run_id=run.pk, today=D(2026, 10, 14))
    assert r.state == "published"
    with pytest.raises(Conflict):
        evaluation_run(user=admin, year=2025)  # published and locked
    assert EvaluationRun.objects.filter(year=2025).count() == 1


def test_a_corrected_rerun_takes_over_the_notice_with_its_objections(admin, run, firm_user):
    run_publicize(user=admin, run_id=run.pk, working_days=5, today=D(2026, 9, 30))
    objection_submit(
        user=firm_user,
        run_id=run.pk,
        enterprise_id=Enterprise.objects.get(uscc=U(3)).pk,
        text="税收有误",
        today=D(2026, 10, 9),
    )
    corrected = evaluation_run(user=admin, year=2025)
    run_publicize(user=admin, run_id=corrected.pk, working_days=3, today=D(2026, 10, 12))
    run.refresh_from_db()
    assert (run.state, corrected.objections.count()) == ("draft", 1)


def test_pages_publicize_object_answer_publish(client, admin, run, firm_user):
    client.force_login(admin)
    client.post(f"/efficiency/runs/{run.pk}/", {"action": "publicize", "working_days": "1"})
    run.refresh_from_db()
    assert run.state == "publicity"
    client.force_login(firm_user)
    own = Enterprise.objects.get(uscc=U(3))
    client.post(f"/efficiency/runs/{run.pk}/enterprises/{own.pk}/", {"text": "排名有误"})
    o = Objection.objects.get()
    assert o.text == "排名有误"
    assert "排名有误" in client.get(f"/efficiency/runs/{run.pk}/enterprises/{own.pk}/").content.decode()
    client.force_login(admin)
    client.post(f"/efficiency/runs/{run.pk}/", {"action": "answer", "objection": o.pk, "answer": "已复核"})
    o.refresh_from_db()
    assert (o.status, o.answered_by) == ("answered", admin)
    r = client.post(f"/efficiency/runs/{run.pk}/", {"action": "publish"}, follow=True)
    run.refresh_from_db()
    assert run.state == "publicity"  # the window is still open today
    assert f"异议受理至 {run.objection_deadline.isoformat()}，期满后方可发布。" in r.content.decode()

"""The inspector's part of a drawn task and the credit app's places in the rest of ParkOS (issue #17 §3, §7, "fits
the whole"): the per-task no-conflict declaration (spec §5), objects withheld from their team until inspection day and
the draw's sample held back from the public meanwhile (spec §6.5) — the record's hash, published at the draw,
commits to it —, withdrawing for a conflict; the header search, 好差评 of repair decisions, the zone calendar's time
limits and the credit layer of the park map."""

import datetime as dt
import json

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from parkos.core import registries
from parkos.core import selectors as core_selectors
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.models import AppendOnly, Notice, Role
from parkos.credit import selectors, services
from parkos.credit.models import (
    DECLARATION,
    WITHDRAWN,
    Conflict,
    CreditConfig,
    Declaration,
    Inspection,
    InspectionState,
    RecordKind,
    Result,
)
from parkos.ratings import public as ratings
from parkos.ratings.models import Rating
from tests.credit.test_draws import _task, zone  # noqa: F401  (the twelve objects and their inspectors)
from tests.factories import InspectorFactory, UserFactory, enterprise_user

D = dt.date


@pytest.fixture
def drawn(staff_a, zone):  # noqa: F811
    task = _task(staff_a, zone)
    services.task_freeze(user=staff_a, pk=task.pk)
    services.task_draw(user=staff_a, pk=task.pk, witness_code="2026", witnesses="纪工委 王芳")
    task.refresh_from_db()
    inspector = zone["inspector_user"]
    mine = list(Inspection.objects.filter(task=task, inspectors__user=inspector).order_by("order"))
    assert mine, "the fixture's inspector is drawn for some object"
    return {"task": task, "inspector": inspector, "mine": mine}


def test_the_declaration_is_signed_once_per_task_by_a_drawn_inspector_and_kept_with_its_text(
    drawn, staff_a, staff_b
):
    task, inspector = drawn["task"], drawn["inspector"]
    with pytest.raises(Forbidden):  # not in the inspector directory
        services.declaration_sign(user=staff_a, task_id=task.pk)
    d = services.declaration_sign(user=inspector, task_id=task.pk, on=D(2026, 11, 11))
    assert (d.inspector.user, d.statement) == (inspector, DECLARATION)
    with pytest.raises(Invalid, match="已签署|already signed"):
        services.declaration_sign(user=inspector, task_id=task.pk)
    assert Declaration.objects.filter(task=task).count() == 1
    with pytest.raises(AppendOnly):
        d.delete()
    events = [e.action for e in selectors.task_events(task)]
    assert events[-1] == "declare"
    # another department's inspector may not see the task, so may not sign for it
    other = UserFactory(username="jc_b9", role=Role.DEPT_STAFF, department=staff_b.department)
    InspectorFactory(number="B9", department=staff_b.department, user=other)
    with pytest.raises((Http404, Forbidden)):
        services.declaration_sign(user=other, task_id=task.pk)


def test_objects_are_withheld_from_their_team_until_opened_on_inspection_day(drawn, staff_a, client):
    task, inspector, mine = drawn["task"], drawn["inspector"], drawn["mine"]
    first = mine[0]
    client.force_login(inspector)
    page = client.get(reverse("credit:task", args=[task.pk])).content.decode()
    assert first.enterprise.name not in page
    assert "检查当日显示" in page
    assert 'id="declaration-form"' in page
    assert "open-button" not in page  # the declaration comes first
    assert list(selectors.inspection_list(user=inspector)) == []  # nor the results list, nor its export
    export = client.get(reverse("credit:results") + "?export=xlsx")
    assert export.status_code == 200
    with pytest.raises(Invalid, match="声明|declaration"):
        services.inspection_open(user=inspector, pk=first.pk)
    client.post(reverse("credit:task", args=[task.pk]), {"action": "declare"})
    page = client.get(reverse("credit:task", args=[task.pk])).content.decode()
    assert 'id="declaration-form"' not in page
    assert "open-button" in page
    client.post(
        reverse("credit:task", args=[task.pk]),
        {"inspection": first.pk, "action": "open", "version": first.version},
    )
    first.refresh_from_db()
    assert first.opened_on == timezone.localdate()
    page = client.get(reverse("credit:task", args=[task.pk])).content.decode()
    assert first.enterprise.name in page
    for other in mine[1:]:  # the others stay withheld
        assert other.enterprise.name not in page
    assert [i.pk for i in selectors.inspection_list(user=inspector)] == [first.pk]
    with pytest.raises(Invalid, match="已开启|already open"):
        services.inspection_open(user=inspector, pk=first.pk)
    # the organising department sees every name, and who signed
    client.force_login(staff_a)
    page = client.get(reverse("credit:task", args=[task.pk])).content.decode()
    assert all(i.enterprise.name in page for i in mine)
    assert 'id="declarations"' in page
    assert "检查当日显示" not in page


def test_without_withholding_the_team_sees_its_objects_at_once(drawn, admin):
    CreditConfig.save_values(user=admin, data={"withhold_names": False})
    assert CreditConfig.get().withhold_names is False
    inspector, mine = drawn["inspector"], drawn["mine"]
    assert {i.pk for i in mine} <= {i.pk for i in selectors.inspection_list(user=inspector)}
    assert not selectors.record_held(user=selectors_anonymous(), task=drawn["task"])


def selectors_anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_sample_is_held_from_the_public_until_every_object_is_opened(drawn, staff_a, client, admin):
    task, inspector = drawn["task"], drawn["inspector"]
    url = reverse("credit:draw_record", args=[task.pk])
    held = json.loads(client.get(url + "?format=json").content)
    assert held["held"] is True
    assert "seed" not in held
    assert "result" not in held
    client.force_login(inspector)  # the API (a login or a token) holds it back from a drawn inspector too
    api = client.get(f"/api/v1/credit/draws/{task.pk}").json()
    assert api["held"] is True
    assert "secret" not in api
    client.force_login(staff_a)
    assert "result" in client.get(f"/api/v1/credit/draws/{task.pk}").json()
    client.logout()
    assert selectors.record_held(user=inspector, task=task)  # a drawn inspector is held like the public
    assert not selectors.record_held(user=staff_a, task=task)  # the organisers are not
    # every object opened (or given its result): the whole record is public and hashes as announced
    for i in Inspection.objects.filter(task=task, state=InspectionState.ASSIGNED):
        i.opened_on = D(2026, 11, 12)
        i.save()
    Inspection.objects.filter(task=task, state=InspectionState.MANUAL).update(opened_on=D(2026, 11, 12))
    whole = json.loads(client.get(url + "?format=json").content)
    assert "held" not in whole
    assert whole["result"]["sample"]
    assert whole["record_hash"] == held["record_hash"] == selectors.canonical_hash(whole)


def test_the_hold_ends_with_the_inspection_period(staff_a, zone):  # noqa: F811
    task = _task(staff_a, zone, inspect_by=D(2026, 11, 30))
    services.task_freeze(user=staff_a, pk=task.pk)
    services.task_draw(user=staff_a, pk=task.pk, witness_code="1111", witnesses="李明")
    task.refresh_from_db()
    anyone = selectors_anonymous()
    assert selectors.record_held(user=anyone, task=task, today=D(2026, 11, 30))
    assert not selectors.record_held(user=anyone, task=task, today=D(2026, 12, 1))


def test_a_member_withdraws_for_a_conflict_found_on_the_day(drawn, staff_a, zone):  # noqa: F811
    task, inspector, mine = drawn["task"], drawn["inspector"], drawn["mine"]
    first = mine[0]
    services.declaration_sign(user=inspector, task_id=task.pk)
    services.inspection_open(user=inspector, pk=first.pk, on=D(2026, 11, 12))
    with pytest.raises(Invalid):  # a withdrawal says why
        services.inspection_withdraw(user=inspector, pk=first.pk, note=" ")
    services.inspection_withdraw(
        user=inspector, pk=first.pk, note="其法定代表人系本人表兄", on=D(2026, 11, 12)
    )
    first.refresh_from_db()
    assert first.state == InspectionState.MANUAL
    assert first.manual_reason == WITHDRAWN
    assert inspector not in [x.user for x in first.inspectors.all()]
    c = Conflict.objects.get(inspector__user=inspector, enterprise=first.enterprise)
    assert (c.reason, c.declared_on) == (Conflict.Reason.DECLARED, D(2026, 11, 12))
    notice = Notice.objects.get(kind="credit.withdrawn")
    assert task.code in notice.message
    assert first.enterprise.name not in notice.message
    # the department cannot put the inspector back on that object
    a1 = zone["ok"][0]
    with pytest.raises(Invalid, match="回避|conflict|冲突"):
        services.inspection_assign(user=staff_a, pk=first.pk, inspector_ids=[a1.pk, zone["ok"][1].pk])
    services.inspection_assign(user=staff_a, pk=first.pk, inspector_ids=[zone["ok"][1].pk, zone["ok"][2].pk])
    first.refresh_from_db()
    assert first.state == InspectionState.ASSIGNED
    assert not Inspection.objects.filter(pk=first.pk, inspectors__user=inspector).exists()


def test_the_department_enters_results_without_a_declaration_a_drawn_inspector_not(drawn, staff_a):
    _task, inspector, first = drawn["task"], drawn["inspector"], drawn["mine"][0]
    today = timezone.localdate()
    with pytest.raises(Invalid, match="声明|declaration"):
        services.result_enter(user=inspector, pk=first.pk, result=Result.NO_PROBLEM, inspected_on=today)
    services.result_enter(user=staff_a, pk=first.pk, result=Result.NO_PROBLEM, inspected_on=today)
    first.refresh_from_db()
    assert first.opened_on == today  # a result opens the object


# ---- the rest of ParkOS ----------------------------------------------------------------------------------------
def test_the_header_search_finds_records_and_tasks_in_scope(drawn, staff_a, staff_b, ent_a):
    from parkos.cockpit import selectors as cockpit

    services.record_create(
        user=staff_a,
        enterprise_id=ent_a.pk,
        kind=RecordKind.LICENCE,
        title="未按规定公示年度报告罚款",
        document_no="经开市监罚〔2026〕12号",
        decided_on=D(2026, 11, 2),
    )

    def labels(user, q, kind):
        found = cockpit.search(user=user, q=q)
        group = next((g for g in found["groups"] if g["key"] == kind), None)
        return [h.label for h in group["hits"]] if group else []

    assert labels(staff_a, "年度报告", "credit_records") == ["未按规定公示年度报告罚款"]
    assert labels(staff_a, "经开市监罚〔2026〕12", "credit_records") == ["未按规定公示年度报告罚款"]
    assert labels(staff_b, "年度报告", "credit_records") == []
    assert labels(staff_a, drawn["task"].code, "inspection_tasks") == [drawn["task"].name]
    assert labels(staff_b, drawn["task"].code, "inspection_tasks") == []
    qiye = enterprise_user(ent_a, "qiye_search")
    assert labels(qiye, "年度报告", "credit_records") == []  # the enterprise reads its own credit page


def test_an_enterprise_rates_the_decision_on_its_repair_and_it_counts_for_the_deciding_department(
    db, staff_a, ent_a, ent_b, client
):
    today = timezone.localdate()
    record = services.record_create(
        user=staff_a,
        enterprise_id=ent_a.pk,
        kind=RecordKind.PENALTY,
        severity="minor",
        title="未按期履行公示义务",
        decided_on=today - dt.timedelta(days=40),
    )
    qiye = enterprise_user(ent_a, "qiye_rate")
    app = services.repair_apply(
        user=qiye, record_id=record.pk, statement="已补报公示", commitment="承诺按时公示", on=today
    )
    with pytest.raises(Invalid, match="决定|decided"):
        ratings.rate(user=qiye, target="credit.repair", target_id=app.pk, level=5)
    services.repair_decide(user=staff_a, pk=app.pk, approve=True, decision="符合修复条件", on=today)
    assert [r.pk for r in ratings.to_rate(user=qiye) if r.target == "credit.repair"] == [app.pk]
    client.force_login(qiye)
    page = client.get(reverse("servicedesk:requests")).content.decode()
    assert 'id="items-to-rate"' in page
    assert "未按期履行公示义务" in page
    with pytest.raises(Forbidden):
        ratings.rate(user=staff_a, target="credit.repair", target_id=app.pk, level=5)
    other = enterprise_user(ent_b, "qiye_other")
    with pytest.raises(Http404):
        ratings.rate(user=other, target="credit.repair", target_id=app.pk, level=5)
    r = ratings.rate(user=qiye, target="credit.repair", target_id=app.pk, level=5, text="办理很快")
    assert (r.department_id, r.officer_id, r.enterprise_id) == (staff_a.department_id, staff_a.pk, ent_a.pk)
    assert Rating.objects.filter(target="credit.repair").count() == 1
    with pytest.raises(Invalid, match="已评价|has been rated"):
        ratings.rate(user=qiye, target="credit.repair", target_id=app.pk, level=4)
    assert registries.rating_targets["credit.repair"].describe(qiye, app.pk) == (
        "信用修复 · 未按期履行公示义务",
        reverse("credit:mine"),
    )


def test_the_zone_calendar_lists_the_publication_limits_with_their_lights(drawn, staff_a, staff_b, client):
    task, first = drawn["task"], drawn["mine"][0]
    today = timezone.localdate()
    services.result_enter(user=staff_a, pk=first.pk, result=Result.NO_PROBLEM, inspected_on=today)
    first.refresh_from_db()
    found = core_selectors.deadlines(user=staff_a, today=today)
    mine = [e["deadline"] for e in found if e["deadline"].url == reverse("credit:task", args=[task.pk])]
    assert [(d.due, d.light) for d in mine] == [(first.publish_due, "green")]
    assert first.enterprise.name in mine[0].label
    # past the limit the light is red
    late = core_selectors.deadlines(user=staff_a, today=first.publish_due + dt.timedelta(days=1))
    assert [e["deadline"].light for e in late if e["deadline"].due == first.publish_due] == ["red"]
    assert core_selectors.deadlines(user=staff_b, today=today) == []
    client.force_login(staff_a)
    page = client.get(reverse("calendar")).content.decode()
    assert 'id="deadlines"' in page
    assert first.enterprise.name in page
    services.result_publish(user=staff_a, pk=first.pk, on=today)
    assert core_selectors.deadlines(user=staff_a, today=today) == []

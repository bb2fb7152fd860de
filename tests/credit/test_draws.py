"""双随机、一公开 through the services (issue #17 §3, §4, §8): the inputs a task freezes (pool with exclusions,
inspectors with certificates, leave, qualifications and load, conflicts), the draw with commit–reveal and the
witness's code, the append-only record anyone can verify, redraws, joint tasks, results and publication."""

import datetime as dt
import json

import pytest
from django.http import Http404

from parkos.core.exceptions import Invalid, ParkOSError
from parkos.core.models import AppendOnly, Role
from parkos.credit import engine, selectors, services
from parkos.credit.models import (
    DrawRecord,
    Inspection,
    InspectionState,
    InspectionTask,
    Result,
    TaskState,
)
from parkos.enterprises.models import EnterpriseStatus
from tests.factories import (
    EnterpriseFactory,
    InspectionItemFactory,
    InspectorFactory,
    UserFactory,
    samr_class,
)

D = dt.date


@pytest.fixture
def zone(db, dept_a, dept_b, staff_a):
    """Twelve operating enterprises of classes A, B, C, D (three each), one closed; six inspectors of dept A (one with
    a lapsed certificate, one on leave on the draw day, one without the item's qualification), two of dept B."""
    ents = []
    for k, cls in enumerate("AAABBBCCCDDD"):
        e = EnterpriseFactory(owner=dept_a, name=f"抽查对象{k:02d}有限公司")
        samr_class(e, cls, D(2026, 10, 1))
        ents.append(e)
    closed = EnterpriseFactory(owner=dept_a, status=EnterpriseStatus.DEREGISTERED)
    samr_class(closed, "D", D(2026, 10, 1))
    services.profiles_refresh(today=D(2026, 11, 1))
    item = InspectionItemFactory(
        code="SC-01", name="食品经营许可事项", department=dept_a, qualification="食品"
    )
    ok = [
        InspectorFactory(number=f"A{k}", department=dept_a, qualifications="食品,特种设备")
        for k in range(1, 4)
    ]
    InspectorFactory(number="A8", department=dept_a, qualifications="食品", certificate_until=D(2026, 1, 1))
    InspectorFactory(
        number="A9",
        department=dept_a,
        qualifications="食品",
        leave_from=D(2026, 11, 1),
        leave_until=D(2026, 11, 30),
    )
    InspectorFactory(number="A7", department=dept_a, qualifications="消防")
    b_ins = [InspectorFactory(number=f"B{k}", department=dept_b) for k in range(1, 3)]
    inspector_user = UserFactory(username="jc_a1", role=Role.DEPT_STAFF, department=dept_a)
    ok[0].user = inspector_user
    ok[0].save()
    return {
        "ents": ents,
        "closed": closed,
        "item": item,
        "ok": ok,
        "b": b_ins,
        "inspector_user": inspector_user,
    }


def _task(user, zone, **kw):
    return services.task_create(
        user=user,
        name="2026年食品经营双随机抽查",
        item_ids=[zone["item"].pk],
        planned_on=D(2026, 11, 10),
        **kw,
    )


def test_the_commitment_is_published_at_creation_and_the_inputs_are_frozen_with_their_hashes(staff_a, zone):
    task = _task(staff_a, zone)
    assert task.code == "2026-SJ-001"
    assert task.commitment == engine.commitment_of(task.secret)
    assert len(task.commitment) == 64
    frozen = services.task_freeze(user=staff_a, pk=task.pk)
    task.refresh_from_db()
    assert task.state == TaskState.FROZEN
    assert frozen.pool_hash == engine.sha256_hex(frozen.pool.encode())
    pool = engine.parse_pool(frozen.pool)
    classes = {u: c for u, c in pool}
    assert zone["closed"].uscc not in classes
    assert frozen.exclusions[zone["closed"].uscc] == "closed"
    assert sorted(classes.values()) == list("BBBCCCDDD")  # class A left out: the item spares them (无事不扰)
    assert {frozen.exclusions[e.uscc] for e in zone["ents"][:3]} == {"a_exempt"}
    ids = [i.id for i in engine.parse_inspectors(frozen.inspectors)]
    assert ids == ["A1", "A2", "A3"]  # lapsed certificate, leave on the draw day, no 食品 qualification: out
    assert json.loads(frozen.config)["ratios"] == {
        "A": "0.03",
        "B": "0.1",
        "C": "0.3",
        "D": "1",
        "UNKNOWN": "0.1",
    }
    with pytest.raises(AppendOnly):
        frozen.save()


def test_the_draw_reveals_the_secret_and_anyone_can_verify_the_record(staff_a, zone):
    task = _task(staff_a, zone, max_load=40)
    services.task_freeze(user=staff_a, pk=task.pk)
    with pytest.raises(Invalid):
        services.task_draw(user=staff_a, pk=task.pk, witness_code="12", witnesses="纪工委 李明")
    record = services.task_draw(user=staff_a, pk=task.pk, witness_code="4711-0815", witnesses="纪工委 李明")
    task.refresh_from_db()
    assert task.state == TaskState.DRAWN
    assert record.secret == task.secret
    assert record.public_entropy == f"4711-0815|{task.secret}"
    assert record.result["strata"]["B"] == {"N": 3, "n": 1}
    assert record.result["strata"]["C"] == {"N": 3, "n": 1}  # ⌈0.3 × 3⌉ = 1
    assert record.result["strata"]["D"] == {"N": 3, "n": 3}
    payload = selectors.record_export(record)
    checks = engine.verify(payload)
    assert all(c.ok for c in checks), checks
    assert selectors.canonical_hash(payload) == record.record_hash
    tampered = json.loads(json.dumps(payload))
    tampered["inputs"]["pool"] = tampered["inputs"]["pool"].replace(",D\n", ",A\n", 1)
    assert {c.key for c in engine.verify(tampered) if not c.ok} >= {"pool_hash", "output"}
    swapped = json.loads(json.dumps(payload))
    swapped["witness_code"] = "9999-0000"
    assert {c.key for c in engine.verify(swapped) if not c.ok} == {"seed", "output"}
    inspections = list(Inspection.objects.filter(task=task).order_by("order"))
    assert [i.enterprise.uscc for i in inspections] == [s["uscc"] for s in record.result["sample"]]
    for i in inspections:
        team = sorted(x.number for x in i.inspectors.all())
        assert team == sorted(record.result["assignments"][i.enterprise.uscc])
        assert len(team) == 2
    with pytest.raises(AppendOnly):
        record.save()
    with pytest.raises(AppendOnly):
        DrawRecord.objects.get(pk=record.pk).delete()


def test_declared_conflicts_keep_the_inspector_away(staff_a, zone):
    from parkos.credit.models import Conflict

    a1, a2, _a3 = zone["ok"]
    for e in zone["ents"][9:]:  # the three D enterprises: all drawn
        services.conflict_declare(
            user=staff_a, inspector_id=a1.pk, enterprise_id=e.pk, reason=Conflict.Reason.KIN
        )
        services.conflict_declare(
            user=staff_a, inspector_id=a2.pk, enterprise_id=e.pk, reason=Conflict.Reason.KIN
        )
    task = _task(staff_a, zone)
    frozen = services.task_freeze(user=staff_a, pk=task.pk)
    assert len(engine.parse_conflicts(frozen.conflicts)) == 6
    services.task_draw(user=staff_a, pk=task.pk, witness_code="2468", witnesses="法制办 王芳")
    d_rows = Inspection.objects.filter(task=task, enterprise__in=zone["ents"][9:])
    assert {i.state for i in d_rows} == {InspectionState.MANUAL}  # one inspector left: no team of two
    assert {i.manual_reason for i in d_rows} == {engine.NO_TEAM}
    d = d_rows.first()
    with pytest.raises(Invalid, match="执法员|A1|conflict|回避|冲突|In conflict"):
        services.inspection_assign(user=staff_a, pk=d.pk, inspector_ids=[a1.pk, zone["ok"][2].pk])
    b1, b2 = zone["b"]
    services.inspection_assign(user=staff_a, pk=d.pk, inspector_ids=[zone["ok"][2].pk, b1.pk])
    d.refresh_from_db()
    assert d.state == InspectionState.ASSIGNED
    assert sorted(x.number for x in d.inspectors.all()) == ["A3", "B1"]
    # B1's login (another department) sees only its assignment, enters its result, and cannot publish it
    b_user = UserFactory(username="jc_b1", role=Role.DEPT_STAFF, department=b1.department)
    b1.user = b_user
    b1.save()
    assert [t.pk for t in selectors.task_list(user=b_user)] == [task.pk]
    assert list(selectors.inspection_list(user=b_user)) == []  # withheld until B1 opens it on inspection day
    with pytest.raises(Invalid, match="声明|declaration"):
        services.result_enter(user=b_user, pk=d.pk, result=Result.NO_PROBLEM, inspected_on=D(2026, 11, 12))
    services.declaration_sign(user=b_user, task_id=task.pk)
    services.inspection_open(user=b_user, pk=d.pk, on=D(2026, 11, 12))
    assert list(selectors.inspection_list(user=b_user)) == [d]
    services.result_enter(user=b_user, pk=d.pk, result=Result.NO_PROBLEM, inspected_on=D(2026, 11, 12))
    with pytest.raises(ParkOSError):
        services.result_publish(user=b_user, pk=d.pk, on=D(2026, 11, 13))


def test_recently_inspected_objects_are_left_out_except_c_and_d(staff_a, zone):
    first = _task(staff_a, zone)
    services.task_freeze(user=staff_a, pk=first.pk)
    services.task_draw(user=staff_a, pk=first.pk, witness_code="1357", witnesses="李明")
    drawn = {i.enterprise.uscc: i.cls for i in Inspection.objects.filter(task=first)}
    second = _task(staff_a, zone)
    frozen = services.task_freeze(user=staff_a, pk=second.pk)
    for u, cls in drawn.items():
        if cls in {"C", "D"}:
            assert u not in frozen.exclusions or frozen.exclusions[u] == "year_limit"
        else:
            assert frozen.exclusions[u] in {"recent", "year_limit"}


def test_a_redraw_is_a_new_task_with_a_reason_and_both_records_stay(staff_a, zone):
    task = _task(staff_a, zone)
    services.task_freeze(user=staff_a, pk=task.pk)
    services.task_draw(user=staff_a, pk=task.pk, witness_code="1111", witnesses="李明")
    with pytest.raises(Invalid):
        services.task_redraw(user=staff_a, pk=task.pk, reason="  ")
    new = services.task_redraw(user=staff_a, pk=task.pk, reason="检查人员名录更新后重抽")
    task.refresh_from_db()
    assert task.state == TaskState.VOID
    assert new.redraw_of_id == task.pk
    assert new.code == "2026-SJ-002"
    assert new.commitment != task.commitment
    services.task_freeze(user=staff_a, pk=new.pk)
    services.task_draw(user=staff_a, pk=new.pk, witness_code="2222", witnesses="李明")
    assert DrawRecord.objects.count() == 2
    assert all(all(c.ok for c in engine.verify(selectors.record_export(r))) for r in DrawRecord.objects.all())
    assert (
        not selectors.inspection_list(user=staff_a).filter(task=task).exists()
    )  # the void task's rows are gone


def test_joint_task_sends_one_inspector_of_each_department(staff_a, zone, dept_b):
    item_b = InspectionItemFactory(code="HB-01", name="排污许可事项", department=dept_b)
    task = services.task_create(
        user=staff_a,
        name="联合抽查",
        item_ids=[zone["item"].pk, item_b.pk],
        planned_on=D(2026, 11, 10),
        max_load=40,
    )
    frozen = services.task_freeze(user=staff_a, pk=task.pk)
    config = json.loads(frozen.config)
    assert config["required_depts"] == sorted([zone["item"].department.code, dept_b.code])
    services.task_draw(user=staff_a, pk=task.pk, witness_code="3579", witnesses="李明")
    for i in Inspection.objects.filter(task=task, state=InspectionState.ASSIGNED):
        depts = {x.department_id for x in i.inspectors.all()}
        assert depts == {zone["item"].department_id, dept_b.pk}


def test_results_by_the_inspector_and_publication_within_twenty_working_days(staff_a, staff_b, zone):
    task = _task(staff_a, zone)
    services.task_freeze(user=staff_a, pk=task.pk)
    services.task_draw(user=staff_a, pk=task.pk, witness_code="8642", witnesses="李明")
    inspector = zone["inspector_user"]
    insp = Inspection.objects.filter(task=task, inspectors__user=inspector).first()
    assert insp is not None
    services.declaration_sign(user=inspector, task_id=task.pk)
    services.inspection_open(user=inspector, pk=insp.pk, on=D(2026, 11, 12))
    with pytest.raises(Http404):  # another department sees nothing of it
        services.result_enter(
            user=staff_b, pk=insp.pk, result=Result.NO_PROBLEM, inspected_on=D(2026, 11, 12)
        )
    with pytest.raises(Invalid):  # problems found must be described
        services.result_enter(user=inspector, pk=insp.pk, result=Result.ORDERED, inspected_on=D(2026, 11, 12))
    services.result_enter(
        user=inspector,
        pk=insp.pk,
        result=Result.ORDERED,
        inspected_on=D(2026, 11, 12),
        problems="未公示许可证",
    )
    insp.refresh_from_db()
    # 20 working days after Thu 12 Nov 2026: 13, 16–20, 23–27, 30 Nov, 1–4 Dec, 7–10 Dec → Thu 10 Dec
    assert insp.publish_due == D(2026, 12, 10)
    assert insp.rectify_due == D(2026, 12, 3)  # 15 WD
    assert insp.state == InspectionState.RESULT
    with pytest.raises(Http404):  # the lead department publishes, no other
        services.result_publish(user=staff_b, pk=insp.pk, on=D(2026, 12, 1))
    services.result_publish(user=staff_a, pk=insp.pk, on=D(2026, 12, 1))
    insp.refresh_from_db()
    assert insp.state == InspectionState.PUBLISHED
    selectors.with_publish_lights([insp], today=D(2026, 12, 7))
    assert insp.light == "done"
    assert list(selectors.published_results()) == [insp]
    figures = selectors.publication_figures(user=staff_a, year=2026, until=D(2026, 12, 7))
    assert (figures["published"], figures["late"], str(figures["rate"])) == (1, 0, "100.0")
    other = selectors.inspection_list(user=staff_a).filter(task=task).exclude(pk=insp.pk).first()
    services.result_enter(user=staff_a, pk=other.pk, result=Result.NO_PROBLEM, inspected_on=D(2026, 11, 10))
    services.result_publish(user=staff_a, pk=other.pk, on=D(2026, 12, 7))
    other.refresh_from_db()
    # 20 WD after Tue 10 Nov: 11–13, 16–20, 23–27, 30 Nov, 1–4 Dec, 7, 8 → Tue 8 Dec; published 7 Dec: on time
    assert other.publish_due == D(2026, 12, 8)
    figures = selectors.publication_figures(user=staff_a, year=2026, until=D(2026, 12, 7))
    assert (figures["published"], figures["late"], str(figures["rate"])) == (2, 0, "100.0")


def test_another_department_cannot_touch_the_task(staff_a, staff_b, zone):
    task = _task(staff_a, zone)
    with pytest.raises(Http404):
        services.task_freeze(user=staff_b, pk=task.pk)
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.PLANNED
    assert not selectors.task_list(user=staff_b).exists()

"""Credit pages (issue #17 §7, §8): every page opens for whom it is meant and not for others, lists export to
Excel, the task page runs the draw through its forms, the public pages need no login, and lists do a bounded
number of queries however many rows."""

import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkos.credit import selectors, services
from parkos.credit.models import InspectionTask, RecordKind, TaskState
from tests.factories import EnterpriseFactory, InspectionItemFactory, InspectorFactory, samr_class
from tests.xlsx import read_xlsx

D = dt.date


@pytest.fixture
def drawn(db, staff_a, dept_a, ent_a):
    for k, cls in enumerate("BBCCDD"):
        samr_class(EnterpriseFactory(owner=dept_a, name=f"页面对象{k}公司"), cls)
    services.profiles_refresh()
    item = InspectionItemFactory(code="SC-09", department=dept_a)
    for k in range(4):
        InspectorFactory(number=f"P{k}", department=dept_a)
    task = services.task_create(user=staff_a, name="页面抽查", item_ids=[item.pk], planned_on=D(2026, 11, 10))
    services.task_freeze(user=staff_a, pk=task.pk)
    services.task_draw(user=staff_a, pk=task.pk, witness_code="5555", witnesses="李明")
    services.record_create(
        user=staff_a,
        enterprise_id=ent_a.pk,
        kind=RecordKind.SERIOUS,
        severity="serious",
        title="严重失信名单",
        decided_on=D(2025, 1, 6),
    )
    return task


STAFF_PAGES = [
    ("credit:overview", "effective_class=D"),
    ("credit:records", "严重失信名单"),
    ("credit:classes", "页面对象"),
    ("credit:repairs", ""),
    ("credit:items", "SC-09"),
    ("credit:inspectors", "P0"),
    ("credit:conflicts", ""),
    ("credit:tasks", "页面抽查"),
    ("credit:results", "页面对象"),
]


@pytest.mark.parametrize(("name", "text"), STAFF_PAGES)
def test_staff_pages_open_and_export(client, staff_a, drawn, name, text):
    client.force_login(staff_a)
    r = client.get(reverse(name))
    assert r.status_code == 200
    assert text in r.content.decode()
    if name != "credit:overview":
        x = client.get(reverse(name) + "?export=xlsx")
        assert x.status_code == 200
        rows = read_xlsx(io.BytesIO(x.content))
        assert len(rows) >= 1
        if text:
            assert any(text in str(cell) for row in rows for cell in row)


@pytest.mark.parametrize(("name", "text"), STAFF_PAGES)
def test_an_enterprise_user_gets_none_of_the_staff_pages(client, ent_user_a, drawn, name, text):
    client.force_login(ent_user_a)
    assert client.get(reverse(name)).status_code == 404


def test_the_task_page_runs_freeze_and_draw_through_its_forms(client, staff_a, dept_a):
    for cls in "DDD":
        samr_class(EnterpriseFactory(owner=dept_a), cls)
    services.profiles_refresh()
    item = InspectionItemFactory(code="SC-10", department=dept_a)
    for k in range(3):
        InspectorFactory(number=f"Q{k}", department=dept_a)
    client.force_login(staff_a)
    r = client.post(
        reverse("credit:tasks"),
        {"name": "表单抽查", "items": [item.pk], "planned_on": "2026-11-10"},
    )
    task = InspectionTask.objects.get(name="表单抽查")
    assert r.status_code == 302
    page = client.get(reverse("credit:task", args=[task.pk])).content.decode()
    assert task.commitment in page
    client.post(reverse("credit:task", args=[task.pk]), {"action": "freeze", "version": task.version})
    task.refresh_from_db()
    assert task.state == TaskState.FROZEN
    client.post(
        reverse("credit:task", args=[task.pk]),
        {"action": "draw", "witness_code": "7777", "witnesses": "纪工委 张三", "version": task.version},
    )
    task.refresh_from_db()
    assert task.state == TaskState.DRAWN
    assert task.inspections.count() == 3


def test_public_pages_need_no_login_and_the_record_verifies(client, drawn, staff_a):
    r = client.get(reverse("credit:public_draws"))
    assert r.status_code == 200
    assert drawn.code in r.content.decode()
    page = client.get(reverse("credit:draw_record", args=[drawn.pk])).content.decode()
    assert 'id="verification"' in page
    assert "alert-success" in page
    assert "页面对象" not in page  # names are for officials; the public sees the USCCs
    # until inspection day the public gets the record without its secret, seed and sample, and its hash
    held = json.loads(client.get(reverse("credit:draw_record", args=[drawn.pk]) + "?format=json").content)
    assert held["task_id"] == drawn.code
    assert held["held"] is True
    assert not {"secret", "seed", "result", "public_entropy"} & set(held)
    assert 'id="held"' in page
    assert 'id="sample"' not in page
    # the organisers see it whole; it hashes to the hash the public saw
    client.force_login(staff_a)
    payload = json.loads(client.get(reverse("credit:draw_record", args=[drawn.pk]) + "?format=json").content)
    assert "held" not in payload
    assert payload["result"]["sample"]
    assert payload["record_hash"] == held["record_hash"] == selectors.canonical_hash(payload)
    client.logout()
    assert client.get(reverse("credit:public_results")).status_code == 200
    assert client.get(reverse("credit:public_results") + "?export=xlsx").status_code == 200


def test_the_enterprise_sees_its_credit_and_applies_for_repair(client, ent_user_a, ent_a, drawn):
    client.force_login(ent_user_a)
    page = client.get(reverse("credit:mine")).content.decode()
    assert "严重失信名单" in page
    assert 'id="my-class"' in page
    record = selectors.record_list(user=ent_user_a).get()
    r = client.post(
        reverse("credit:mine"), {"record": record.pk, "statement": "已履行", "commitment": "承诺守信"}
    )
    assert r.status_code == 302
    assert record.repairs.count() == 1


def test_the_enterprise_page_has_a_credit_tab(client, staff_a, ent_a, drawn):
    client.force_login(staff_a)
    r = client.get(reverse("enterprises:tab", args=[ent_a.pk, "credit"]))
    assert r.status_code == 200
    assert "严重失信名单" in r.content.decode()


def test_lists_do_a_bounded_number_of_queries(client, staff_a, dept_a, drawn):
    client.force_login(staff_a)

    def count(name):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        return len(ctx.captured_queries)

    before = {n: count(n) for n in ("credit:records", "credit:classes", "credit:results", "credit:tasks")}
    for k in range(15):
        e = EnterpriseFactory(owner=dept_a)
        services.record_create(
            user=staff_a,
            enterprise_id=e.pk,
            kind=RecordKind.PENALTY,
            severity="minor",
            title=f"罚款{k}",
            decided_on=D(2026, 6, 1),
        )
    after = {n: count(n) for n in before}
    assert after == before

"""One workflow mechanism: every state machine of every app is a kernel workflow, and the kernel's `transition()`
checks the table, writes the record, its audit history and its event in one transaction."""

import ast
import datetime as dt
import pathlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from parkos.core import registries, workflow
from parkos.core.models import AppendOnly, RecordEvent, WorkflowEvent
from parkos.core.workflow import IllegalTransition
from parkos.policies.models import Application, Grant
from parkos.policies.services import grants_approve
from parkos.policies.workflows import APPLICATION, GRANT
from tests.factories import EnterpriseFactory

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "parkos"
STATE_NAMES = {"state", "status", "stage"}

# State-like fields that no person moves with an action, and why they are not workflows.
NOT_WORKFLOWS = {
    ("core.ImportRun", "status"): "an import's progress, set by the worker",
    ("enterprises.Enterprise", "status"): "the business licence's status, recorded as data from the registry",
    ("efficiency.EvaluationRun", "status"): "the computation's progress, set by the worker",
    ("projects.ApprovalItem", "stage"): "the catalogue's stage of an item (an attribute, not a state)",
    ("projects.StageInstance", "stage"): "which approval stage the row is (an attribute, not a state)",
    ("projects.StageInstance", "state"): "follows its items (active when one starts, completed when all are)",
    ("workplan.Task", "status"): "computed each day from progress reports, milestones and the calendar",
    ("policies.Eligibility", "status"): "the matching engine's verdict on an enterprise's data",
    ("policies.MatchRun", "status"): "a background matching's progress, set by the worker",
}

# Where code sets a workflow's state field directly, and why that is not a move.
DIRECT_WRITES = {
    (
        "servicedesk/services.py",
        "request_submit",
    ): "a new request starts dispatched when its category has a unit",
    ("ratings/services.py", "_rate"): "a new 差评 case starts assigned (pushed to the unit on receipt)",
    ("projects/services/approvals.py", "_stage_starts"): "StageInstance.state follows its items",
    ("projects/services/approvals.py", "_stage_completion"): "StageInstance.state follows its items",
    ("core/workflow.py", "__init__"): "IllegalTransition keeps the refused state",
}


def _state_fields():
    for m in apps.get_models():
        if not m.__module__.startswith("parkos") or m.__name__.startswith("Historical"):
            continue
        for f in m._meta.concrete_fields:
            if f.choices and f.name in STATE_NAMES:
                yield m._meta.label, f.name


def test_every_state_field_is_a_registered_workflow_or_says_why_not():
    machines = {(w.model, w.field) for w in registries.workflows}
    fields = set(_state_fields())
    unexplained = fields - machines - set(NOT_WORKFLOWS)
    assert not unexplained, f"state fields without a workflow: {sorted(unexplained)}"
    assert not (machines & set(NOT_WORKFLOWS)), "a field is both a workflow and exempt"
    assert set(NOT_WORKFLOWS) <= fields, "an exemption names a field that no longer exists"
    # the machines the kernel issue names
    keys = set(registries.workflows.keys())
    assert {
        "projects.item",
        "projects.project",
        "servicedesk.request",
        "ratings.case",
        "investment.lead_stage",
        "investment.lead_state",
        "policies.application",
        "policies.grant",
        "efficiency.run",
    } <= keys


@pytest.mark.parametrize("wf", list(registries.workflows), ids=lambda w: w.key)
def test_every_workflow_table_matches_its_model(wf):
    model = wf.model_class()
    field = model._meta.get_field(wf.field)
    choices = {str(v) for v, _label in field.flatchoices}
    assert wf.states() <= choices, f"{wf.key}: states not in the field's choices"
    assert choices <= wf.states() | wf.derived, f"{wf.key}: choices no step reaches or leaves"
    for t in wf.transitions:
        assert t.label, f"{wf.key}.{t.action} has no label"
    if wf.event is not None:
        event = apps.get_model(wf.event)
        assert issubclass(event, WorkflowEvent)
        fk = event._meta.get_field(wf.event_fk)
        assert isinstance(fk, models.ForeignKey)
        assert fk.related_model is model


@pytest.mark.parametrize("wf", list(registries.workflows), ids=lambda w: w.key)
def test_every_action_and_state_reads_in_chinese(wf):
    with translation.override("zh-hans"):
        for t in wf.transitions:
            label = wf.action_label(t.action)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label), f"{wf.key}.{t.action}: {label!r}"
        for state in wf.states():
            label = wf.state_label(state)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in label), f"{wf.key} state {state}: {label!r}"


def _direct_state_writes():
    """(file, function) of every assignment to a `state`/`status`/`stage` attribute and every `.update()` that sets
    one, outside the kernel's transition, migrations and the demo builders."""
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or rel.startswith("demo/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                targets = []
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        targets += t.elts if isinstance(t, ast.Tuple) else [t]
                if any(isinstance(t, ast.Attribute) and t.attr in STATE_NAMES for t in targets):
                    yield rel, fn.name
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "update"
                    and {k.arg for k in node.keywords} & STATE_NAMES
                ):
                    yield rel, fn.name


def test_no_state_is_moved_outside_the_kernel():
    found = set(_direct_state_writes())
    derived_updates = {  # `.update(status=…)` of a field that is not a workflow
        ("efficiency/services.py", "evaluation_run_execute"),
        ("efficiency/services.py", "_compute"),
        ("core/services.py", "import_run_execute"),
        ("policies/services.py", "match_run_execute"),
    }
    unexplained = found - set(DIRECT_WRITES) - derived_updates
    assert not unexplained, f"state written outside core.workflow.transition: {sorted(unexplained)}"


# ---- the kernel's behaviour, on a real workflow -------------------------------------------------------------
@pytest.fixture
def application(db, staff_a):
    from parkos.policies.models import Clause, Policy

    policy = Policy.objects.create(
        title="研发扶持办法", issuer="管委会", valid_from=dt.date(2026, 1, 1), department=staff_a.department
    )
    clause = Clause.objects.create(policy=policy, number="1", title="研发补助", rule={})
    ent = EnterpriseFactory()
    return Application.objects.create(
        clause=clause,
        enterprise=ent,
        amount=Decimal("10"),
        submitted_on=dt.date(2026, 3, 2),
        submitted_by=staff_a,
    )


def test_transition_writes_state_version_history_and_event_together(application, staff_a):
    workflow.transition(
        APPLICATION, application, "approve", user=staff_a, on=dt.date(2026, 3, 9), note="符合"
    )
    application.refresh_from_db()
    assert application.state == "approved"
    assert application.version == 2
    h = application.history.first()
    assert h.state == "approved"
    assert h.history_user == staff_a
    ev = RecordEvent.objects.get(object_id=application.pk, workflow="policies.application")
    assert (ev.action, ev.from_state, ev.to_state, ev.on, ev.note, ev.by) == (
        "approve",
        "submitted",
        "approved",
        dt.date(2026, 3, 9),
        "符合",
        staff_a,
    )
    with translation.override("zh-hans"):
        assert (ev.action_label, ev.to_label) == ("通过", "已通过")


def test_an_illegal_move_names_the_action_and_the_state_and_writes_nothing(application, staff_a):
    workflow.transition(APPLICATION, application, "reject", user=staff_a, on=dt.date(2026, 3, 9))
    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as exc:
        workflow.transition(APPLICATION, application, "approve", user=staff_a, on=dt.date(2026, 3, 10))
    assert str(exc.value.message) == "政策申报处于“未通过”状态，不能“通过”。"
    assert (exc.value.action, exc.value.state, exc.value.status) == ("approve", "rejected", 409)
    application.refresh_from_db()
    assert application.state == "rejected"
    assert application.version == 2
    assert RecordEvent.objects.filter(object_id=application.pk).count() == 1


def test_effects_that_refuse_leave_nothing_written(application, staff_a):
    from parkos.core.exceptions import Invalid

    def effects(t):
        application.review_note = "不该留下"
        raise Invalid("缺少材料")

    with pytest.raises(Invalid):
        workflow.transition(
            APPLICATION, application, "approve", user=staff_a, on=dt.date(2026, 3, 9), effects=effects
        )
    application.refresh_from_db()
    assert (application.state, application.review_note, application.version) == ("submitted", "", 1)
    assert not RecordEvent.objects.exists()


def test_events_are_append_only(application, staff_a):
    workflow.transition(APPLICATION, application, "withdraw", user=staff_a, on=dt.date(2026, 3, 9))
    ev = RecordEvent.objects.get()
    ev.note = "改写"
    with pytest.raises(AppendOnly):
        ev.save()
    with pytest.raises(AppendOnly):
        ev.delete()
    assert RecordEvent.objects.get().note == ""


def test_a_batch_moves_with_one_event_each_and_a_guard_keeps_data_missing_grants_back(application, staff_a):
    clause, ent2 = application.clause, EnterpriseFactory()
    ok = Grant.objects.create(
        clause=clause, enterprise=application.enterprise, year=2025, amount=Decimal("5")
    )
    missing = Grant.objects.create(clause=clause, enterprise=ent2, year=2025, amount=None)
    assert grants_approve(user=staff_a, ids=[ok.pk, missing.pk]) == 1
    ok.refresh_from_db()
    missing.refresh_from_db()
    assert (ok.state, ok.version, ok.approved_by) == ("approved", 2, staff_a)
    assert missing.state == "proposed"  # data missing: stays proposed
    assert list(RecordEvent.objects.values_list("object_id", "action")) == [(ok.pk, "approve")]
    with pytest.raises(IllegalTransition):
        workflow.transition_many(GRANT, [ok], "approve", user=staff_a, on=dt.date(2026, 3, 9))


def test_buttons_come_from_the_table_and_skip_what_the_system_does():
    from parkos.ratings.workflows import CASE
    from parkos.servicedesk.workflows import REQUEST

    assert [t.action for t in CASE.buttons("verifying")] == ["rectify", "explain", "appeal"]
    assert [t.action for t in CASE.buttons("assigned")] == [
        "contact"
    ]  # no appeal before the rater is contacted
    assert "escalate" not in [t.action for t in REQUEST.buttons("accepted")]

"""One workflow mechanism for every state machine of every app.

A `Workflow` is a transition table — action → (the states it starts from, the state it leads to, who may take
it, the guard that checks its preconditions) — over one state field of one model, with the timeline its moves
are appended to. `transition()` is the one service that takes a step: it refuses an illegal move with
`IllegalTransition` (one error, naming the action and the state in the official's words), checks who may and
the guard, lets the app apply the step's effects, then saves the record (its version bumped, the audit history
written) and appends the event, all in one transaction. `transition_many()` does the same for a batch.

The tables are data, so the pages ask them which buttons to show (`Workflow.actions_from`) and a test walks
every registered workflow (`registries.workflows`). Why not python-statemachine or django-fsm-2: see
docs/design.md (a transition here also carries who may, the business date and the timeline row; the libraries
put the machine on the model class and leave those to us).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils.translation import gettext as _

from .exceptions import Forbidden, NotNow

Who = Callable[[Any, Any], bool]  # (user, record) → may this user take the step on this record?
Guard = Callable[[Any], None]  # (record) → None, or raises Invalid naming what is missing


class IllegalTransition(NotNow):
    """A step the record's state does not allow. The message names the action and the state as officials see
    them; `action` and `state` keep the codes for the API (the error's code stays "invalid"; its status is 409)."""

    def __init__(self, workflow: Workflow | None, action: str, state: str):
        self.action, self.state = action, state
        if workflow is None:  # an engine checking a bare table
            message = f"{action} is not allowed from {state}"
        else:
            message = _("“%(action)s” is not possible while the %(record)s is “%(state)s”.") % {
                "action": workflow.action_label(action),
                "record": workflow.record_label(),
                "state": workflow.state_label(state),
            }
        super().__init__(message, extra={"action": action, "state": state})


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    # None: the state stays (a step recorded on the timeline, e.g. an extension); a function of the record: the
    # state is decided by the record (resuming a paused project goes back to where it was)
    target: str | Callable[[Any], str] | None
    label: Any = ""  # the button's words; the action code when empty
    may: Who | None = None  # who may, beyond the app's scope check; None: whoever may change the record
    guard: Guard | None = None
    auto: bool = False  # taken by the system (a deadline passing), never offered as a button

    def to(self, state: str, obj: Any = None) -> str:
        if callable(self.target):
            return self.target(obj)
        return state if self.target is None else self.target


def step(
    action: str,
    sources: str | Iterable[str],
    target: str | Callable[[Any], str] | None,
    label: Any = "",
    *,
    may: Who | None = None,
    guard: Guard | None = None,
    auto: bool = False,
) -> Transition:
    """One row of a transition table: `step("accept", {"submitted"}, "in_review", _("Accept"))`."""
    srcs = frozenset({sources} if isinstance(sources, str) else sources)
    return Transition(action, srcs, target, label, may, guard, auto)


@dataclass
class Workflow:
    """The state machine of `model.field` (model as "app_label.Model"). `event` names the model the moves are
    appended to ("app_label.Model" subclassing `core.models.WorkflowEvent`, with a foreign key `event_fk` to the
    record); None appends them to the kernel's `core.RecordEvent`. `terminal` states allow nothing;
    `derived` lists the states only a computation sets (never an action), for the checks of the test."""

    key: str
    model: str
    transitions: Sequence[Transition]
    field: str = "state"
    event: str | None = None
    event_fk: str = ""
    validate: bool = True  # run the model's validation before saving (False: the effects validate themselves)
    derived: frozenset[str] = frozenset()
    _by_action: dict[str, Transition] = dataclasses.field(default_factory=dict, repr=False)
    _model: Any = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._by_action = {}
        for t in self.transitions:
            if t.action in self._by_action:
                raise ValueError(f"{self.key}: action {t.action!r} twice")
            self._by_action[t.action] = t

    # ---- the table -------------------------------------------------------------------------------------
    @property
    def actions(self) -> list[str]:
        return list(self._by_action)

    def get(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise IllegalTransition(self, action, "") from None

    def next(self, state: str, action: str, obj: Any = None) -> str:
        """The state `action` leads to from `state` (for `obj`, when the table's row depends on the record), or
        IllegalTransition."""
        t = self._by_action.get(action)
        if t is None or state not in t.sources:
            raise IllegalTransition(self, action, state)
        return t.to(state, obj)

    def actions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def buttons(self, state: str) -> list[Transition]:
        """The steps people take from `state` (not those the system takes), in the table's order."""
        return [t for t in self.actions_from(state) if not t.auto]

    def available(self, user, obj) -> list[Transition]:
        """The steps this user may take on this record now (for the buttons of its page)."""
        state = getattr(obj, self.field)
        return [t for t in self.buttons(state) if t.may is None or t.may(user, obj)]

    def states(self) -> set[str]:
        out: set[str] = set()
        for t in self.transitions:
            out |= t.sources
            if isinstance(t.target, str):
                out.add(t.target)
        return out

    # ---- labels ------------------------------------------------------------------------------------------
    def model_class(self) -> type[models.Model]:
        if self._model is None:
            self._model = apps.get_model(self.model)
        return self._model

    def record_label(self) -> str:
        return str(self.model_class()._meta.verbose_name)

    def state_label(self, state: str) -> str:
        choices = dict(getattr(self.model_class()._meta.get_field(self.field), "flatchoices", ()))
        return str(choices.get(state, state))

    def action_label(self, action: str) -> str:
        t = self._by_action.get(action)
        return str(t.label) if t is not None and t.label else action

    def labels(self) -> dict[str, str]:
        return {t.action: self.action_label(t.action) for t in self.transitions}


# ---- the service --------------------------------------------------------------------------------------------
def _event_row(wf: Workflow, obj, *, action: str, frm: str, to: str, on: dt.date, note: str, user):
    common = {"action": action, "from_state": frm, "to_state": to, "on": on, "note": note, "by": user}
    if wf.event is None:
        from django.contrib.contenttypes.models import ContentType

        from .models import RecordEvent

        ct = ContentType.objects.get_for_model(obj)
        return RecordEvent(content_type=ct, object_id=obj.pk, workflow=wf.key, **common)
    return apps.get_model(wf.event)(**{wf.event_fk: obj}, **common)


def _check(wf: Workflow, obj, action: str, user) -> Transition:
    state = getattr(obj, wf.field)
    t = wf._by_action.get(action)
    if t is None or state not in t.sources:
        raise IllegalTransition(wf, action, state)
    if t.may is not None and not t.may(user, obj):
        raise Forbidden(_("You may not “%(action)s” this record.") % {"action": wf.action_label(action)})
    if t.guard is not None:
        t.guard(obj)
    return t


def _save(wf: Workflow, obj, user, update_fields: Sequence[str] | None = None) -> None:
    if hasattr(obj, "version"):
        obj.version += 1
    if wf.validate:
        from .services import clean_and_save

        clean_and_save(obj, user=user)
    else:
        from .models import audited

        audited(obj, user)
        obj.save()


@transaction.atomic
def transition(
    wf: Workflow,
    obj,
    action: str,
    *,
    user,
    on: dt.date,
    note: str = "",
    effects: Callable[[Transition], None] | None = None,
) -> Transition:
    """Take one step on a record the caller has locked and scoped: check the table, who may and the guard, apply
    `effects` (dates, deadlines, results — the app's part; it may raise Invalid and nothing is written), set the
    new state, save with the audit history and a new version, append the event."""
    t = _check(wf, obj, action, user)
    frm = getattr(obj, wf.field)
    to = t.to(frm, obj)
    if effects is not None:
        effects(t)
    setattr(obj, wf.field, to)
    _save(wf, obj, user)
    _event_row(wf, obj, action=action, frm=frm, to=to, on=on, note=note, user=user).save()
    return t


@transaction.atomic
def transition_many(
    wf: Workflow,
    objs: Sequence[Any],
    action: str,
    *,
    user,
    on: dt.date,
    note: str = "",
    fields: Sequence[str] = (),
    effects: Callable[[Any], None] | None = None,
) -> int:
    """The same step on a batch of locked records in one statement per table: every record is checked first
    (one illegal record refuses the batch), then updated with its history rows and events in bulk. `fields` are
    the columns `effects` sets besides the state."""
    from django.utils import timezone
    from simple_history.utils import bulk_update_with_history

    moves = []
    for obj in objs:
        t = _check(wf, obj, action, user)
        frm = getattr(obj, wf.field)
        to = t.to(frm, obj)
        if effects is not None:
            effects(obj)
        setattr(obj, wf.field, to)
        moves.append((obj, frm))
    if not moves:
        return 0
    cols = [wf.field, *fields]
    now = timezone.now()
    for obj, _frm in moves:
        if hasattr(obj, "version"):
            obj.version += 1
        if hasattr(obj, "updated_at"):
            obj.updated_at = now
    cols += [c for c in ("version", "updated_at") if hasattr(moves[0][0], c)]
    bulk_update_with_history([o for o, _f in moves], type(moves[0][0]), cols, default_user=user)
    rows = [
        _event_row(wf, o, action=action, frm=f, to=getattr(o, wf.field), on=on, note=note, user=user)
        for o, f in moves
    ]
    type(rows[0]).objects.bulk_create(rows)
    return len(moves)


def record(
    wf: Workflow, obj, action: str, *, user, on: dt.date, note: str = "", frm: str | None = None
) -> None:
    """Append an event that is not a move of this table: the record's creation (`frm=""`: it starts in its current
    state) or a remark on its timeline (a joint meeting's decision, a rename). The action must be in the table."""
    wf.get(action)
    to = getattr(obj, wf.field)
    _event_row(
        wf, obj, action=action, frm=to if frm is None else frm, to=to, on=on, note=note, user=user
    ).save()


def record_many(
    wf: Workflow,
    objs: Sequence[Any],
    action: str,
    *,
    user,
    on: dt.date,
    note: str = "",
    frm: str | None = None,
) -> None:
    """`record` for a batch of saved records (a list just created in bulk), in one statement."""
    wf.get(action)
    rows = [
        _event_row(
            wf,
            o,
            action=action,
            frm=getattr(o, wf.field) if frm is None else frm,
            to=getattr(o, wf.field),
            on=on,
            note=note,
            user=user,
        )
        for o in objs
    ]
    if rows:
        type(rows[0]).objects.bulk_create(rows)


def register(*workflows: Workflow) -> None:
    """Put an app's workflows into the kernel's registry (from its AppConfig.ready)."""
    from .registries import workflows as registry

    for wf in workflows:
        registry.register(wf)

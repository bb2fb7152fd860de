"""An inspector's part of a drawn task (spec §5, §6.5): the no-conflict declaration signed per task, opening an
object on inspection day (its name is withheld from the team until then) and withdrawing from an object for a
conflict found on the day — which records the conflict and sends the object back to the department for a new team."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import notify, workflow
from parkos.core.exceptions import Forbidden, Invalid
from parkos.core.services import check_version

from ..models import (
    DECLARATION,
    WITHDRAWN,
    Conflict,
    Declaration,
    Inspection,
    InspectionTask,
    Inspector,
    TaskState,
)
from ..workflows import INSPECTION, TASK

WITHDRAW_KIND = "credit.withdrawn"


def _inspector_of(user) -> Inspector:
    ins = Inspector.objects.filter(user=user).first()
    if ins is None:
        raise Forbidden(_("You are not in the inspector directory."))
    return ins


def has_declared(task_id: int, inspector_id: int) -> bool:
    return Declaration.objects.filter(task_id=task_id, inspector_id=inspector_id).exists()


@transaction.atomic
def declaration_sign(*, user, task_id: int, on: dt.date | None = None) -> Declaration:
    """The inspector signs the task's no-conflict declaration — once per task, before opening an object or entering
    a result; the text signed is kept with the signature and the task's timeline shows it."""
    task = get_object_or_404(
        InspectionTask.objects.restrict(user, "view").select_for_update(of=("self",)), pk=task_id
    )
    ins = _inspector_of(user)
    if task.state != TaskState.DRAWN:
        raise Invalid(_("The declaration is signed for a drawn task."))
    if has_declared(task.pk, ins.pk):
        raise Invalid(_("You have already signed the declaration for this task."))
    d = Declaration(task=task, inspector=ins, statement=DECLARATION, user=user)
    if on is not None and on != timezone.localdate():  # signed on an earlier day (a batch or the demo)
        d.declared_at = timezone.make_aware(dt.datetime.combine(on, dt.time(9, 0)))

    def effects(_t) -> None:
        try:
            with transaction.atomic():
                d.save(force_insert=True)
        except IntegrityError:  # signed at the same moment in another tab
            raise Invalid(_("You have already signed the declaration for this task.")) from None

    workflow.transition(TASK, task, "declare", user=user, on=on or timezone.localdate(), effects=effects)
    return d


def _team_inspection(user, pk: int, version: int | None) -> tuple[Inspection, Inspector]:
    insp = get_object_or_404(
        Inspection.objects.restrict(user, "view")
        .select_for_update(of=("self",))
        .select_related("task", "enterprise"),
        pk=pk,
    )
    if version is not None:
        check_version(insp, version)
    ins = _inspector_of(user)
    if not has_declared(insp.task_id, ins.pk):
        raise Invalid(_("Sign the task's no-conflict declaration first."))
    return insp, ins


@transaction.atomic
def inspection_open(*, user, pk: int, on: dt.date | None = None, version: int | None = None) -> Inspection:
    """A team member opens the object on inspection day: from then the team sees which enterprise it is (the
    timeline says who opened it and when)."""
    insp, _ins = _team_inspection(user, pk, version)
    on = on or timezone.localdate()
    if insp.opened_on is not None:
        raise Invalid(_("This object is already open."))
    if insp.task.inspect_by and on > insp.task.inspect_by:
        raise Invalid(_("The task's inspection period has ended."))

    def effects(_t) -> None:
        insp.opened_on = on

    workflow.transition(INSPECTION, insp, "open", user=user, on=on, effects=effects)
    return insp


@transaction.atomic
def inspection_withdraw(
    *, user, pk: int, note: str, on: dt.date | None = None, version: int | None = None
) -> Inspection:
    """A team member withdraws from an object for a conflict found on inspection day (回避): the conflict is
    recorded for later draws, the inspector leaves the team and the object waits for the department to complete a
    new team (manual assignment), which is told in its inbox."""
    insp, ins = _team_inspection(user, pk, version)
    on = on or timezone.localdate()
    if not note.strip():
        raise Invalid(_("Say what the conflict is."), fields={"note": [_("required")]})

    def effects(_t) -> None:
        Conflict.objects.get_or_create(
            inspector=ins,
            enterprise_id=insp.enterprise_id,
            defaults={"reason": Conflict.Reason.DECLARED, "declared_on": on, "note": note.strip()[:200]},
        )
        insp.inspectors.remove(ins)
        insp.manual_reason = WITHDRAWN

    workflow.transition(INSPECTION, insp, "withdraw", user=user, on=on, note=note.strip(), effects=effects)
    _tell_department(insp, on)
    return insp


def _tell_department(insp: Inspection, on: dt.date) -> None:
    from parkos.core.models import User

    recipients = set(
        User.objects.filter(
            department_id=insp.task.department_id, is_active=True, role__in=["dept_admin", "dept_staff"]
        ).values_list("pk", flat=True)
    )
    if not recipients:
        return
    notify.send_many(
        [
            notify.Message(
                kind=WITHDRAW_KIND,
                recipients=recipients,
                message=_(
                    "Task %(code)s: object %(n)s needs a new team (an inspector withdrew for a conflict)."
                )
                % {"code": insp.task.code, "n": insp.order},
                on=on,
                target=insp.task,
                url=reverse("credit:task", args=[insp.task_id]),
                once_key=f"withdrawn-{insp.pk}-{on.isoformat()}",
            )
        ]
    )

"""Helpers shared by the project and approval services."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core.exceptions import Forbidden, Invalid

from ..models import (
    ItemAction,
    Project,
)

MAX_EXTENSION_WD = 15  # 行政许可法 Art. 42: +10, or +15 for joint handling


def _staff(user) -> None:
    if not user.may("change") or user.is_enterprise_user:
        raise Forbidden(_("You may not change projects."))


def _project_for_change(user, pk: int) -> Project:
    _staff(user)
    return get_object_or_404(Project.objects.restrict(user, "change").select_for_update(), pk=pk)


def _on(on: dt.date | None, *, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    on = on or today
    if on > today:
        raise Invalid(_("The date cannot be in the future."), fields={"on": [_("after today")]})
    return on


ACTION_LABELS = ItemAction.choices

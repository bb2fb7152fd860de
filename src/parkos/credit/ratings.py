"""Repair decisions as a 好差评 rating target (registered in `apps.ready`): an enterprise rates the decision on its
own repair application — approved or refused — within the rating window; the rating counts for the deciding
department and the official who decided."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from parkos.core.exceptions import Forbidden, Invalid

from .models import RepairApplication, RepairState

DECIDED = [RepairState.APPROVED, RepairState.REFUSED]


def describe(user, pk: int) -> tuple[str, str]:
    app = RepairApplication.objects.filter(pk=pk).select_related("record").first()
    if app is None:
        return f"#{pk}", ""
    label = " · ".join([str(_("Credit repair")), app.record.title])
    if not RepairApplication.objects.restrict(user, "view").filter(pk=pk).exists():
        return label, ""
    return label, reverse("credit:mine") if user.is_enterprise_user else reverse(
        "credit:record", args=[app.record_id]
    )


def context(user, pk: int, on: dt.date, window_days: int) -> dict:
    app = RepairApplication.objects.restrict(user, "view").filter(pk=pk).first()
    if app is None:
        raise Http404
    if not user.is_enterprise_user:
        raise Forbidden(_("Only the enterprise rates the decision on its repair application."))
    if app.state not in DECIDED or app.decided_on is None:
        raise Invalid(_("A repair application is rated once it is decided."))
    if (on - app.decided_on).days > window_days:
        raise Invalid(
            _("The rating window closed %(n)s days after the application was decided.") % {"n": window_days}
        )
    return {
        "enterprise_id": app.enterprise_id,
        "department_id": app.department_id,
        "officer_id": app.decided_by_id,
        "category": "",
    }


def pending(user, since: dt.date):
    """The user's repair applications decided since `since` (newest first)."""
    return (
        RepairApplication.objects.restrict(user, "view")
        .filter(state__in=DECIDED, decided_on__gte=since)
        .select_related("record", "department")
        .order_by("-decided_on", "-pk")
    )


def summary(app) -> tuple[str, dt.date]:
    """How a decided application reads among the services to rate."""
    parts = [_("Credit repair"), app.record.title, app.get_state_display()]
    if app.department_id:
        parts.append(app.department.name)
    return " · ".join(str(p) for p in parts), app.decided_on

"""Approval items as a 好差评 rating target (registered in `apps.ready`): an enterprise rates a decided item of its
own project within the rating window; the rating counts for the item's department."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from parkos.core.exceptions import Forbidden, Invalid

from .models import ItemInstance, Project


def describe(user, pk: int) -> tuple[str, str]:
    it = ItemInstance.objects.filter(pk=pk).select_related("item", "project").first()
    if it is None:
        return f"#{pk}", ""
    may_open = Project.objects.restrict(user, "view").filter(pk=it.project_id).exists()
    return f"{it.project.name} · {it.item.name}", reverse(
        "projects:board", args=[it.project_id]
    ) if may_open else ""


def context(user, pk: int, on: dt.date, window_days: int) -> dict:
    item = ItemInstance.objects.restrict(user, "view").select_related("project").filter(pk=pk).first()
    if item is None:
        raise Http404
    if not user.is_enterprise_user:
        raise Forbidden(_("Only the enterprise rates its approvals."))
    if item.completed_on is None:
        raise Invalid(_("An approval item is rated once it is decided."))
    if (on - item.completed_on).days > window_days:
        raise Invalid(
            _("The rating window closed %(n)s days after the request was closed.") % {"n": window_days}
        )
    return {
        "enterprise_id": item.project.investor_id,
        "department_id": item.department_id,
        "officer_id": None,
        "category": "",
    }


def pending(user, since: dt.date):
    """The user's approval items decided since `since` (newest first)."""
    return (
        ItemInstance.objects.restrict(user, "view")
        .filter(completed_on__gte=since)
        .select_related("item", "project", "department")
        .order_by("-completed_on")
    )


def summary(item) -> tuple[str, dt.date]:
    """How a decided item reads among the services to rate."""
    return f"{item.item.name} · {item.project.name} · {item.department.name}", item.completed_on

"""What other apps may use of `projects`: signing a lead creates a key project; decided approval items can be
rated (好差评)."""

from __future__ import annotations

from .models import Category, ItemInstance, Level
from .services import project_create, project_transition

__all__ = [
    "Category",
    "Level",
    "project_create",
    "project_transition",
    "items_decided_since",
    "item_for_rating",
]


def items_decided_since(*, user, since, exclude_ids):
    """The user's decided approval items completed on or after `since`, not in `exclude_ids` (newest first)."""
    return (
        ItemInstance.objects.restrict(user, "view")
        .filter(completed_on__gte=since)
        .exclude(pk__in=exclude_ids)
        .select_related("item", "project", "department")
        .order_by("-completed_on")
    )


def item_for_rating(*, user, pk: int) -> ItemInstance | None:
    """One approval item the user may see (None when missing or out of scope)."""
    return ItemInstance.objects.restrict(user, "view").select_related("project").filter(pk=pk).first()

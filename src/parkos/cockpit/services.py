"""Writes of the national evaluation self-assessment: the zone's own values of a data year. (The peers' values come
in through the import, `imports.PeerImporter`.) Only the office holding the evaluation capability writes."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from parkos.core.exceptions import Conflict, Forbidden, Invalid

from . import selectors
from .models import Indicator, ZoneValue

MAX_VALUE = Decimal("1e15")


def values_stamp(year: int) -> str:
    """What the values form was drawn from: the year's entered values and their versions (a change by anyone
    else since makes the save a conflict)."""
    rows = ZoneValue.objects.filter(year=year).order_by("pk").values_list("pk", "version")
    return ",".join(f"{pk}.{v}" for pk, v in rows)


@transaction.atomic
def save_zone_values(
    *,
    user,
    year: int,
    values: dict[int, Decimal | None],
    notes: dict[int, str] | None = None,
    stamp: str | None = None,
) -> tuple[int, int, int]:
    """Set the zone's entered values of a data year: a value per indicator id (None removes the entered value, and
    ParkOS's figure counts again). Returns (created, changed, removed)."""
    if not selectors.may_edit(user):
        raise Forbidden(_("Only the national evaluation office enters the zone's values."))
    if not 2000 <= year <= 2100:
        raise Invalid(_("Choose a data year."), fields={"year": [_("out of range")]})
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=values.keys(), is_active=True)}
    errors = {}
    for pk, v in values.items():
        if pk not in indicators:
            errors[f"value_{pk}"] = [_("unknown indicator")]
        elif v is not None and abs(v) >= MAX_VALUE:
            errors[f"value_{pk}"] = [_("%(name)s: the value is too large") % {"name": indicators[pk].name}]
    if errors:
        raise Invalid(_("Some values cannot be saved."), fields=errors)
    existing = {z.indicator_id: z for z in ZoneValue.objects.select_for_update().filter(year=year)}
    if stamp is not None and stamp != values_stamp(year):
        raise Conflict(
            _("Someone changed these values while you were editing: reload the page and enter them again.")
        )
    notes = notes or {}
    created = changed = removed = 0
    for pk, v in values.items():
        z = existing.get(pk)
        note = (notes.get(pk) or "").strip()[:200]
        if v is None:
            if z is not None:
                z._change_reason = "removed"  # type: ignore[attr-defined]
                z.delete()
                removed += 1
            continue
        if z is None:
            ZoneValue.objects.create(indicator_id=pk, year=year, value=v, note=note, entered_by=user)
            created += 1
        elif z.value != v or z.note != note:
            z.value, z.note, z.entered_by = v, note, user
            z.version += 1
            z.save()
            changed += 1
    return created, changed, removed

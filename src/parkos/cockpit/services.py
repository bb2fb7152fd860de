"""Writes of the national evaluation self-assessment: the zone's own values of a data year. (The peers' values come
in through the import, `imports.PeerImporter`.) Only the office holding the evaluation capability writes."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from parkos.core.exceptions import Conflict, Forbidden, Invalid
from parkos.core.models import Park

from . import selectors
from .models import Indicator, Target, ZoneValue

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


# ---- 目标任务: the year's targets ---------------------------------------------------------------------------------
def targets_stamp(year: int) -> str:
    rows = Target.objects.filter(year=year).order_by("pk").values_list("pk", "version")
    return ",".join(f"{pk}.{v}" for pk, v in rows)


@transaction.atomic
def save_targets(
    *, user, year: int, values: dict[tuple[str, int | None], Decimal | None], stamp: str | None = None
) -> tuple[int, int, int]:
    """Set the year's targets: a value per (tile key, park id or None for the whole zone); None removes a target.
    Only the targets office writes; a tile that takes no target, or no park target, is refused. Returns (created,
    changed, removed)."""
    if not selectors.may_edit_targets(user):
        raise Forbidden(_("Only the targets office sets the year's targets."))
    if not 2000 <= year <= 2100:
        raise Invalid(_("Choose a year."), fields={"year": [_("out of range")]})
    tiles = {t.key: t for t in selectors.target_tiles()}
    parks = set(Park.objects.values_list("pk", flat=True))
    errors = {}
    for (key, park), v in values.items():
        field = f"t_{key.replace('.', '_')}_{park or 0}"
        t = tiles.get(key)
        if t is None or (park is not None and (not t.park_target or park not in parks)):
            errors[field] = [_("This figure takes no target here.")]
        elif v is not None and not 0 <= v < MAX_VALUE:
            errors[field] = [_("%(name)s: a target is a positive amount") % {"name": t.label}]
    if errors:
        raise Invalid(_("Some targets cannot be saved."), fields=errors)
    existing = {
        (t.tile, t.park_id): t for t in Target.objects.select_for_update().filter(year=year).order_by("pk")
    }
    if stamp is not None and stamp != targets_stamp(year):
        raise Conflict(
            _("Someone changed these targets while you were editing: reload the page and enter them again.")
        )
    created = changed = removed = 0
    for (key, park), v in values.items():
        row = existing.get((key, park))
        if v is None:
            if row is not None:
                row._change_reason = "removed"  # type: ignore[attr-defined]
                row.delete()
                removed += 1
        elif row is None:
            Target.objects.create(year=year, tile=key, park_id=park, value=v, entered_by=user)
            created += 1
        elif row.value != v:
            row.value, row.entered_by, row.version = v, user, row.version + 1
            row.save()
            changed += 1
    return created, changed, removed

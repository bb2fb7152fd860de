"""Number series: the next number of a named series, taken under a row lock inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from .models import Counter


def next_number(key: str, *, start: Callable[[], int] = lambda: 0) -> int:
    """The next number of series `key`. A new series starts after `start()` (e.g. the highest number already used
    before the series existed). The row is created without a race (insert or ignore) and then locked, so
    concurrent callers are served one after another and never draw the same number."""
    with transaction.atomic():
        if not Counter.objects.filter(key=key).exists():
            Counter.objects.bulk_create([Counter(key=key, value=start())], ignore_conflicts=True)
        c = Counter.objects.select_for_update().get(key=key)
        c.value += 1
        c.save(update_fields=["value"])
        return c.value

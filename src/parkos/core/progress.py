"""Progress of long jobs, kept in the cache so that it is visible while the job's transaction is open."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

_TTL = 6 * 3600


def _key(kind: str, pk: int) -> str:
    return f"parkos:progress:{kind}:{pk}"


class Progress:
    """Reports `done` of `total` in a named phase; writes at most every `step` units."""

    def __init__(self, kind: str, pk: int, *, step: int = 2000):
        self.key = _key(kind, pk)
        self.step = step
        self._last = -step

    def __call__(self, phase: str, done: int, total: int, *, force: bool = False) -> None:
        if force or done - self._last >= self.step or done >= total:
            self._last = done
            pct = 100 if total <= 0 else min(100, int(done * 100 / total))
            cache.set(self.key, {"phase": phase, "done": done, "total": total, "percent": pct}, _TTL)


def progress_of(kind: str, pk: int) -> dict[str, Any] | None:
    return cache.get(_key(kind, pk))

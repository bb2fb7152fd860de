"""One error root for services; the API handler and `core.views.service_errors` translate it."""

from typing import Any


class ParkOSError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: Any, *, code: str | None = None, extra: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class Forbidden(ParkOSError):
    status = 403
    code = "forbidden"


class NotFound(ParkOSError):
    status = 404
    code = "not_found"


class Conflict(ParkOSError):
    status = 409
    code = "conflict"


class Invalid(ParkOSError):
    """Input that fails validation; `fields` maps field name to a list of messages."""

    status = 422
    code = "invalid"

    def __init__(self, message: Any, *, fields: dict[str, list[str]] | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.fields = {k: [str(m) for m in v] for k, v in (fields or {}).items()}
        self.extra.setdefault("fields", self.fields)


class NotNow(Invalid):
    """Well-formed input that the record's present state refuses (a step its state does not allow, evidence not
    yet logged, a lead under dispute): shown like `Invalid` on pages; an API 409 — the same request may succeed
    once the record has moved on — where 422 says the input itself is wrong."""

    status = 409

"""Field validators every app uses (model fields, so forms, services and the API refuse alike)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def not_in_future(value: dt.date | None) -> None:
    """A date that has happened (established on, signed on…): not after today."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("The date cannot be in the future (today is %(today)s)."),
            code="future",
            params={"today": timezone.localdate().isoformat()},
        )

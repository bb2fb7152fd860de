"""One way to turn counts into rates: exact decimal arithmetic, rounded half up once. No Django here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from numbers import Real


def _dec(x: Real | Decimal | str) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def percent(numerator, denominator, places: int = 1) -> Decimal | None:
    """numerator ÷ denominator × 100, rounded half up to `places` decimals; None when the denominator is 0
    or missing (a rate of nothing is not 0 %). Computed in decimals from the values' shortest repr, so
    1 / 32 = 3.125 % is 3.13 % at two places (binary floats would give 3.12)."""
    if denominator is None or numerator is None or _dec(denominator) == 0:
        return None
    value = _dec(numerator) * 100 / _dec(denominator)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_half_up(value, places: int = 2) -> Decimal | None:
    """A figure rounded half up for display or storage (None stays None)."""
    if value is None:
        return None
    return _dec(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def formatted(value, places: int = 2) -> str:
    """The one number format: thousands separators, `places` decimals rounded half-up; '' for no value (the
    `money` and `count` template filters, and tables built in Python)."""
    if value is None or value == "":
        return ""
    try:
        rounded = round_half_up(value, places)
    except (ArithmeticError, TypeError, ValueError):
        return str(value)
    return "" if rounded is None else f"{rounded:,.{places}f}"

"""One half-up percent helper for every rate: exact decimals, rounded once."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from parkos.core.numbers import percent, round_half_up
from parkos.projects import engine as projects_engine
from parkos.ratings import (
    engine as servicedesk_engine,  # 好差评 rates (the ratings app since the kernel issue)
)
from parkos.workplan import engine as workplan_engine


def test_one_of_thirty_two_is_the_same_rate_everywhere():
    """1 / 32 = 3.125 %: half up gives 3.13 at two places and 3.1 at one, in every app (binary floats gave 3.12
    in the service desk)."""
    assert percent(1, 32, 2) == Decimal("3.13")
    assert servicedesk_engine.rate(1, 32) == 3.13
    assert projects_engine.percent(1, 32) == Decimal("3.1")
    assert workplan_engine.rate(1, 32) == Decimal("3.1")
    assert percent(63, 47) == Decimal("134.0")
    assert percent(5, 8, 2) == Decimal("62.50")


def test_nothing_to_count_is_no_rate():
    assert percent(3, 0) is None
    assert percent(None, 4) is None
    assert servicedesk_engine.rate(0, 0) is None
    assert round_half_up(None) is None
    assert round_half_up("2.675") == Decimal("2.68")  # the float 2.675 would round down


def test_satisfaction_half_up():
    """Levels 5, 4, 4, 3 … over 16 ratings of sum 61: 61 / 80 = 76.25 %."""
    import numpy as np

    levels = np.array([5] * 5 + [4] * 5 + [3] * 5 + [1])
    m = servicedesk_engine.rating_metrics(levels)
    assert (m.satisfaction, m.good_rate, m.bad_rate) == (76.25, 93.75, 6.25)


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.integers(0, 3))
def test_percent_is_exact_half_up(num, den, places):
    from fractions import Fraction

    exact = Fraction(num * 100, den) * 10**places
    floor = exact.numerator // exact.denominator
    expected = floor + (1 if exact - floor >= Fraction(1, 2) else 0)
    assert percent(num, den, places) == Decimal(expected).scaleb(-places)

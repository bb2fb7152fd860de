import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from parkos.core.excel import (
    CellError,
    boolean,
    date_cell,
    decimal_parser,
    month_cell,
    uscc,
    uscc_is_valid_fast,
)
from parkos.demo import make_uscc

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV"


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=19))
def test_fast_uscc_check_agrees_with_stdnum(code):
    assert uscc_is_valid_fast(code) == stdnum_uscc.is_valid(code)


@given(st.integers(10_000_000, 99_999_999))
def test_fast_uscc_check_accepts_valid_codes(serial):
    code = make_uscc("430121", serial)
    assert uscc_is_valid_fast(code)
    assert uscc(code.lower()) == code
    assert uscc(f"{code[:6]} {code[6:]}") == code  # separators go through stdnum's compact


def test_uscc_reasons():
    with pytest.raises(CellError, match="最后一位应为"):
        uscc("91430121MA4L12345X")
    with pytest.raises(CellError, match="应为18位"):
        uscc("914301")


def test_decimal_parser_rounds_half_up_and_reads_text():
    p = decimal_parser(2)
    assert p(12.345) == Decimal("12.35")
    assert p("1,234.5") == Decimal("1234.50")
    with pytest.raises(CellError):
        p(-1)
    assert decimal_parser(2, minimum=None)(-1) == Decimal("-1.00")


def test_dates_months_and_booleans():
    assert date_cell("2020/3/5") == dt.date(2020, 3, 5)
    assert date_cell("2020年3月5日") == dt.date(2020, 3, 5)
    assert date_cell(dt.datetime(2020, 3, 5, 10)) == dt.date(2020, 3, 5)
    with pytest.raises(CellError):
        date_cell("2020-02-30")
    assert month_cell("2025-3") == dt.date(2025, 3, 1)
    assert month_cell("2025年11月") == dt.date(2025, 11, 1)
    assert (boolean("是"), boolean("否"), boolean(True), boolean("")) == (True, False, True, False)

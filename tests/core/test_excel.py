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


@pytest.mark.django_db
def test_a_template_lists_the_allowed_values_and_offers_them_as_a_drop_down(client_admin):
    """The enterprise template: 经营状态 and 是否规上 are coded; 填写说明 lists their values and the data sheet
    carries a list validation over the hidden 可选值 sheet, while the first sheet stays the one an import reads."""
    import io
    import re
    import zipfile

    from python_calamine import CalamineWorkbook

    from tests.xlsx import read_xlsx

    r = client_admin.get("/imports/template/enterprises.xlsx")
    assert r.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(r.content))
    assert book.sheet_names[-1] == "可选值"
    assert [m.visible for m in book.sheets_metadata][-1] != "Visible"
    heads = read_xlsx(io.BytesIO(r.content))[0]
    info = {row[0]: row for row in read_xlsx(io.BytesIO(r.content), sheet=book.sheet_names.index("填写说明"))}
    assert info["列"][4] == "可选值"
    assert info["经营状态"][4] == "在营、停产、迁出、注销"
    assert info["是否规上"][4] == "是、否"
    assert not info["企业名称"][4]
    lists = read_xlsx(io.BytesIO(r.content), sheet=len(book.sheet_names) - 1)
    sheet1 = zipfile.ZipFile(io.BytesIO(r.content)).read("xl/worksheets/sheet1.xml").decode()
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[heads.index("经营状态")]
    dv = re.search(
        rf'<dataValidation type="list"[^>]*sqref="{letter}2:{letter}1048576"[^>]*>(.*?)</dataValidation>',
        sheet1,
    )
    assert dv
    assert 'errorStyle="warning"' not in dv.group(0)  # a template refuses a value outside the list
    col, first, last = re.fullmatch(
        r"<formula1>'可选值'!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)</formula1>", dv.group(1)
    ).groups()
    j = ord(col) - 65
    assert [row[j] for row in lists[int(first) - 1 : int(last)]] == ["在营", "停产", "迁出", "注销"]

"""Write and read real .xlsx files in tests."""

import datetime as dt

import xlsxwriter
from python_calamine import CalamineWorkbook


def write_xlsx(path, headers, rows):
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for j, h in enumerate(headers):
        ws.write(0, j, h)
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
            elif v is not None:
                ws.write(i, j, v)
    wb.close()
    return path


def read_xlsx(source, sheet=0):
    wb = (
        CalamineWorkbook.from_path(str(source))
        if not hasattr(source, "read")
        else CalamineWorkbook.from_filelike(source)
    )
    return wb.get_sheet_by_index(sheet).to_python()

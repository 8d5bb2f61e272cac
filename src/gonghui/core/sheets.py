"""Writing tables out: xlsx in constant memory (xlsxwriter) and CSV with a BOM for Excel.

Every text cell is escaped against formula injection: a value starting with = + - @ (or a tab /
carriage return, which Excel strips before looking) gets a leading apostrophe-like quote so the
spreadsheet shows it as text instead of evaluating it (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import FileResponse, HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(target: str | os.PathLike[str], sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows to `target`; memory stays flat however many rows (constant_memory mode).
    Returns the number of data rows written."""
    wb = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(sheet[:31])
    head = wb.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    text_fmt = wb.add_format({"num_format": "@"})
    for c, h in enumerate(headers):
        ws.write_string(0, c, str(h), head)
        ws.set_column(c, c, max(10, min(40, len(str(h)) * 2 + 4)))
    n = 0
    for n, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, dt.datetime):
                ws.write_datetime(n, c, v.replace(tzinfo=None), date_fmt)
            elif isinstance(v, dt.date):
                ws.write_datetime(n, c, dt.datetime(v.year, v.month, v.day), date_fmt)
            elif isinstance(v, bool):
                ws.write_string(n, c, "是" if v else "否")
            elif isinstance(v, int | float):
                ws.write_number(n, c, v)
            else:
                # Text stays text: long digit strings (ID numbers) must never become numbers.
                ws.write_string(n, c, str(safe_cell(str(v))), text_fmt)
    ws.freeze_panes(1, 0)
    wb.close()
    return n


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 - handed to FileResponse
    tmp.close()
    write_xlsx(tmp.name, sheet, headers, rows)
    fh = open(tmp.name, "rb")  # noqa: SIM115
    os.unlink(tmp.name)  # the open handle keeps the data until the response closes it
    return FileResponse(
        fh, as_attachment=True, filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )  # fmt: skip


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf)
    w.writerow(headers)
    for row in rows:
        w.writerow(["" if v is None else safe_cell(str(v) if not isinstance(v, str) else v) for v in row])
    return buf.getvalue().encode("utf-8")

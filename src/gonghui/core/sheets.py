"""Tables in and out: xlsx in constant memory (xlsxwriter), CSV with a BOM for Excel; reading
xlsx / xls / ods (python-calamine) and CSV in any of the encodings Chinese offices produce is in
core/sheet_reading.py (its names are re-exported here).

Writing:

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
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import xlsxwriter
from django.http import FileResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(
    target: str | os.PathLike[str] | io.BytesIO,
    sheet: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Write rows to `target`; memory stays flat however many rows (constant_memory mode).
    Returns the number of data rows written."""
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    if isinstance(target, io.BytesIO):
        options = {**options, "constant_memory": False, "in_memory": True}  # no temporary files
    wb = xlsxwriter.Workbook(target if isinstance(target, io.BytesIO) else str(target), options)
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


def write_xlsx_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The workbook in memory, nothing on disk (for files sealed at rest: a bounded number of rows)."""
    buf = io.BytesIO()
    write_xlsx(buf, sheet, headers, rows)
    return buf.getvalue()


def xlsx_response(
    filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> FileResponse:
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


def csv_stream(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk_rows: int = 2000
) -> Iterator[bytes]:
    """CSV as UTF-8 with a BOM (so Excel opens it as UTF-8), in pieces: memory stays flat."""
    buf = io.StringIO()
    w = csv.writer(buf)
    buf.write("\ufeff")
    w.writerow(headers)
    for n, row in enumerate(rows, start=1):
        w.writerow(["" if v is None else safe_cell(_csv_text(v)) for v in row])
        if n % chunk_rows == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def _csv_text(v: Any) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, dt.date):
        return v.isoformat()[:10] if not isinstance(v, dt.datetime) else v.strftime("%Y-%m-%d %H:%M")
    return v if isinstance(v, str) else str(v)


# Reading lives in core/sheet_reading.py; these names stay importable from here.
from gonghui.core.sheet_reading import (  # noqa: E402
    XLSX_PIECE_BYTES,
    Cell,
    Row,
    SheetReadError,
    Table,
    sniff_format,
)

__all__ = [
    "XLSX_PIECE_BYTES", "Cell", "Row", "SheetReadError", "Table", "csv_bytes", "csv_stream", "safe_cell",
    "sniff_format", "write_xlsx", "write_xlsx_bytes", "xlsx_response",
]  # fmt: skip

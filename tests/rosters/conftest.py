"""Helpers for the roster tests: files built here (xlsx, xls, ods, csv in several encodings) with
synthetic valid ID numbers, and a one-call import through the real actions."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import zipfile
from pathlib import Path
from typing import Any

import pytest

from gonghui.core import ids

_seq = itertools.count(1)

HEADER = ["序号", "姓名", "公民身份号码", "手机号码", "民族", "学历", "户籍类型", "工作单位", "入会日期"]


def new_id(*, born: dt.date | None = None, male: bool = True, code: str = "530326") -> str:
    """A fresh valid 18-digit ID number (unique within the run; 'tests' use sequence 500–999)."""
    n = next(_seq)
    born = born or dt.date(1970, 1, 1) + dt.timedelta(days=(n * 37) % 9000)
    seq = 500 + (n * 2 + (1 if male else 0)) % 500
    return ids.make_id_number(code, born, seq)


def person_row(n: int, **kw: Any) -> list[Any]:
    """A good data row in HEADER's order."""
    values = {
        "no": n, "name": kw.pop("name", f"张{'一二三四五六七八九十'[n % 10]}{'甲乙丙丁'[n % 4]}"), "id": kw.pop("id", None) or new_id(),
        "phone": kw.pop("phone", f"1380013{n % 10000:04d}"), "ethnicity": kw.pop("ethnicity", "汉族"), "education": kw.pop("education", "初中"),
        "hukou": kw.pop("hukou", "农业户口"), "employer": kw.pop("employer", "甲公司"), "joined": kw.pop("joined", "2020-03-01"),
    }  # fmt: skip
    assert not kw, kw
    return [
        values[k]
        for k in ("no", "name", "id", "phone", "ethnicity", "education", "hukou", "employer", "joined")
    ]


def write_xlsx_rows(path: Path, rows: list[list[Any]], *, sheet: str = "花名册", extra_sheets: list[tuple[str, list[list[Any]]]] | None = None,
                    merge: list[tuple[int, int, int, int, str]] | None = None) -> Path:  # fmt: skip
    """rows as given: str → text cell, int/float → number cell, date → date cell, None → empty."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, data in [*(extra_sheets or []), (sheet, rows)]:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(data):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        if name == sheet:
            for r1, c1, r2, c2, text in merge or []:
                ws.merge_range(r1, c1, r2, c2, text)
    wb.close()
    return path


def write_csv_rows(
    path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    data = buf.getvalue()
    if encoding == "utf-16":
        path.write_bytes(data.encode("utf-16"))  # with BOM, as Excel's "Unicode text"
    else:
        path.write_bytes(data.encode(encoding))
    return path


def write_xls_rows(path: Path, rows: list[list[Any]]) -> Path:
    """Excel 97–2003 (.xls, BIFF8) through xlwt."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("花名册")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def write_ods_rows(path: Path, rows: list[list[Any]]) -> Path:
    """A minimal OpenDocument spreadsheet (what WPS / LibreOffice save as .ods)."""
    from xml.sax.saxutils import escape

    cells = []
    for row in rows:
        parts = []
        for v in row:
            if v is None or v == "":
                parts.append("<table:table-cell/>")
            elif isinstance(v, int | float):
                parts.append(
                    f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
                )
            else:
                parts.append(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
                )
        cells.append(f"<table:table-row>{''.join(parts)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="花名册">'
        f"{''.join(cells)}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return path


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    """Jobs run at once in these tests instead of waiting in the database for a worker
    (django-tasks resets its handlers on setting_changed)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def run_import(tree: dict[str, Any]) -> Any:
    """run_import(path, org="T0003", dry_run=False, mode="update", user="east_clerk") → the finished job."""
    from gonghui.rosters import actions

    def _run(path: Path, org: str = "T0003", *, dry_run: bool = False, mode: str = "update", user: str | None = "east_clerk",
             parallel: bool = False) -> Any:  # fmt: skip
        u = tree["users"][user] if user else None
        job = actions.roster_import_create(user=u, org=tree["orgs"][org], path=str(path), source_name=Path(path).name,
                                           uploaded=False, mode=mode, dry_run=dry_run)  # fmt: skip
        return actions.roster_import_run(job_id=job.pk, parallel=parallel)

    return _run


def issues_of(job: Any) -> list[tuple[int, str, str]]:
    return [(i.row, i.column, i.message) for i in job.issues.order_by("row", "id")]

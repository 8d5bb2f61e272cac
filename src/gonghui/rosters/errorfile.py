"""The error file of an import: the refused rows as the file had them, with 原行号 and 错误原因,
to fix and import again. Built once the run ends (at most GONGHUI_IMPORT_MAX_ISSUES rows), sealed
in the data folder or written plain next to the command line's own file (rosters/files.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gonghui.core.audit import audit_record
from gonghui.core.sheet_reading import Table
from gonghui.rosters import files
from gonghui.rosters.columns import Header
from gonghui.rosters.models import ImportIssue, ImportJob

ERROR_COLUMN = "错误原因"
ROW_COLUMN = "原行号"


def _issue_text(items: list[tuple[str, str]]) -> str:
    return "；".join(f"【{c}】{m}" if c else m for c, m in items)


def error_rows(job: ImportJob) -> Iterator[list[Any]]:
    """The refused rows as the file had them, plus the original row number and the reasons. The
    file and the problems are both walked in row order, so memory stays flat."""
    header = Header.from_json(job.header)
    issues = (
        ImportIssue.objects.filter(job=job)
        .order_by("row", "id")
        .values_list("row", "column", "message")
        .iterator(chunk_size=5000)
    )
    pending = next(issues, None)
    table = Table(job.source_file)
    width = 0
    for n, cells in table.rows(job.sheet):
        if pending is None:
            break
        if n == header.row:
            width = len(cells)
        if n < pending[0]:
            continue
        items = []
        while pending is not None and pending[0] == n:
            items.append((pending[1], pending[2]))
            pending = next(issues, None)
        row = list(cells) + [""] * max(0, width - len(cells))
        yield [*row[: max(width, len(cells))], n, _issue_text(items)]


def error_file_headers(job: ImportJob) -> list[str]:
    header = Header.from_json(job.header)
    table = Table(job.source_file)
    rows = [cells for n, cells in table.head(job.sheet, header.row) if header.first_row <= n <= header.row]
    width = max((len(r) for r in rows), default=0)
    out = []
    for j in range(width):
        texts = [str(r[j]).strip() for r in rows if j < len(r) and str(r[j]).strip()]
        out.append(texts[-1] if texts else "")
    return [*out, ROW_COLUMN, ERROR_COLUMN]


def error_file_build(job: ImportJob) -> Path:
    """xlsx of the refused rows: the original cells, 原行号 and 错误原因 (fix and import it again);
    sealed in the data folder, plain next to the command line's own file (rosters/files.py)."""
    return files.write_error_file(source=job.source_file, uploaded=job.source_uploaded, job_pk=job.pk,
                                  headers=error_file_headers(job), rows=error_rows(job))  # fmt: skip


def error_file_read(job: ImportJob) -> bytes | None:
    """The error file's bytes (opened from its sealed copy), or None when there is none any more."""
    return files.read_error_file(job.error_file)


def error_file_download_record(*, user: Any, job: ImportJob) -> None:
    """Every download of an error file is audited (it holds the refused rows as typed)."""
    audit_record(
        user=user, action="roster.error_file", obj=job, org_path=job.org_path, changes={"errors": job.errors}
    )


def error_file_name(job: ImportJob) -> str:
    stem = Path(job.source_name).stem or "roster"
    return f"{stem}_错误行.xlsx"

"""Roster files at rest: the uploaded copy of a roster and the error file of its refused rows.

Both hold full ID numbers and phones, so in the data folder (`<DATA_DIR>/imports/<random>/`) they
are sealed with the PII key (core/sealed.py: AES-GCM in chunks, read back without a plaintext copy
on disk), created 0600 in 0700 folders, and deleted:

* the upload as soon as its import is done, or its dry run is abandoned (cancelled, or replaced by
  a newer upload of the same file by the same user);
* everything `GONGHUI_IMPORT_RETENTION_DAYS` (default 7) after the job ended — or was last heard
  of — by `roster_import_purge` (rosters/actions.py), run by every import task, by every
  `gonghui import` and by `gonghui import --purge`.

The command line's own file (`gonghui import FILE`) is the operator's and stays where it is, as
does the error file written next to it (`FILE.错误行.xlsx`, plain, in the operator's folder); when
that folder is not writable the error file is sealed in the data folder and served by the pages.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings

from gonghui.core import sealed
from gonghui.core.errors import ApplicationError

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")
ERROR_FILE_NAME = "errors.xlsx"


def max_upload_bytes() -> int:
    return int(settings.GONGHUI_IMPORT_MAX_MB) * 1024 * 1024


def retention_seconds() -> float:
    return float(settings.GONGHUI_IMPORT_RETENTION_DAYS) * 86400


def imports_dir() -> Path:
    return sealed.make_private_dir(Path(settings.DATA_DIR) / "imports")


def in_data_folder(path: str | os.PathLike[str]) -> bool:
    """Is `path` one of ours (under the imports folder), i.e. ours to seal and to delete?"""
    if not path:
        return False
    try:
        return Path(path).resolve().is_relative_to(imports_dir().resolve())
    except OSError:
        return False


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file's content (of the plaintext, for a sealed file)."""
    h = hashlib.sha256()
    with sealed.open_read(path) as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def store_upload(upload: Any) -> tuple[str, str]:
    """Seal an uploaded file into its own folder in the data folder; returns (path, original name)."""
    name = os.path.basename(getattr(upload, "name", "") or "roster")
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ApplicationError(
            "只能导入 .xlsx、.xls、.et、.ods 或 .csv 文件。", code="file_type", details={"field": "file"}
        )
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ApplicationError(f"文件过大（{upload.size // 1048576} MB），上限 {limit // 1048576} MB；可分成几个文件导入。",
                               code="file_size", details={"field": "file"})  # fmt: skip
    if upload.size == 0:
        raise ApplicationError("文件是空的。", code="empty", details={"field": "file"})
    folder = imports_dir() / secrets.token_hex(8)
    folder.mkdir(mode=0o700)
    target = folder / ("source" + Path(name).suffix.lower())
    writer = sealed.SealedWriter(target)
    try:
        for chunk in upload.chunks():
            writer.write(chunk)
    except BaseException:
        writer.discard()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    writer.close()
    return str(target), name


def discard_upload(path: str) -> None:
    """An upload refused before a job was made of it: gone at once, with its folder."""
    if in_data_folder(path):
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def delete_file(path: str) -> None:
    """Delete a file of ours (never the operator's own), and its folder once empty."""
    if not in_data_folder(path):
        return
    p = Path(path)
    p.unlink(missing_ok=True)
    folder = p.parent
    if folder != imports_dir() and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def write_error_file(
    *, source: str, uploaded: bool, job_pk: int, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Path:
    """The error workbook: sealed in the data folder (an upload's folder, or the imports folder
    when the operator's folder is not writable); plain next to the operator's own file."""
    # xlsxwriter only when a file has errors: an import without any does not load it (issue 19)
    from gonghui.core.sheets import write_xlsx, write_xlsx_bytes

    src = Path(source)
    if uploaded or in_data_folder(source):
        target = src.parent / ERROR_FILE_NAME
    elif os.access(src.parent, os.W_OK):
        target = src.with_name(f"{src.stem}.错误行.xlsx")
        tmp = target.with_name(target.name + ".tmp")
        write_xlsx(tmp, "错误行", headers, rows)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        return target
    else:
        target = imports_dir() / f"job-{job_pk}-errors.xlsx"
    # bounded by the cap on stored problems (GONGHUI_IMPORT_MAX_ISSUES rows at most): in memory
    data = write_xlsx_bytes("错误行", headers, rows)
    target.with_name(target.name + ".part").unlink(missing_ok=True)
    sealed.seal_bytes(target, data)
    return target


def read_error_file(path: str) -> bytes | None:
    """The error workbook's bytes (opened if sealed), or None when it is gone."""
    if not path or not os.path.exists(path):
        return None
    return sealed.read_bytes(path)


def stray_entries(referenced: set[str], cutoff: float) -> list[Path]:
    """Folders and files in the imports folder no job refers to, untouched since `cutoff` (a
    timestamp): an upload whose request died before its job was saved, a half-written `.part`."""
    root = imports_dir()
    out = []
    for entry in root.iterdir():
        try:
            if entry.stat().st_mtime > cutoff:
                continue
        except FileNotFoundError:
            continue
        if entry.is_dir():
            if not any(str(f) in referenced for f in entry.iterdir()):
                out.append(entry)
        elif str(entry) not in referenced:
            out.append(entry)
    return out


def remove(entry: Path) -> None:
    if entry.is_dir():
        shutil.rmtree(entry, ignore_errors=True)
    else:
        entry.unlink(missing_ok=True)

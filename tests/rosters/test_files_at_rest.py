"""Issue 12 F6 and F8: roster files in the data folder are sealed with the PII key, 0600 in 0700
folders, deleted when a dry run is abandoned and after the retention period; a file of garbage
rows (the 1.3 MB zip bomb that made 2,000,000 problem rows) stops at the cap on problems, fast."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.rosters.conftest import HEADER, new_id, person_row, write_xlsx_rows


def _upload(tmp_path: Path, rows: list[list[Any]], name: str = "名册.xlsx") -> SimpleUploadedFile:
    path = write_xlsx_rows(tmp_path / "u.xlsx", [HEADER, *rows])
    return SimpleUploadedFile(name, path.read_bytes())


def test_sealed_file_round_trip_random_access_and_tamper() -> None:
    from gonghui.core import sealed
    from gonghui.rosters.files import imports_dir

    folder = imports_dir()
    for n in (0, 1, sealed.CHUNK - 1, sealed.CHUNK, sealed.CHUNK + 1, 3 * sealed.CHUNK + 17):
        data = os.urandom(n)
        path = folder / f"t{n}"
        sealed.seal_bytes(path, data)
        assert path.read_bytes()[:8] == sealed.MAGIC and oct(path.stat().st_mode & 0o777) == "0o600"
        assert sealed.read_bytes(path) == data and sealed.plain_size(path) == n
        with sealed.open_read(path) as fh:
            fh.seek(max(0, n - 5))
            assert fh.read() == data[max(0, n - 5) :]
        raw = path.read_bytes()
        if n > sealed.CHUNK:
            path.write_bytes(raw[: 16 + sealed.CHUNK + 16])  # cut after a whole first chunk
            with pytest.raises(sealed.SealedFileError):
                sealed.read_bytes(path)
        path.unlink()
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


def test_upload_is_sealed_and_error_file_opens(tmp_path: Path, login: Any) -> None:
    from gonghui.rosters.models import ImportJob

    number = new_id()
    client = login("east_clerk")
    resp = client.post("/rosters/", {"file": _upload(tmp_path, [person_row(1, id=number), person_row(2, phone="x")]),
                                     "org": "T0003", "mode": "update"})  # fmt: skip
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and job.status == "checked" and job.errors == 1
    for path in (Path(job.source_file), Path(job.error_file)):
        raw = path.read_bytes()
        assert raw[:8] == b"GHSEAL01" and number.encode() not in raw and b"13800130001" not in raw
        assert (
            oct(path.stat().st_mode & 0o777) == "0o600" and oct(path.parent.stat().st_mode & 0o777) == "0o700"
        )
    err = client.get(f"/rosters/jobs/{job.pk}/errors.xlsx")
    body = b"".join(err.streaming_content)
    assert err.status_code == 200 and body[:2] == b"PK"
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python()
    assert rows[0][-2:] == ["原行号", "错误原因"] and len(rows) == 2


def test_abandoned_dry_runs_leave_no_file(tmp_path: Path, login: Any) -> None:
    from gonghui.rosters.models import ImportJob

    client = login("east_clerk")
    # the same bytes twice (xlsxwriter stamps the time of writing into the file: written again a
    # second later it would be another file)
    data = _upload(tmp_path, [person_row(1), person_row(2, phone="x")]).read()
    client.post(
        "/rosters/", {"file": SimpleUploadedFile("名册.xlsx", data), "org": "T0003", "mode": "update"}
    )
    first = ImportJob.objects.get()
    folder = Path(first.source_file).parent
    assert folder.is_dir()
    # the same file again: the first, never committed, is abandoned with its files
    client.post(
        "/rosters/", {"file": SimpleUploadedFile("名册.xlsx", data), "org": "T0003", "mode": "update"}
    )
    first.refresh_from_db()
    assert first.status == "cancelled" and first.source_file == first.error_file == "" and not folder.exists()
    second = ImportJob.objects.exclude(pk=first.pk).get()
    assert client.get(f"/rosters/jobs/{first.pk}/errors.xlsx").status_code == 404
    # a cancelled check: its files go too
    folder = Path(second.source_file).parent
    client.post(f"/rosters/jobs/{second.pk}/cancel/")
    second.refresh_from_db()
    assert second.status == "cancelled" and not folder.exists()


def test_purge_after_retention(tmp_path: Path, login: Any, settings: Any) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from gonghui.rosters import actions
    from gonghui.rosters.files import imports_dir
    from gonghui.rosters.models import ImportJob

    client = login("east_clerk")
    client.post("/rosters/", {"file": _upload(tmp_path, [person_row(1), person_row(2, phone="x")]), "org": "T0003", "mode": "update"})  # fmt: skip
    job = ImportJob.objects.get()
    src, err = Path(job.source_file), Path(job.error_file)
    stray_old, stray_new = imports_dir() / "0123456789abcdef", imports_dir() / "fedcba9876543210"
    for d in (stray_old, stray_new):
        d.mkdir(mode=0o700)
        (d / "source.xlsx").write_bytes(b"x")
    assert actions.roster_import_purge() == 0 and src.exists() and stray_old.exists()  # nothing is old yet
    week = time.time() - 8 * 86400
    os.utime(stray_old, (week, week))
    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=settings.GONGHUI_IMPORT_RETENTION_DAYS, hours=1),
        heartbeat_at=None,
    )
    out = io.StringIO()
    call_command("import", "--purge", stdout=out)
    assert "已删除 3 个" in out.getvalue()
    job.refresh_from_db()
    assert job.source_file == job.error_file == "" and not src.exists() and not err.exists()
    assert not stray_old.exists() and stray_new.exists()  # a fresh upload in flight stays
    assert client.get(f"/rosters/jobs/{job.pk}/errors.xlsx").status_code == 404


def _garbage_xlsx(path: Path, rows: int) -> Path:
    """A zip-bomb-like workbook: a real header, then `rows` rows of junk, deflated to little."""
    head = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER)
    )
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c><c r="B{n}" t="inlineStr"><is><t>y</t></is></c>'
        f'<c r="C{n}" t="inlineStr"><is><t>z</t></is></c></row>'
        for n in range(2, rows + 2)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'<row r="1">{head}</row>{body}</sheetData></worksheet>'
    )
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')  # fmt: skip
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
                   f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>')  # fmt: skip
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')  # fmt: skip
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def test_zip_bomb_of_garbage_rows_stops_at_the_cap_quickly(tmp_path: Path, run_import: Any) -> None:
    from gonghui.rosters.models import ImportIssue

    path = _garbage_xlsx(tmp_path / "bomb.xlsx", 400_000)
    assert path.stat().st_size < 6_000_000  # ~60 MB of sheet XML
    started = time.monotonic()
    job = run_import(path, dry_run=True)
    took = time.monotonic() - started
    stored = ImportIssue.objects.filter(job=job).count()
    assert job.status == "failed" and "检查已停止" in job.message and "上限 10,000 个" in job.message, (
        job.message
    )
    assert stored == 10_000 and job.errors >= 10_000 and job.rows_done <= 20_000  # one batch
    assert took < 60, took
    assert job.error_file  # the problems found can be downloaded


def test_row_and_issue_caps(tmp_path: Path, run_import: Any, settings: Any) -> None:
    from gonghui.core.errors import ApplicationError
    from gonghui.rosters.models import ImportIssue

    settings.GONGHUI_IMPORT_MAX_ROWS = 30
    rows = [HEADER] + [person_row(i) for i in range(1, 41)]
    job = run_import(write_xlsx_rows(tmp_path / "many.xlsx", rows), dry_run=True)
    assert job.status == "failed" and "超过每个文件 30 行的上限" in job.message
    # the sheet's own dimension says far more than the cap: refused before any job is made
    settings.GONGHUI_IMPORT_MAX_ROWS = 10
    with pytest.raises(ApplicationError) as exc:
        run_import(write_xlsx_rows(tmp_path / "many2.xlsx", rows), dry_run=True)
    assert exc.value.code == "too_many_rows"
    # an import (not a dry run) keeps going past the cap on problems but stores only the cap
    settings.GONGHUI_IMPORT_MAX_ROWS = 1_000_000
    settings.GONGHUI_IMPORT_MAX_ISSUES = 5
    rows = [HEADER] + [person_row(i, phone="x" if i <= 8 else f"139{i:08d}") for i in range(1, 11)]
    job = run_import(write_xlsx_rows(tmp_path / "bad.xlsx", rows))
    assert (job.status, job.created, job.refused, job.errors) == ("done", 2, 8, 8)
    assert ImportIssue.objects.filter(job=job).count() == 5 and "只保存并列出了前 5 个" in job.message

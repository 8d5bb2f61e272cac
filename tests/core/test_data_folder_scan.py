"""Issue 12 F6, "What it must show": after the imports a clerk makes — a dry run, a committed
import, an import with refused rows, an abandoned dry run, error-file downloads — every ID number
and phone of the imported rows is searched in every file under the data folder (zip packages
opened: a plain xlsx hides its text behind deflate) and found 0 times."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.rosters.conftest import HEADER, new_id, person_row, write_xlsx_rows


def _texts(path: Path) -> list[bytes]:
    raw = path.read_bytes()
    out = [raw]
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                out += [z.read(n) for n in z.namelist()]
        except zipfile.BadZipFile:
            pass
    return out


def _scan(secrets: list[str]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    files = 0
    for root, _dirs, names in os.walk(django_settings.DATA_DIR):
        for name in names:
            path = Path(root) / name
            files += 1
            for blob in _texts(path):
                for s in secrets:
                    if s.encode() in blob:
                        hits.setdefault(str(path), []).append(s)
    assert files, "nothing scanned"
    return hits


def test_no_id_number_or_phone_in_any_file_of_the_data_folder(
    tree: dict[str, Any], client: Any, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.management import call_command

    from gonghui.rosters.models import ImportJob

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }
    client.force_login(tree["users"]["east_clerk"])
    secrets: list[str] = []

    def rows(n0: int, n: int, bad: set[int]) -> list[list[Any]]:
        out = []
        for i in range(n0, n0 + n):
            number, phone = new_id(), f"1391234{i:04d}"
            secrets.extend((number, phone))
            out.append(person_row(i, id=number, phone=phone, hukou="火星户口" if i in bad else "农业户口"))
        return out

    def upload(data: list[list[Any]], name: str) -> ImportJob:
        path = write_xlsx_rows(tmp_path / name, [HEADER, *data])
        file = SimpleUploadedFile(name, path.read_bytes())
        resp = client.post("/rosters/", {"file": file, "org": "T0003", "mode": "update"})
        assert resp.status_code == 302
        return ImportJob.objects.latest("pk")

    # a dry run with refused rows, its error file downloaded, then committed
    first = rows(1, 6, {3, 5})
    job = upload(first, "a.xlsx")
    assert job.status == "checked" and job.refused == 2
    assert client.get(f"/rosters/jobs/{job.pk}/errors.xlsx").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/rosters/jobs/{job.pk}/commit/", {"mode": "update"})
    job.refresh_from_db()
    assert job.status == "done" and job.created == 4
    assert client.get(f"/rosters/jobs/{job.pk}/errors.xlsx").status_code == 200
    # a dry run abandoned by uploading the same file again, and one left waiting
    second = rows(100, 4, {101})
    upload(second, "b.xlsx")
    waiting = upload(second, "b.xlsx")
    assert waiting.status == "checked"
    # the command line: an import with refused rows (its error file is written next to the file)
    third = rows(200, 4, {202})
    out = io.StringIO()
    call_command("import", str(write_xlsx_rows(tmp_path / "c.xlsx", [HEADER, *third])), "--org", "T0003",
                 "--no-progress", stdout=out)  # fmt: skip
    assert "拒绝 1" in out.getvalue()
    assert len(secrets) == 28
    hits = _scan(secrets)
    assert hits == {}, hits
    # the scan would see a plain workbook (control)
    control = write_xlsx_rows(Path(django_settings.DATA_DIR) / "control.xlsx", [HEADER, *first[:1]])
    try:
        assert list(_scan(secrets)) == [str(control)]
    finally:
        control.unlink()

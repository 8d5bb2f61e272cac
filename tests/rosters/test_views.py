"""The import page (upload → check → confirm → progress → done), its htmx partial, the template,
the error file, exports and the API. Tasks run at once here (ImmediateBackend, tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from tests.rosters.conftest import HEADER, new_id, person_row, write_xlsx_rows


def _upload(tmp_path: Path, rows: list[list[Any]], name: str = "花名册.xlsx") -> SimpleUploadedFile:
    path = write_xlsx_rows(tmp_path / "u.xlsx", [HEADER, *rows])
    return SimpleUploadedFile(name, path.read_bytes())


def test_upload_check_confirm_done(
    tmp_path: Path, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from gonghui.members.models import Membership
    from gonghui.rosters.models import ImportJob

    client = login("east_clerk")
    page = client.get("/rosters/")
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    resp = client.post(
        "/rosters/",
        {
            "file": _upload(tmp_path, [person_row(1), person_row(2), person_row(3, phone="x")]),
            "org": "T0003",
            "mode": "update",
        },
    )
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/rosters/jobs/{job.pk}/"
    assert (job.status, job.created, job.refused) == ("checked", 2, 1)
    assert not Membership.objects.exists()  # the check wrote nothing
    html = client.get(f"/rosters/jobs/{job.pk}/").content.decode()
    assert "确认导入（写入 2 人）" in html and "下载错误行" in html and "第" not in html.split("问题")[0][-5:]
    partial = client.get(f"/rosters/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        partial.lstrip().startswith('<div id="job-body"')
        and "<html" not in partial
        and "hx-trigger" not in partial
    )
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"/rosters/jobs/{job.pk}/commit/", {"mode": "update"})
    job.refresh_from_db()
    assert (job.status, job.phase, job.created, job.refused, job.preview["created"]) == (
        "done",
        "import",
        2,
        1,
        2,
    )
    assert Membership.objects.count() == 2
    html = client.get(f"/rosters/jobs/{job.pk}/").content.decode()
    assert "已完成" in html and "hx-trigger" not in html
    err = client.get(f"/rosters/jobs/{job.pk}/errors.xlsx")
    assert err.status_code == 200 and b"".join(err.streaming_content)[:2] == b"PK"
    assert job.source_file == ""  # the uploaded copy is gone once done
    folder = Path(job.error_file).parent
    assert [f.name for f in folder.iterdir()] == ["errors.xlsx"]  # only the sealed error file is left
    assert (folder / "errors.xlsx").read_bytes()[:8] == b"GHSEAL01"


def test_a_running_job_polls_and_can_be_cancelled(tmp_path: Path, login: Any, tree: dict[str, Any]) -> None:
    from gonghui.rosters.models import ImportJob

    org = tree["orgs"]["T0003"]
    job = ImportJob.objects.create(org=org, org_path=org.path, source_name="big.xlsx", source_file="/x", source_sha256="0" * 64,
                                   status="running", phase="import", total_rows=1000, rows_done=250)  # fmt: skip
    client = login("east_clerk")
    html = client.get(f"/rosters/jobs/{job.pk}/").content.decode()
    # a phase in its first two seconds is polled ten times a second (issue 19), then four times a
    # second up to ten seconds, then every second
    assert 'hx-trigger="every 100ms"' in html and "250" in html and "25%" in html
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(seconds=5))
    assert 'hx-trigger="every 250ms"' in client.get(f"/rosters/jobs/{job.pk}/").content.decode()
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(minutes=1))
    assert 'hx-trigger="every 1000ms"' in client.get(f"/rosters/jobs/{job.pk}/").content.decode()
    client.post(f"/rosters/jobs/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.cancel_requested
    assert client.get(f"/rosters/jobs/{job.pk}/", HTTP_HX_REQUEST="true").status_code == 200


def test_commit_through_htmx_answers_the_polling_body(tmp_path: Path, login: Any, settings: Any) -> None:
    """The confirm button posts through htmx (issue 19): the answer is the job's body, already
    polling fast, with no redirect and no whole page; a clerk who read the preview for minutes
    does not see a queued job as interrupted."""
    from gonghui.members.models import Membership
    from gonghui.rosters.models import ImportJob

    client = login("east_clerk")
    client.post(
        "/rosters/",
        {"file": _upload(tmp_path, [person_row(1), person_row(2)]), "org": "T0003", "mode": "update"},
    )
    job = ImportJob.objects.get()
    assert job.status == "checked"
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=job.heartbeat_at - dt.timedelta(minutes=10))
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    resp = client.post(f"/rosters/jobs/{job.pk}/commit/", {"mode": "update"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200 and body.lstrip().startswith('<div id="job-body"') and "<html" not in body
    assert 'hx-trigger="every 100ms"' in body and "排队中" in body and "已中断" not in body
    job.refresh_from_db()
    assert (job.status, job.phase) == ("queued", "import") and not Membership.objects.exists()
    # committing twice: the page is sent back to the job, where the message says why
    again = client.post(f"/rosters/jobs/{job.pk}/commit/", {"mode": "update"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 204 and again["HX-Redirect"] == f"/rosters/jobs/{job.pk}/"
    assert "只有检查完成" in client.get(f"/rosters/jobs/{job.pk}/").content.decode()


def test_viewer_sees_jobs_but_cannot_import(tmp_path: Path, login: Any) -> None:
    client = login("east_viewer")
    html = client.get("/rosters/").content.decode()
    assert "只能查看" in html
    assert (
        client.post("/rosters/", {"file": _upload(tmp_path, [person_row(1)]), "org": "T0003"}).status_code
        == 403
    )


def test_template_has_drop_downs_and_text_columns(login: Any) -> None:
    client = login("east_clerk")
    resp = client.get("/rosters/template.xlsx")
    assert resp.status_code == 200
    with zipfile.ZipFile(io.BytesIO(resp.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        workbook = z.read("xl/workbook.xml").decode()
    assert sheet.count('type="list"') >= 8 and "代码表" in sheet
    assert 'state="hidden"' in workbook
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(resp.content))
    head = wb.get_sheet_by_index(0).to_python()[0]
    assert head[:3] == ["姓名*", "公民身份号码*", "手机号码"]
    township = client.get("/rosters/template.xlsx?org=T0002")
    assert (
        "工会代码"
        in CalamineWorkbook.from_filelike(io.BytesIO(township.content)).get_sheet_by_index(0).to_python()[0]
    )
    assert client.get("/rosters/template.xlsx?org=T0006").status_code == 404


def test_the_template_imports_back(tmp_path: Path, run_import: Any) -> None:
    """A filled-in template is a valid roster (header with * marks, text-formatted ID column)."""
    import xlsxwriter  # noqa: F401

    from gonghui.rosters.template import build_template

    path = tmp_path / "t.xlsx"
    path.write_bytes(build_template())
    from gonghui.rosters.actions import read_header

    _sheet, name, header, _n = read_header(str(path))
    assert name == "会员花名册" and {"name", "id_number", "phone", "joined_on"} <= set(header.columns)


def test_exports_masked_unless_revealed_and_guarded(tmp_path: Path, login: Any, run_import: Any) -> None:
    from gonghui.core.models import AuditEntry

    number = new_id()
    run_import(write_xlsx_rows(tmp_path / "r.xlsx", [HEADER, person_row(1, id=number)]))
    client = login("east_clerk")
    resp = client.get("/exports/", {"kind": "members", "org": "T0003", "fmt": "csv"})
    body = b"".join(resp.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and number not in body and number[-4:] in body
    resp = client.get("/exports/", {"kind": "members", "org": "T0003", "fmt": "csv", "reveal": "on"})
    assert number in b"".join(resp.streaming_content).decode("utf-8")
    assert AuditEntry.objects.filter(action="pii.reveal", user__username="east_clerk").exists()
    assert client.get("/exports/", {"kind": "gaps", "org": "T0002", "fmt": "xlsx"}).status_code == 200
    outside = client.get(
        "/exports/", {"kind": "members", "org": "T0006", "fmt": "csv"}
    )  # not among the choices: the form again
    assert outside["Content-Type"].startswith("text/html") and "西镇" not in outside.content.decode()
    reviewer = login("east_reviewer")  # may export, may not reveal: the box is not even offered
    html = reviewer.get("/exports/").content.decode()
    assert "显示完整身份证号码" not in html
    assert login("east_viewer").get("/exports/").status_code == 403


def test_api_import_commit_and_export(
    tmp_path: Path, client: Any, api_token: Any, django_capture_on_commit_callbacks: Any
) -> None:
    headers = api_token("east_clerk")
    resp = client.post(
        "/api/v1/imports",
        {"file": _upload(tmp_path, [person_row(1), person_row(2, phone="bad")]), "org": "T0003"},
        **headers,
    )
    assert resp.status_code == 202, resp.content
    job = resp.json()
    assert (job["status"], job["created"], job["refused"], job["has_error_file"]) == ("checked", 1, 1, True)
    errors = client.get(f"/api/v1/imports/{job['id']}/errors", **headers).json()
    assert (
        errors["count"] == 1 and errors["items"][0]["row"] == 3 and errors["items"][0]["column"] == "手机号码"
    )
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            f"/api/v1/imports/{job['id']}/commit", "{}", content_type="application/json", **headers
        )
    assert resp.status_code == 202
    done = client.get(f"/api/v1/imports/{job['id']}", **headers).json()
    assert (done["status"], done["created"]) == ("done", 1)
    resp = client.post(
        f"/api/v1/imports/{job['id']}/commit", "{}", content_type="application/json", **headers
    )
    assert resp.status_code == 400 and resp.json()["code"] == "job_state"
    resp = client.get("/api/v1/exports", {"org": "T0003", "kind": "members", "format": "csv"}, **headers)
    assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"\xef\xbb\xbf")
    viewer = api_token("east_viewer")
    assert client.post("/api/v1/imports", {"org": "T0003"}, **viewer).status_code == 403
    assert client.get("/api/v1/imports", **viewer).json()["count"] == 1
    assert client.post("/api/v1/imports", {"org": "T0003"}, **headers).status_code == 422

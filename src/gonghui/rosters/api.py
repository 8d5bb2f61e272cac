"""/api/v1/imports and /api/v1/exports: the same actions the pages call.

An import is two steps, like on the page: POST /imports (multipart: file, org, mode, dry_run)
starts a check (or, with dry_run=false, the import straight away) in the task worker; GET
/imports/{id} follows it; POST /imports/{id}/commit imports after the check.
"""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.schema import Code, Id, Pagination, Str12
from gonghui.rosters import actions
from gonghui.rosters.models import ImportIssue, ImportJob
from gonghui.rosters.views import error_file_response, export_response, get_job

router = Router(tags=["rosters"])


class JobOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    source_name: str
    status: str
    phase: str
    mode: str
    total_rows: int
    total_exact: bool
    rows_done: int
    created: int
    updated: int
    unchanged: int
    refused: int
    errors: int
    last_row: int
    preview: dict[str, Any]
    message: str
    has_error_file: bool
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_has_error_file(obj: ImportJob) -> bool:
        return bool(obj.error_file)


class IssueOut(Schema):
    row: int
    column: str
    message: str


class CommitIn(Schema):
    mode: Str12 | None = Field(None, description="update（更新本会已有会员）或 skip（跳过）")


class ExportQuery(Schema):
    org: Code
    kind: Str12 = Field("members", description="members / employers / gaps")
    format: Str12 = Field("xlsx", description="xlsx / csv")
    reveal: bool = Field(False, description="完整身份证号码和手机号（需要 pii.reveal 权限，记入操作日志）")


def _job(request: HttpRequest, job_id: Id, perm: Perm = Perm.VIEW) -> ImportJob:
    return get_job(request.user, job_id, perm)


@router.post("/imports", response={202: JobOut}, summary="上传花名册并开始检查（或直接导入）")
def import_create(
    request: HttpRequest,
    file: UploadedFile = File(None),  # noqa: B008
    org: Code = Form(None),  # noqa: B008
    mode: Str12 = Form("update"),  # noqa: B008
    dry_run: bool = Form(True),  # noqa: B008
) -> Any:
    access.require(request.user, Perm.MEMBER_WRITE)  # before looking at the input: a viewer gets 403
    if not org:
        raise ApplicationError(
            "请指定导入到的工会（org）。", code="required", details={"field": "org"}, status=422
        )
    if file is None:
        raise ApplicationError(
            "请上传花名册文件（file）。", code="required", details={"field": "file"}, status=422
        )
    target = access.get_org(request.user, org, Perm.MEMBER_WRITE)
    path, name = actions.store_upload(file)
    try:
        job = actions.roster_import_create(user=request.user, org=target, path=path, source_name=name, uploaded=True,
                                           mode=mode, dry_run=dry_run)  # fmt: skip
    except ApplicationError:
        actions.discard_upload(path)
        raise
    actions.enqueue(job)
    job.refresh_from_db()
    return 202, job


@router.get("/imports", response=list[JobOut], summary="导入记录（管辖范围内）")
@paginate(Pagination)
def import_list(request: HttpRequest) -> Any:
    access.require(request.user, Perm.VIEW)
    return ImportJob.objects.filter(org_path__startswith=access.scope_path(request.user)).select_related(
        "org"
    )


@router.get("/imports/{job_id}", response=JobOut, summary="导入进度与结果")
def import_get(request: HttpRequest, job_id: Id) -> Any:
    return _job(request, job_id)


@router.get("/imports/{job_id}/errors", response=list[IssueOut], summary="问题清单（行号为表格中的行号）")
@paginate(Pagination)
def import_errors(request: HttpRequest, job_id: Id) -> Any:
    job = _job(request, job_id)
    return ImportIssue.objects.filter(job=job).order_by("row", "id")


@router.get("/imports/{job_id}/error-file", summary="错误行文件（xlsx，原始行加“错误原因”列）")
def import_error_file(request: HttpRequest, job_id: Id) -> HttpResponseBase:
    job = _job(request, job_id, Perm.MEMBER_WRITE)
    return error_file_response(request.user, job)


@router.post("/imports/{job_id}/commit", response={202: JobOut}, summary="检查通过后正式导入")
def import_commit(request: HttpRequest, job_id: Id, body: CommitIn | None = None) -> Any:
    job = _job(request, job_id, Perm.MEMBER_WRITE)
    job = actions.roster_import_commit(user=request.user, job=job, mode=body.mode if body else None)
    job.refresh_from_db()
    return 202, job


@router.post("/imports/{job_id}/cancel", response=JobOut, summary="取消（当前批次结束后停止）")
def import_cancel(request: HttpRequest, job_id: Id) -> Any:
    job = _job(request, job_id, Perm.MEMBER_WRITE)
    return actions.roster_import_cancel(user=request.user, job=job)


@router.post("/imports/{job_id}/resume", response={202: JobOut}, summary="从中断处继续")
def import_resume(request: HttpRequest, job_id: Id) -> Any:
    job = _job(request, job_id, Perm.MEMBER_WRITE)
    job = actions.roster_import_resume(user=request.user, job=job)
    job.refresh_from_db()
    return 202, job


@router.get("/exports", summary="导出会员名册、用人单位或未建会单位（xlsx 或带 BOM 的 CSV）")
def export(request: HttpRequest, q: Query[ExportQuery]) -> HttpResponseBase:
    access.require(request.user, Perm.EXPORT)
    org = access.get_org(request.user, q.org, Perm.EXPORT)
    return export_response(request.user, kind=q.kind, org=org, fmt=q.format, reveal=q.reveal)

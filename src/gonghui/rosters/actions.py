"""Every write of a roster import: create a job, run it (dry or for real), commit after the
preview, cancel, resume; and the error file. Pages, the API, the CLI and the task worker call these.

Rules: the gatekeeper decides who may import into which union (MEMBER_WRITE in scope; the command
line runs as the server's operator); the member register's rules are applied by `engine.py`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.sheets import SheetReadError, Table, write_xlsx
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus
from gonghui.rosters import engine, pipeline
from gonghui.rosters.checks import CodeBook, org_lookup
from gonghui.rosters.columns import HEADER_SCAN_ROWS, Header, find_header, missing_required_message
from gonghui.rosters.models import ImportIssue, ImportJob, JobStatus, Mode, Phase

logger = logging.getLogger(__name__)

ALLOWED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")
MAX_UPLOAD_BYTES = int(os.environ.get("GONGHUI_IMPORT_MAX_MB", "200")) * 1024 * 1024
STALE_SECONDS = 120  # a running job without a saved batch for this long is taken as interrupted


def batch_rows() -> int:
    return int(
        getattr(settings, "GONGHUI_IMPORT_BATCH_ROWS", os.environ.get("GONGHUI_IMPORT_BATCH_ROWS", 20000))
    )


def parallel_min_rows() -> int:
    return int(
        getattr(
            settings, "GONGHUI_IMPORT_PARALLEL_ROWS", os.environ.get("GONGHUI_IMPORT_PARALLEL_ROWS", 20000)
        )
    )


def imports_dir() -> Path:
    d = Path(settings.DATA_DIR) / "imports"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _check_org(user: Any, org: Org) -> None:
    if user is not None:
        access.require(user, Perm.MEMBER_WRITE, path=org.path)
    if org.status != OrgStatus.ACTIVE:
        raise ApplicationError(
            f"“{org.name}”已撤销或合并，不能导入会员。", code="org_inactive", details={"field": "org"}
        )


def read_header(path: str) -> tuple[int, str, Header, int]:
    """(sheet index, sheet name, header, estimated data rows): the first sheet with a header."""
    try:
        table = Table(path)
        first_head = None
        for i, name in enumerate(table.sheet_names):
            head = table.head(i, HEADER_SCAN_ROWS)
            if first_head is None and head:
                first_head = head
            header = find_header(head)
            if header is not None:
                return i, name, header, max(0, table.estimate_rows(i) - header.row)
    except SheetReadError as exc:
        raise ApplicationError(exc.message, code=exc.code) from None
    raise ApplicationError(missing_required_message(first_head or []), code="no_header")


@transaction.atomic
def roster_import_create(
    *, user: Any, org: Org, path: str, source_name: str, uploaded: bool, mode: str = Mode.UPDATE, dry_run: bool = True,
) -> ImportJob:  # fmt: skip
    """A new import job for a file already on disk (an upload's copy, or the CLI's own file).

    Refused at once — nothing saved — when the file cannot be read as a table or has no header
    naming 姓名 and the ID number, or when a higher union is the target and no 工会 column says
    which base union each row belongs to.
    """
    _check_org(user, org)
    if mode not in Mode.values:
        raise ApplicationError("未知的导入方式。", code="mode", details={"field": "mode"})
    sheet, sheet_name, header, estimate = read_header(path)
    if not org.is_base and "org" not in header.columns:
        raise ApplicationError(
            f"“{org.name}”不是基层工会：导入到上级工会时，表中须有“工会代码”列写明每人所在的基层工会。",
            code="org_column", details={"field": "org"},
        )  # fmt: skip
    job = ImportJob.objects.create(
        org=org, org_path=org.path, user=_actor(user), source_name=source_name[:255], source_path=str(path),
        source_sha256=file_sha256(path), source_uploaded=uploaded, source_size=os.path.getsize(path), sheet=sheet,
        sheet_name=sheet_name[:100], header=header.as_json(), mode=mode, phase=Phase.CHECK if dry_run else Phase.IMPORT,
        status=JobStatus.CHECKING if dry_run else JobStatus.QUEUED, total_rows=estimate,
    )  # fmt: skip
    audit_record(user=_actor(user), action="roster.import.create", obj=job, org_path=org.path,
                 changes={"file": job.source_name, "dry_run": dry_run, "mode": mode, "sheet": sheet_name})  # fmt: skip
    return job


def store_upload(upload: Any) -> tuple[str, str]:
    """Save an uploaded file into the data folder (mode 0600); returns (path, original name)."""
    name = os.path.basename(getattr(upload, "name", "") or "roster")
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ApplicationError(
            "只能导入 .xlsx、.xls、.et、.ods 或 .csv 文件。", code="file_type", details={"field": "file"}
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ApplicationError(f"文件过大（{upload.size // 1048576} MB），上限 {MAX_UPLOAD_BYTES // 1048576} MB；可分成几个文件导入。",
                               code="file_size", details={"field": "file"})  # fmt: skip
    if upload.size == 0:
        raise ApplicationError("文件是空的。", code="empty", details={"field": "file"})
    folder = imports_dir() / secrets.token_hex(8)
    folder.mkdir(mode=0o700)
    target = folder / ("source" + Path(name).suffix.lower())
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return str(target), name


# --------------------------------------------------------------------------- running


def _context(job: ImportJob, user: Any) -> tuple[engine.Context, pipeline.Plan]:
    org = job.org
    header = Header.from_json(job.header)
    if org.is_base:
        targets = {org.code: org}
        lookup = org_lookup([org])
        target: str | None = org.code
    else:
        bases = list(
            Org.objects.filter(path__startswith=org.path, kind__in=BASE_KINDS, status=OrgStatus.ACTIVE)
        )
        targets = {o.code: o for o in bases}
        lookup = org_lookup(bases)
        target = None
    dry = job.phase == Phase.CHECK
    ctx = engine.Context(
        job=job, user=user, orgs=targets, mode=job.mode, id_title=header.title("id_number"), dry=dry
    )
    plan = pipeline.Plan(
        path=job.source_path, sheet=job.sheet, header=job.header, codebook=CodeBook.from_db(), target=target, orgs=lookup,
        encrypt=not dry, resume_after=job.last_row, batch_rows=batch_rows(), today=timezone.localdate(),
        int_booleans=connection.vendor == "sqlite",
    )  # fmt: skip
    return ctx, plan


def _fail(job: ImportJob, token: str, message: str) -> ImportJob:
    with transaction.atomic():
        j = ImportJob.objects.select_for_update().get(pk=job.pk)
        if j.run_token == token:
            j.status = JobStatus.FAILED
            j.message = message[:500]
            j.finished_at = timezone.now()
            j.save(update_fields=["status", "message", "finished_at"])
        return j


def roster_import_run(
    *, job_id: int, resume: bool = False, progress: Callable[[ImportJob], None] | None = None,
    parallel: bool | None = None, user: Any = None,
) -> ImportJob:  # fmt: skip
    """Run a job's current phase (the dry run, or the import) to its end, batch by batch.

    `resume`: continue after the last saved batch, counters kept (after a crash or a cancel);
    otherwise the phase starts from the top. A run that finds the job taken over by another run
    (a resume) stops at its next batch. The task worker, the CLI and the tests call this.
    """
    job = ImportJob.objects.select_related("org", "user").get(pk=job_id)
    user = user if user is not None else job.user
    with transaction.atomic():
        j = ImportJob.objects.select_for_update().get(pk=job.pk)
        if j.status in (JobStatus.DONE, JobStatus.CHECKED) or (
            j.status == JobStatus.CANCELLED and not resume
        ):
            return j
        if j.cancel_requested and not resume:
            j.status, j.finished_at = JobStatus.CANCELLED, timezone.now()
            j.save(update_fields=["status", "finished_at"])
            return j
        token = secrets.token_hex(16)
        now = timezone.now()
        if not resume or j.last_row == 0:
            ImportIssue.objects.filter(job=j).delete()
            j.rows_done = j.created = j.updated = j.unchanged = j.refused = j.errors = j.last_row = 0
            j.error_file = ""
        j.run_token, j.cancel_requested, j.message = token, False, ""
        j.status = JobStatus.CHECKING if j.phase == Phase.CHECK else JobStatus.RUNNING
        j.run_started_at, j.run_rows_start, j.heartbeat_at = now, j.rows_done, now
        j.started_at = j.started_at or now
        j.finished_at = None
        j.save()
    job = ImportJob.objects.select_related("org", "user").get(pk=job.pk)
    ctx, plan = _context(job, user)
    if not os.path.exists(plan.path):
        return _fail(job, token, "原文件已不存在，无法继续；请重新上传。")
    if parallel is None:
        parallel = (
            job.total_rows - (job.rows_done if resume else 0) >= parallel_min_rows()
            and pipeline.cpu_count() > 1
        )
    source = pipeline.batches_parallel(plan) if parallel else pipeline.batches(plan)
    try:
        with engine.bulk_session():
            result = engine.run_batches(ctx, token, source, progress)
    except engine.Superseded:
        return ImportJob.objects.get(pk=job.pk)
    except SheetReadError as exc:
        return _fail(job, token, exc.message)
    except Exception as exc:
        logger.exception("roster import %s failed", job.pk)
        _fail(job, token, f"导入中断：{type(exc).__name__}。已保存的批次不受影响，可继续导入。")
        raise
    finally:
        close = getattr(source, "close", None)
        if close:
            close()
    with transaction.atomic():
        j = ImportJob.objects.select_for_update().get(pk=job.pk)
        if j.run_token != token:
            return j
        j.finished_at = timezone.now()
        if result == "cancelled":
            j.status = JobStatus.CANCELLED
            j.message = (
                f"已取消：已保存 {j.rows_done} 行，可继续导入剩余部分。"
                if j.phase == Phase.IMPORT
                else "已取消检查。"
            )
        else:
            j.total_rows, j.total_exact = j.rows_done, True
            j.status = JobStatus.CHECKED if j.phase == Phase.CHECK else JobStatus.DONE
            if j.phase == Phase.CHECK:
                j.preview = {**j.summary(), "errors": j.errors}
        j.save()
        if j.phase == Phase.IMPORT and j.status == JobStatus.DONE:
            audit_record(user=_actor(user), action="roster.import", obj=j, org_path=j.org_path,
                         changes={**j.summary(), "file": j.source_name, "mode": j.mode})  # fmt: skip
    if j.errors and j.status in (JobStatus.CHECKED, JobStatus.DONE):
        try:
            path = error_file_build(j)
            ImportJob.objects.filter(pk=j.pk).update(error_file=str(path))
            j.error_file = str(path)
        except SheetReadError as exc:  # pragma: no cover - the file was read a moment ago
            logger.warning("error file of job %s: %s", j.pk, exc.message)
    roster_import_delete_source(j)
    return j


def enqueue(job: ImportJob, *, resume: bool = False) -> None:
    """Hand the job to the task worker (django-tasks); the page follows its progress."""
    from gonghui.rosters.tasks import run_import

    run_import.enqueue(job_id=job.pk, resume=resume)


@transaction.atomic
def roster_import_commit(*, user: Any, job: ImportJob, mode: str | None = None) -> ImportJob:
    """After the preview: import for real (the checks run again, the register may have changed)."""
    j = ImportJob.objects.select_for_update().select_related("org").get(pk=job.pk)
    _check_org(user, j.org)
    if j.status != JobStatus.CHECKED:
        raise ApplicationError("只有检查完成、等待确认的导入才能正式导入。", code="job_state")
    if mode is not None:
        if mode not in Mode.values:
            raise ApplicationError("未知的导入方式。", code="mode", details={"field": "mode"})
        j.mode = mode
    j.phase, j.status, j.last_row = Phase.IMPORT, JobStatus.QUEUED, 0
    j.started_at = j.finished_at = None
    j.save()
    audit_record(
        user=_actor(user),
        action="roster.import.commit",
        obj=j,
        org_path=j.org_path,
        changes={"preview": j.preview, "mode": j.mode},
    )
    transaction.on_commit(lambda: enqueue(j))
    return j


@transaction.atomic
def roster_import_cancel(*, user: Any, job: ImportJob) -> ImportJob:
    """Stop a job at its next batch; saved batches stay (the job can be resumed)."""
    j = ImportJob.objects.select_for_update().select_related("org").get(pk=job.pk)
    _check_org(user, j.org)
    if j.status in (JobStatus.DONE, JobStatus.CANCELLED, JobStatus.FAILED):
        raise ApplicationError("该导入已结束，不能取消。", code="job_state")
    if j.status == JobStatus.CHECKED:
        j.status = JobStatus.CANCELLED
        j.finished_at = timezone.now()
        j.message = "未导入：检查后已取消。"
    elif is_stale(j):
        j.status, j.finished_at = JobStatus.CANCELLED, timezone.now()
        j.message = f"已取消：已保存 {j.rows_done} 行。"
    j.cancel_requested = True
    j.save()
    audit_record(
        user=_actor(user),
        action="roster.import.cancel",
        obj=j,
        org_path=j.org_path,
        changes={"rows_done": j.rows_done},
    )
    return j


def is_stale(job: ImportJob) -> bool:
    if job.status not in (JobStatus.RUNNING, JobStatus.CHECKING, JobStatus.QUEUED):
        return False
    seen = job.heartbeat_at or job.created_at
    return seen is not None and (timezone.now() - seen).total_seconds() > STALE_SECONDS


def can_resume(job: ImportJob) -> bool:
    """Failed, cancelled, or running without a sign of life (the worker died): continue it."""
    return job.status in (JobStatus.FAILED, JobStatus.CANCELLED) or is_stale(job)


@transaction.atomic
def roster_import_resume(*, user: Any, job: ImportJob) -> ImportJob:
    """Continue an interrupted, failed or cancelled job after its last saved batch."""
    j = ImportJob.objects.select_for_update().select_related("org").get(pk=job.pk)
    _check_org(user, j.org)
    if not can_resume(j):
        raise ApplicationError("该导入正在进行或已完成，无需继续。", code="job_state")
    j.status = JobStatus.QUEUED if j.phase == Phase.IMPORT else JobStatus.CHECKING
    j.cancel_requested = False
    j.heartbeat_at = timezone.now()
    j.save(update_fields=["status", "cancel_requested", "heartbeat_at"])
    audit_record(
        user=_actor(user),
        action="roster.import.resume",
        obj=j,
        org_path=j.org_path,
        changes={"from_row": j.last_row},
    )
    transaction.on_commit(lambda: enqueue(j, resume=True))
    return j


def roster_import_delete_source(job: ImportJob) -> None:
    """Uploaded copies are personal data: gone once the import is done."""
    if job.source_uploaded and job.status == JobStatus.DONE and job.source_path:
        folder = Path(job.source_path).parent
        if folder.parent == imports_dir():
            Path(job.source_path).unlink(missing_ok=True)


# --------------------------------------------------------------------------- error file

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
    table = Table(job.source_path)
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
    table = Table(job.source_path)
    rows = [cells for n, cells in table.head(job.sheet, header.row) if header.first_row <= n <= header.row]
    width = max((len(r) for r in rows), default=0)
    out = []
    for j in range(width):
        texts = [str(r[j]).strip() for r in rows if j < len(r) and str(r[j]).strip()]
        out.append(texts[-1] if texts else "")
    return [*out, ROW_COLUMN, ERROR_COLUMN]


def error_file_build(job: ImportJob) -> Path:
    """xlsx of the refused rows: the original cells, 原行号 and 错误原因 (fix and import it again)."""
    if job.source_uploaded:
        target = Path(job.source_path).parent / "errors.xlsx"
    else:
        src = Path(job.source_path)
        target = src.with_name(f"{src.stem}.错误行.xlsx")
        if not os.access(src.parent, os.W_OK):
            target = imports_dir() / f"job-{job.pk}-errors.xlsx"
    headers = error_file_headers(job)
    tmp = target.with_suffix(".tmp")
    write_xlsx(tmp, "错误行", headers, error_rows(job))
    os.replace(tmp, target)
    return target


def error_file_name(job: ImportJob) -> str:
    stem = Path(job.source_name).stem or "roster"
    return f"{stem}_错误行.xlsx"

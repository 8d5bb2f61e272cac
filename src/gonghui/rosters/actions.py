"""Every write of a roster import: create a job, run it (dry or for real), commit after the
preview, cancel, resume; and the error file. Pages, the API, the CLI and the task worker call these.

Rules: the gatekeeper decides who may import into which union (MEMBER_WRITE in scope; the command
line runs as the server's operator); the member register's rules are applied by `engine.py`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.core import access, sealed
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.sheet_reading import SheetReadError, Table
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus
from gonghui.rosters import engine, errorfile, files, pipeline, runner, wake
from gonghui.rosters.checks import CodeBook, org_lookup
from gonghui.rosters.columns import HEADER_SCAN_ROWS, Header, find_header, missing_required_message
from gonghui.rosters.models import ImportIssue, ImportJob, JobStatus, Mode, Phase

logger = logging.getLogger(__name__)

# files at rest (sealed, deleted after the retention period): rosters/files.py
ALLOWED_SUFFIXES = files.ALLOWED_SUFFIXES
file_sha256, imports_dir, store_upload, discard_upload = (
    files.file_sha256, files.imports_dir, files.store_upload, files.discard_upload,
)  # fmt: skip
STALE_SECONDS = 120  # a running job without a saved batch for this long is taken as interrupted


def batch_rows() -> int:
    """Rows per batch (one transaction each). Larger batches commit less often (each commit rewrites
    the leaf pages the random-key indexes got in the batch): at a million rows 30,000 saved ~5 % of
    the writer's CPU and 50,000 ~18 %, but put the two processes' peak at 941 MB and 1,126 MB
    (docs/decisions.md); 20,000 keeps it near 870 MB."""
    return int(
        getattr(settings, "GONGHUI_IMPORT_BATCH_ROWS", os.environ.get("GONGHUI_IMPORT_BATCH_ROWS", 20000))
    )


def parallel_min_rows() -> int:
    return int(
        getattr(
            settings, "GONGHUI_IMPORT_PARALLEL_ROWS", os.environ.get("GONGHUI_IMPORT_PARALLEL_ROWS", 20000)
        )
    )


def max_rows() -> int:
    """Data rows one file may have (GONGHUI_IMPORT_MAX_ROWS)."""
    return int(settings.GONGHUI_IMPORT_MAX_ROWS)


def max_issues() -> int:
    """Problems stored per job (GONGHUI_IMPORT_MAX_ISSUES); a dry run stops when it has found them."""
    return int(settings.GONGHUI_IMPORT_MAX_ISSUES)


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


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
    if estimate > 2 * max_rows():  # the sheet's own dimension says so; the reader stops at max_rows()
        raise ApplicationError(
            f"表格约有 {estimate:,} 行，超过每个文件 {max_rows():,} 行的上限；请分成几个文件导入。",
            code="too_many_rows", details={"field": "file"},
        )  # fmt: skip
    if not org.is_base and "org" not in header.columns:
        raise ApplicationError(
            f"“{org.name}”不是基层工会：导入到上级工会时，表中须有“工会代码”列写明每人所在的基层工会。",
            code="org_column", details={"field": "org"},
        )  # fmt: skip
    sha = file_sha256(path)
    if uploaded and _actor(user) is not None:
        # a dry run of the same file by the same user that was never committed is abandoned
        for old in ImportJob.objects.select_for_update().filter(
            user=_actor(user), source_sha256=sha, status=JobStatus.CHECKED
        ):  # fmt: skip
            _abandon(old, "未导入：已重新上传同一文件。")
    job = ImportJob.objects.create(
        org=org, org_path=org.path, user=_actor(user), source_name=source_name[:255], source_file=str(path),
        source_sha256=sha, source_uploaded=uploaded, source_size=sealed.plain_size(path), sheet=sheet,
        sheet_name=sheet_name[:100], header=header.as_json(), mode=mode, phase=Phase.CHECK if dry_run else Phase.IMPORT,
        status=JobStatus.CHECKING if dry_run else JobStatus.QUEUED, total_rows=estimate,
    )  # fmt: skip
    audit_record(user=_actor(user), action="roster.import.create", obj=job, org_path=org.path,
                 changes={"file": job.source_name, "dry_run": dry_run, "mode": mode, "sheet": sheet_name})  # fmt: skip
    return job


def _abandon(job: ImportJob, message: str) -> None:
    """A checked dry run nobody will commit: cancelled, its upload and error file deleted."""
    job.status, job.finished_at, job.message, job.cancel_requested = (
        JobStatus.CANCELLED,
        timezone.now(),
        message,
        True,
    )
    _drop_files(job)
    job.save(
        update_fields=["status", "finished_at", "message", "cancel_requested", "source_file", "error_file"]
    )


def _drop_files(job: ImportJob) -> None:
    """Delete the job's files that live in the data folder (never the operator's own file) at
    once: should the transaction roll back, the job only misses a file it was giving up anyway."""
    for attr in ("source_file", "error_file"):
        path = getattr(job, attr)
        if path and files.in_data_folder(path):
            files.delete_file(path)
            setattr(job, attr, "")


@transaction.atomic
def roster_import_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of jobs that ended (or were last heard of) more than
    GONGHUI_IMPORT_RETENTION_DAYS ago, and strays no job refers to; returns how many went."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=files.retention_seconds())
    old = ImportJob.objects.select_for_update().filter(
        (Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
        & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=cutoff))
    ).exclude(source_file="", error_file="")  # fmt: skip
    n = 0
    for job in old:
        before = (job.source_file, job.error_file)
        _drop_files(job)
        if (job.source_file, job.error_file) != before:
            n += sum(1 for a, b in zip(before, (job.source_file, job.error_file), strict=True) if a != b)
            job.save(update_fields=["source_file", "error_file"])
    referenced: set[str] = set()
    for src, err in ImportJob.objects.exclude(source_file="", error_file="").values_list(
        "source_file", "error_file"
    ):
        referenced.update((src, err))
    strays = files.stray_entries(referenced, cutoff.timestamp())
    for entry in strays:
        files.remove(entry)
    n += len(strays)
    if n:
        audit_record(user=None, action="roster.import.purge", object_type="imports", object_repr="imports",
                     org_path="", changes={"files": n, "retention_days": settings.GONGHUI_IMPORT_RETENTION_DAYS})  # fmt: skip
    return n


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
        job=job, user=user, orgs=targets, mode=job.mode, id_title=header.title("id_number"), dry=dry,
        max_issues=max_issues(),
    )  # fmt: skip
    plan = pipeline.Plan(
        path=job.source_file, sheet=job.sheet, header=job.header, codebook=CodeBook.from_db(), target=target, orgs=lookup,
        encrypt=not dry, resume_after=job.last_row, batch_rows=batch_rows(), today=timezone.localdate(),
        int_booleans=connection.vendor == "sqlite", max_rows=max_rows(),
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
        with runner.bulk_session():
            result = runner.run_batches(ctx, token, source, progress)
    except runner.Superseded:
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
    # The error file is written before the job is marked finished, so a page that shows it
    # finished also shows the file's link (its progress poll stops there).
    error_file = _error_file_of_run(job.pk, token, result)
    with transaction.atomic():
        j = ImportJob.objects.select_for_update().get(pk=job.pk)
        if j.run_token != token:
            return j
        j.finished_at = timezone.now()
        if error_file:
            j.error_file = error_file
        if result == "capped":  # a dry run that found nothing but problems: stopped early
            j.status = JobStatus.FAILED
            j.message = (
                f"检查已停止：前 {j.rows_done:,} 行中已发现 {j.errors:,} 个问题（上限 {max_issues():,} 个），"
                "文件可能不是花名册或整列格式有误；请下载错误行，修正后重新上传。"
            )
        elif result == "cancelled":
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
            if j.errors > max_issues():
                j.message = f"共 {j.errors:,} 个问题，只保存并列出了前 {max_issues():,} 个；请修正后重新导入其余的行。"
        j.save()
        if j.phase == Phase.IMPORT and j.status == JobStatus.DONE:
            audit_record(user=_actor(user), action="roster.import", obj=j, org_path=j.org_path,
                         changes={**j.summary(), "file": j.source_name, "mode": j.mode})  # fmt: skip
    roster_import_delete_source(j)
    return j


def _error_file_of_run(job_pk: int, token: str, result: str) -> str:
    """The refused rows' file of a run that ended (checked, done, or a dry run stopped at the
    cap), as its path; "" when it has no errors, was cancelled or was taken over by another run."""
    j = ImportJob.objects.get(pk=job_pk)
    if j.run_token != token or not j.errors or result == "cancelled":
        return ""
    # a beat first: the build re-reads the file up to its last refused row, and a job silent for
    # STALE_SECONDS would be offered for resuming meanwhile
    ImportJob.objects.filter(pk=job_pk, run_token=token).update(heartbeat_at=timezone.now())
    try:
        return str(error_file_build(j))
    except SheetReadError as exc:  # pragma: no cover - the file was read a moment ago
        logger.warning("error file of job %s: %s", j.pk, exc.message)
        return ""


def enqueue(job: ImportJob, *, resume: bool = False) -> None:
    """Hand the job to the task worker (django-tasks); the page follows its progress."""
    from gonghui.rosters.tasks import run_import

    run_import.enqueue(job_id=job.pk, resume=resume)
    transaction.on_commit(wake.notify)  # the worker starts it now, not at its next look (rosters/wake.py)


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
    j.heartbeat_at = timezone.now()  # queued now: neither "interrupted" nor old to the job page
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
        _drop_files(j)  # an abandoned dry run keeps no copy of the file
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
    """Uploaded copies are personal data: gone once the import is done (the sealed error file
    stays until the retention period ends)."""
    if job.source_uploaded and job.status == JobStatus.DONE and files.in_data_folder(job.source_file):
        files.delete_file(job.source_file)
        ImportJob.objects.filter(pk=job.pk).update(source_file="")
        job.source_file = ""


# the error file (rosters/errorfile.py)
error_file_build, error_file_read, error_file_name, error_file_download_record = (
    errorfile.error_file_build, errorfile.error_file_read, errorfile.error_file_name,
    errorfile.error_file_download_record,
)  # fmt: skip

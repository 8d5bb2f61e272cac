"""gonghui import FILE --org CODE [--dry-run] [--json] [--update|--skip-existing] [--resume]
gonghui import --purge    (delete import files past the retention period; every import does it too)

Imports a roster (花名册) into a union: the same checks and writes as the web page's import, run
here in the foreground with a progress bar on stderr. Exit 0 when the import ran (refused rows
included — they are listed, and written to an error file next to FILE); non-zero with one line
when it could not run (unreadable file, unknown org, no header).

With --json, stdout carries exactly one JSON object:
  {"rows", "created", "updated", "unchanged", "refused", "errors": [{"row", "column", "message"}],
   "error_file" (when there are errors)}
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.errors import ApplicationError

JSON_ERRORS_MAX = 10_000  # a list longer than this is cut (see "errors_total")


class Progress:
    """A one-line progress bar on stderr (a line every 10 % when stderr is not a terminal)."""

    def __init__(self, stream: Any, label: str, enabled: bool = True) -> None:
        self.stream = stream
        self.label = label
        self.enabled = enabled
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.last_decile = -1

    def __call__(self, job: Any) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        total = max(job.total_rows, job.rows_done, 1)
        done = job.rows_done - job.run_rows_start
        frac = min(1.0, job.rows_done / total)
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - job.rows_done) / rate if rate > 0 else 0
        line = (
            f"{self.label} [{'#' * int(frac * 30):<30}] {frac * 100:5.1f}%  {job.rows_done:,}/{total:,} 行  "
            f"{rate:,.0f} 行/秒  剩余 {int(left) // 60:02d}:{int(left) % 60:02d}"
        )
        if self.tty:
            if now - self.last >= 0.1:
                self.stream.write("\r" + line)
                self.stream.flush()
                self.last = now
        elif int(frac * 10) > self.last_decile:
            self.last_decile = int(frac * 10)
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    # Django's system checks import every URLconf and API schema (over a second of CPU before
    # the first row, issue 19); `gonghui check` and `migrate` run them, an import need not.
    requires_system_checks: list[str] = []
    help = "导入花名册：gonghui import FILE --org CODE [--dry-run] [--json] [--update|--skip-existing]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="xlsx / xls / et / ods / csv 文件")
        parser.add_argument(
            "--purge",
            action="store_true",
            help="只删除超过保留期（GONGHUI_IMPORT_RETENTION_DAYS，默认 7 天）的上传文件和错误行文件",
        )
        parser.add_argument("--org", help="导入到的工会组织代码（基层工会；上级工会则表中须有“工会代码”列）")
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查，不写入（报告新增、更新、无变化、拒绝的行数）"
        )
        parser.add_argument("--json", action="store_true", help="在标准输出打印一个 JSON 对象")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--update",
            dest="mode",
            action="store_const",
            const="update",
            help="本会已有会员：更新其信息（默认）",
        )
        group.add_argument(
            "--skip-existing", dest="mode", action="store_const", const="skip", help="本会已有会员：跳过"
        )
        parser.add_argument(
            "--resume", action="store_true", help="继续同一文件上次中断的导入（从最后保存的批次之后）"
        )
        parser.add_argument(
            "--batch-rows", type=int, default=None, help="每批行数（每批一个事务），默认 5000"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
        parser.add_argument("--serial", action="store_true", help="不使用第二个读取进程")

    def handle(self, *args: Any, **opts: Any) -> None:
        from gonghui.orgs.models import Org
        from gonghui.rosters import actions
        from gonghui.rosters.models import ImportIssue, ImportJob, JobStatus, Phase

        purged = actions.roster_import_purge()
        if opts["purge"]:
            self.stdout.write(f"已删除 {purged} 个超过保留期的导入文件。")
            return
        if not opts["file"] or not opts["org"]:
            raise CommandError(
                "用法：gonghui import FILE --org CODE [--dry-run]（或 gonghui import --purge）"
            )
        path = os.path.abspath(opts["file"])
        if not os.path.isfile(path):
            raise CommandError(f"文件不存在：{opts['file']} (no such file)")
        if not os.access(path, os.R_OK):
            raise CommandError(f"文件无法读取：{opts['file']} (permission denied)")
        org = Org.objects.filter(code=opts["org"]).first()
        if org is None:
            raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
        if opts["batch_rows"]:
            os.environ["GONGHUI_IMPORT_BATCH_ROWS"] = str(max(1, opts["batch_rows"]))
        mode = opts["mode"] or "update"
        job = None
        if opts["resume"]:
            sha = actions.file_sha256(path)
            job = (
                ImportJob.objects.filter(org=org, source_sha256=sha, phase=Phase.IMPORT)
                .exclude(status__in=[JobStatus.DONE, JobStatus.CHECKED])
                .order_by("-pk")
                .first()
            )
            if job is None:
                raise CommandError(
                    "没有可以继续的导入：该文件在此工会下没有中断的导入记录。(nothing to resume)"
                )
            job.source_file = path
            job.save(update_fields=["source_file"])
        else:
            try:
                job = actions.roster_import_create(
                    user=None,
                    org=org,
                    path=path,
                    source_name=os.path.basename(path),
                    uploaded=False,
                    mode=mode,
                    dry_run=opts["dry_run"],
                )
            except ApplicationError as exc:
                raise CommandError(exc.message) from None
        bar = Progress(sys.stderr, "检查" if opts["dry_run"] else "导入", enabled=not opts["no_progress"])
        try:
            job = actions.roster_import_run(
                job_id=job.pk, resume=opts["resume"], progress=bar, parallel=False if opts["serial"] else None
            )
        finally:
            bar.close()
        if job.status == JobStatus.FAILED:
            raise CommandError(job.message or "导入失败。")
        if job.status == JobStatus.CANCELLED:
            raise CommandError(job.message or "导入已取消。")
        if os.environ.get("GONGHUI_BENCH_RUSAGE"):  # bench/import_bench.py: peak memory of both processes
            import resource

            me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            sys.stderr.write(
                f"rusage self_kb={me.ru_maxrss} reader_kb={kids.ru_maxrss} self_cpu={me.ru_utime + me.ru_stime:.1f} "
                f"reader_cpu={kids.ru_utime + kids.ru_stime:.1f}\n"
            )
        result: dict[str, Any] = job.summary()
        issues = ImportIssue.objects.filter(job=job).order_by("row", "id")
        result["errors"] = [i.as_dict() for i in issues[:JSON_ERRORS_MAX]]
        if job.errors > JSON_ERRORS_MAX:
            result["errors_total"] = job.errors
        if job.error_file:
            result["error_file"] = job.error_file
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        verb = "检查完成（未写入）" if opts["dry_run"] else "导入完成"
        self.stdout.write(
            f"{verb}：共 {result['rows']} 行，新增 {result['created']}，更新 {result['updated']}，"
            f"无变化 {result['unchanged']}，拒绝 {result['refused']}。（任务 #{job.pk}）"
        )
        for e in result["errors"][:20]:
            self.stdout.write(f"  第 {e['row']} 行「{e['column']}」：{e['message']}")
        if job.errors > 20:
            self.stdout.write(f"  ……共 {job.errors} 个问题")
        if job.error_file:
            self.stdout.write(f"错误行已写入：{job.error_file}")

"""gonghui export members|employers|gaps --org CODE -o FILE [--all] [--reveal]

Writes the table as xlsx (constant memory) or, when FILE ends in .csv, CSV with a BOM for Excel.
ID numbers and phones are masked unless --reveal is given (recorded in the audit log). No cell
starts with = + - @ unescaped. Exit 0 on success, non-zero with one line otherwise.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "导出：gonghui export members|employers|gaps --org CODE -o FILE [--reveal]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=["members", "employers", "gaps"],
            help="members 会员名册；employers 用人单位；gaps 未建会单位",
        )
        parser.add_argument("--org", help="组织代码（导出其管辖范围；默认：顶层总工会）")
        parser.add_argument("-o", "--output", required=True, help="输出文件：.xlsx 或 .csv")
        parser.add_argument(
            "--all", action="store_true", help="会员名册含已终止的会籍（默认只导出有效会籍，含保留会籍）"
        )
        parser.add_argument(
            "--reveal", action="store_true", help="完整显示身份证号码和手机号（记入操作日志）"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from gonghui.core.sheets import csv_stream, write_xlsx
        from gonghui.members.actions import export_record
        from gonghui.orgs.models import Org
        from gonghui.rosters import exports

        org = (
            Org.objects.filter(code=opts["org"]).first()
            if opts["org"]
            else Org.objects.get_root_nodes().first()
        )
        if org is None:
            raise CommandError(
                f"组织代码不存在：{opts['org']} (unknown org code)"
                if opts["org"]
                else "数据库中还没有组织。No orgs yet."
            )
        out = opts["output"]
        fmt = "csv" if out.lower().endswith(".csv") else "xlsx"
        folder = os.path.dirname(os.path.abspath(out))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise CommandError(f"无法写入：{out} (directory missing or not writable)")
        kind, reveal = opts["kind"], opts["reveal"] and opts["kind"] == "members"
        export_record(user=None, kind=kind, org_path=org.path, object_repr=org.name, reveal=reveal, via="cli",
                      details={"format": fmt, "org": org.code})  # fmt: skip
        headers, rows = exports.table(kind, org, reveal=reveal, include_history=opts["all"])
        tmp = out + ".part"
        try:
            if fmt == "csv":
                counted = _Counted(rows)
                with open(tmp, "wb") as fh:
                    for chunk in csv_stream(headers, counted):
                        fh.write(chunk)
                n = counted.n
            else:
                n = write_xlsx(tmp, exports.SHEET_NAMES[kind], headers, rows)
            os.replace(tmp, out)
        except OSError as exc:
            raise CommandError(f"写入失败：{exc}") from None
        self.stdout.write(
            f"已导出 {n} 行到 {out}"
            + (
                "（含完整身份证号码，已记入操作日志）"
                if reveal
                else "（已脱敏）"
                if kind == "members"
                else ""
            )
        )


class _Counted:
    def __init__(self, rows: Any) -> None:
        self.rows, self.n = rows, 0

    def __iter__(self) -> Any:
        for r in self.rows:
            self.n += 1
            yield r

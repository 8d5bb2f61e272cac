from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.audit import audit_record
from gonghui.core.sheets import csv_bytes, write_xlsx
from gonghui.members import exports
from gonghui.members.models import Membership
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "导出名册。Export a list: gonghui export members --org CODE -o FILE [--all] [--reveal]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["members"])
        parser.add_argument("--org", help="组织代码（默认：顶层总工会），导出其下全部会员")
        parser.add_argument("-o", "--output", required=True, help="输出文件，.xlsx 或 .csv")
        parser.add_argument("--all", action="store_true", help="含已终止的会籍（默认只导出有效会籍，含保留会籍）")
        parser.add_argument("--reveal", action="store_true", help="导出完整身份证号和手机号（默认脱敏；记入操作日志）")

    def handle(self, *args: Any, **opts: Any) -> None:
        org = Org.objects.filter(code=opts["org"]).first() if opts["org"] else Org.get_root_nodes().first()
        if org is None:
            raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)" if opts["org"] else "数据库中还没有组织。No orgs yet.")
        out = Path(opts["output"])
        if out.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("输出文件应为 .xlsx 或 .csv。Output must end in .xlsx or .csv.")
        qs = Membership.objects.filter(org_path__startswith=org.path)
        if not opts["all"]:
            qs = qs.filter(status__in=["active", "retained"])
        rows = exports.member_rows(qs, reveal=opts["reveal"])
        if out.suffix.lower() == ".csv":
            out.write_bytes(csv_bytes(exports.HEADERS, rows))
            n = max(0, qs.count())
        else:
            n = write_xlsx(out, "会员名册", exports.HEADERS, rows)
        audit_record(user=None, action="export.members", obj=org, org_path=org.path, changes={"rows": n, "reveal": opts["reveal"], "file": out.name})
        if opts["reveal"]:
            audit_record(user=None, action="pii.reveal", obj=org, org_path=org.path, changes={"purpose": "export", "rows": n})
        self.stdout.write(f"已导出 {n} 名会员到 {out}{'（含完整身份证号）' if opts['reveal'] else '（身份证号、手机号已脱敏）'}。")

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "空转基层工会。Idle grassroots unions, idlest first: gonghui idle [--org CODE] --json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="组织代码（默认：顶层总工会）")
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--refresh", action="store_true", help="先按今天重算全部工会的得分（否则用每日任务的结果）"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from gonghui.orgs.models import Org
        from gonghui.worklife import counters
        from gonghui.worklife.idle import selectors
        from gonghui.worklife.models_idle import UnionLife

        if opts["org"]:
            org = Org.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
        else:
            org = Org.objects.get_root_nodes().first()
            if org is None:
                raise CommandError("数据库中还没有组织。No orgs yet: run `gonghui demo`.")
        if opts["refresh"] or not UnionLife.objects.exists():
            counters.refresh_all()
        rows = [selectors.row_out(r) for r in selectors.idle_under(org, sort="score")]
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['org']['code']}\t{r['score']}\t{r['org']['name']}\t{'；'.join(r['reasons'])}"
            )
        self.stderr.write(f"空转基层工会 {len(rows)} 个。{len(rows)} idle unions.")

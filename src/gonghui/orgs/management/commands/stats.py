from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_stats


class Command(BaseCommand):
    help = "统计数字。Figures of a subtree: gonghui stats [--org CODE] --json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="组织代码（默认：顶层总工会）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["org"]:
            org = Org.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
        else:
            org = Org.get_root_nodes().first()
            if org is None:
                raise CommandError("数据库中还没有组织。No orgs yet: run `gonghui demo`.")
        stats = subtree_stats(org)
        if opts["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False, default=str))
            return
        for k, v in stats.items():
            self.stdout.write(f"{k}: {v}")

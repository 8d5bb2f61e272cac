from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.orgs.models import Org, OrgKind, OrgStatus


class Command(BaseCommand):
    help = "列出工会组织。List union organisations: gonghui orgs [--under CODE] [--kind KIND] --json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--under", help="只列出该组织及其下级（组织代码）")
        parser.add_argument("--kind", choices=OrgKind.values)
        parser.add_argument("--all", action="store_true", help="包括已撤销、已合并的组织")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        qs = Org.objects.all()
        if opts["under"]:
            top = Org.objects.filter(code=opts["under"]).first()
            if top is None:
                raise CommandError(f"组织代码不存在：{opts['under']} (unknown org code)")
            qs = qs.filter(path__startswith=top.path)
        if opts["kind"]:
            qs = qs.filter(kind=opts["kind"])
        if not opts["all"]:
            qs = qs.filter(status=OrgStatus.ACTIVE)
        rows = list(qs.order_by("path").values("code", "name", "kind", "path"))
        parents = dict(
            Org.objects.filter(path__in={r["path"][: -Org.steplen] for r in rows}).values_list("path", "code")
        )
        out = [
            {
                "code": r["code"],
                "name": r["name"],
                "kind": r["kind"],
                "parent_code": parents.get(r["path"][: -Org.steplen]),
            }
            for r in rows
        ]
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        else:
            for r in out:
                self.stdout.write(f"{r['code']}\t{r['kind']}\t{r['name']}")

"""`gonghui finance arrears [--org CODE] [--as-of YYYY-MM-DD]`: the monthly arrears check of dues
(章程（2008年文本）第六条): flags members six months or more unpaid for the review list; it never ends
a membership. Prints the numbers flagged and cleared."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "会费欠交核对 (dues arrears check): gonghui finance arrears [--org CODE] [--as-of DATE]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["arrears"])
        parser.add_argument("--org", default="")
        parser.add_argument("--as-of", default="")

    def handle(self, *args: Any, **opts: Any) -> None:
        from gonghui.finance.actions_dues import dues_arrears_refresh
        from gonghui.orgs.models import Org

        org = None
        if opts["org"]:
            org = Org.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
        try:
            as_of = dt.date.fromisoformat(opts["as_of"]) if opts["as_of"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期无效：{opts['as_of']} (use YYYY-MM-DD)") from None
        result = dues_arrears_refresh(as_of=as_of, org=org)
        self.stdout.write(json.dumps({"as_of": str(as_of), **result}, ensure_ascii=False))

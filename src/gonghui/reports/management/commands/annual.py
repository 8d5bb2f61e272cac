"""`gonghui annual [--year YEAR] [--org CODE] [--user NAME] --json`: the annual report (统计年报)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = (
        "统计年报：截至统计年度末（9月30日）各下级单位的建会、入会数字。"
        "gonghui annual [--year YEAR] [--org CODE] [--user NAME] --json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", help="统计年度（默认：最近一个已结束的统计年度）")
        parser.add_argument("--org", help="组织代码（默认：顶层总工会）")
        parser.add_argument("--user", help="以该账号的权限和范围查看（默认：以运维身份，不限范围）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args: Any, **opts: Any) -> None:
        from gonghui.core import access
        from gonghui.reports import annual

        user = None
        if opts["user"]:
            from gonghui.accounts.models import User

            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"账号不存在或已停用：{opts['user']} (unknown user)")
        if opts["org"]:
            org = Org.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
        else:
            org = user.org if user is not None else Org.objects.get_root_nodes().first()
            if org is None:
                raise CommandError("数据库中还没有组织。No orgs yet: run `gonghui demo`.")
        if user is not None:
            try:  # the gatekeeper, as a page would: out of scope answers like an unknown code
                org = access.get_org(user, org.code)
            except Http404:
                raise CommandError(f"组织代码不存在：{org.code} (unknown org code)") from None
            except PermissionDenied:
                raise CommandError(f"账号 {user.username} 无权查看统计年报 (permission denied)") from None
        try:
            rep = annual.report(org, opts["year"])
        except annual.YearError as e:
            raise CommandError(f"{e} (bad year)") from None
        data = annual.as_json(rep)
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(annual.report_title(rep))
        for r in [*data["rows"], {"org": {"code": "", "name": "合计"}, **data["total"]}]:
            self.stdout.write(
                f"{r['org']['name']}\t应建会 {r['employers_due']}\t已建会 {r['employers_unionised']}\t"
                f"建会率 {r['unionisation_rate']:.1%}\t职工 {r['employees']}\t会员 {r['members']}\t"
                f"入会率 {r['membership_rate']:.1%}\t农民工 {r['migrant_workers']}\t"
                f"农民工会员 {r['migrant_members']}\t农民工入会率 {r['migrant_membership_rate']:.1%}"
            )

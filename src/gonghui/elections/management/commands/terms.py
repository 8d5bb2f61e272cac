from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gonghui.elections import conf, notify, selectors
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = (
        "列出工会届次：到期未换届、即将到期。List union terms: "
        "gonghui terms [--org CODE] [--overdue] [--due-within DAYS] --json"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="只列出该组织及其下级（组织代码）")
        parser.add_argument("--overdue", action="store_true", help="到期未换届（任期已届满）")
        parser.add_argument("--due-within", type=int, metavar="DAYS", help="任期在 DAYS 天内届满")
        parser.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS, default=None)
        parser.add_argument(
            "--notify", action="store_true", help="同时向负责账号发送到期提醒（可由定时任务每日运行）"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["due_within"] is not None and opts["due_within"] < 0:
            raise CommandError("--due-within 不能为负数 (DAYS must be ≥ 0)")
        today = opts["today"] or timezone.localdate()
        qs = Org.objects.all()
        top = None
        if opts["org"]:
            top = Org.objects.filter(code=opts["org"]).first()
            if top is None:
                raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
            qs = qs.filter(path__startswith=top.path)
        due_days = opts["due_within"] if opts["due_within"] is not None else conf.rules().due_days
        qs = selectors.term_filter(qs, today=today, overdue=opts["overdue"], due_within=opts["due_within"])
        rows = [
            selectors.term_row(o, today=today, due_days=due_days)
            for o in qs.order_by("term_end", "path").iterator(chunk_size=2000)
        ]
        if opts["notify"]:
            sent = notify.terms_notify(under=top, today=today)
            self.stderr.write(f"已发送提醒 {sent} 条。Notifications sent: {sent}")
        if opts["json"]:
            out = [
                {
                    **r,
                    "start": r["start"].isoformat() if r["start"] else None,
                    "end": r["end"].isoformat() if r["end"] else None,
                }
                for r in rows
            ]
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                f"{r['org']}\t{r['term_number'] or '-'}\t{r['start'] or '-'}\t{r['end']}\t{r['status']}"
            )

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
        parser.add_argument(
            "--year", type=int, help="年度：另给出该年的技能培训与帮扶数字（training, assistance）"
        )
        parser.add_argument(
            "--verify", action="store_true", help="从头重算并与维护的计数比对，有差异则以非零状态退出"
        )
        parser.add_argument("--rebuild", action="store_true", help="从头重算全部计数（恢复备份或修改口径后）")
        parser.add_argument(
            "--snapshot",
            action="store_true",
            help="生成今天（及缺少的历史日期）的统计快照，供大范围统计页使用",
        )
        parser.add_argument(
            "--schedule", action="store_true", help="与 --snapshot 同用：此后由后台任务每天凌晨生成快照"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from gonghui.reports import counters

        if opts["rebuild"]:
            from gonghui.core import extensions

            n = counters.rebuild()
            extensions.rebuild_all()
            self.stderr.write(f"已重算 {n} 个组织的统计计数。Rebuilt counters of {n} orgs.")
        if opts["snapshot"]:
            from gonghui.reports import snapshots

            done = snapshots.ensure()
            self.stderr.write(
                f"已生成统计快照：{len(done['dates'])} 个日期，{done['unions']} 个有下级的工会。"
            )
            if opts["schedule"]:
                from gonghui.reports.tasks import schedule_daily

                when = schedule_daily()
                self.stderr.write(
                    f"下次快照：{when:%Y-%m-%d %H:%M}" if when else "任务后端不支持定时任务，未安排每日快照。"
                )
        if opts["verify"]:
            from gonghui.core import extensions

            diffs = counters.verify() + extensions.verify_all()
            if diffs:
                for d in diffs[:20]:
                    self.stderr.write(
                        f"  {d['path']} {d['field']}: stored {d['stored']} expected {d['expected']}"
                    )
                raise CommandError(
                    f"统计计数与重算结果有 {len(diffs)} 处不一致。Counters differ from a recount in {len(diffs)} places."
                )
            self.stderr.write("统计计数与重算结果一致。counters_exact=true")
        if opts["org"]:
            org = Org.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
        else:
            org = Org.objects.get_root_nodes().first()
            if org is None:
                raise CommandError("数据库中还没有组织。No orgs yet: run `gonghui demo`.")
        from gonghui.core import extensions

        stats = subtree_stats(org)
        stats.update(extensions.stats_sections(org))
        if opts["year"] is not None:
            if not 2000 <= opts["year"] <= 2100:
                raise CommandError(f"年度无效：{opts['year']} (year must be 2000–2100)")
            from gonghui.care.selectors import year_figures

            stats.update(year_figures(org, opts["year"]))
        if opts["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False, default=str))
            return
        for k, v in stats.items():
            self.stdout.write(f"{k}: {v}")

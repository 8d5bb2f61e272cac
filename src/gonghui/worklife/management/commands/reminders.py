from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "每日工会工作任务：重算空转得分与计数、生成提醒（可重复运行）。gonghui reminders [--schedule]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schedule", action="store_true", help="此后由后台任务每天凌晨运行")

    def handle(self, *args: Any, **opts: Any) -> None:
        from gonghui.worklife import tasks

        done = tasks.run_daily()
        self.stdout.write(json.dumps(done, ensure_ascii=False, default=str))
        if opts["schedule"]:
            when = tasks.schedule_daily()
            self.stderr.write(f"下次运行：{when:%Y-%m-%d %H:%M}" if when else "任务后端不支持定时任务。")

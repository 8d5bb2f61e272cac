from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "载入演示数据：会泽县总工会（seed 004）。Load the demo county."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["county", "province"], default="county")
        parser.add_argument("--seed", type=int, default=2017, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有组织时什么也不做（make run 用）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Org.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("演示数据已存在，跳过。Demo data already loaded.")
                return
            raise CommandError("数据库中已有组织数据，演示数据只能载入空数据库。The database already holds orgs.")
        if opts["scale"] == "province":
            raise CommandError("省级规模演示数据尚未实现。--scale province is not available yet.")
        from gonghui.demo.county import load_county

        started = time.perf_counter()
        result = load_county(seed=opts["seed"])
        result["seconds"] = round(time.perf_counter() - started, 2)
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"已载入会泽县总工会演示数据：组织 {result['orgs']} 个，用人单位 {result['employers']} 家，用时 {result['seconds']} 秒。"
        )

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core.db import analyze
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "载入演示数据：会泽县总工会（seed 004）。Load the demo county."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["county", "province", "nation"], default="county")
        parser.add_argument("--seed", type=int, default=2017, help="随机种子，相同种子生成相同数据")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有组织时什么也不做（make run 用）"
        )
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--orgs", type=int, default=500_000, help="--scale province: 工会组织数")
        parser.add_argument(
            "--members",
            type=int,
            default=None,
            help="--scale province: 会员数（默认一千万）；nation: 每省会员数（默认 3000）",
        )
        parser.add_argument("--provinces", type=int, default=4, help="--scale nation: 省份数（1–31）")

    def handle(self, *args: Any, **opts: Any) -> None:
        if Org.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("演示数据已存在，跳过。Demo data already loaded.")
                return
            raise CommandError(
                "数据库中已有组织数据，演示数据只能载入空数据库。The database already holds orgs."
            )
        if opts["scale"] == "nation":
            from gonghui.demo.nation import load_nation

            result = load_nation(
                seed=opts["seed"], provinces=max(1, min(31, opts["provinces"])),
                members=opts["members"] or 3000, log=self.stderr.write,
            )  # fmt: skip
            self.stdout.write(
                json.dumps(result, ensure_ascii=False)
                if opts["json"]
                else f"已载入全国演示数据：{result['provinces']} 个省，组织 {result['orgs']} 个，会员 {result['members']} 人，用时 {result['seconds']} 秒。"
            )
            return
        if opts["scale"] == "province":
            from gonghui.demo.province import load_province

            result = load_province(
                seed=opts["seed"],
                orgs=opts["orgs"],
                members=opts["members"] or 10_000_000,
                log=self.stderr.write,
            )
            self.stdout.write(
                json.dumps(result, ensure_ascii=False)
                if opts["json"]
                else f"已载入省级规模演示数据：组织 {result['orgs']} 个，会员 {result['members']} 人，用时 {result['seconds']} 秒。"
            )
            return
        from gonghui.demo.county import load_county
        from gonghui.demo.members import load_members

        started = time.perf_counter()
        result = load_county(seed=opts["seed"])
        analyze()
        result["members"] = load_members(seed=opts["seed"])
        analyze()  # the loaders below query what was just bulk-inserted
        from gonghui.campaigns import daycount

        daycount.rebuild()  # the members were bulk-loaded: the campaigns' event counter counted once
        from gonghui.demo.care import load_care

        result["care"] = load_care(seed=opts["seed"])
        analyze()
        from gonghui.demo.campaigns import load_campaigns

        result["campaigns"] = load_campaigns(seed=opts["seed"])
        from gonghui.demo.elections import load_elections

        result["elections"] = load_elections(seed=opts["seed"])
        from gonghui.demo.worklife import load_worklife

        result["worklife"] = load_worklife(seed=opts["seed"])
        from gonghui.demo.finance import load_finance

        result["finance"] = load_finance(seed=opts["seed"])
        from gonghui.reports.counters import rebuild

        analyze()
        rebuild()  # the demo loads through bulk paths; its statistics counters are counted once at the end
        from gonghui.reports import snapshots

        snapshots.ensure()  # history for the dashboards of large subtrees (and the nightly job's first day)
        from gonghui.worklife.tasks import backfill_demo

        result["idle_unions"] = backfill_demo()  # idle scores, working-life counters and their trend
        result["seconds"] = round(time.perf_counter() - started, 2)
        if opts["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"已载入会泽县总工会演示数据：组织 {result['orgs']} 个，用人单位 {result['employers']} 家，"
            f"会员 {result['members']['members']} 人（农民工 {result['members']['migrant_members']} 人），用时 {result['seconds']} 秒。"
        )

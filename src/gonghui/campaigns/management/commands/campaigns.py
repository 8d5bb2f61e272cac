from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gonghui.campaigns import selectors
from gonghui.campaigns.models import Campaign
from gonghui.orgs.models import Org


def campaign_json(b: selectors.Board) -> dict[str, Any]:
    """One campaign for `gonghui campaigns --json`: its terms, progress and its next level down
    (`allocations`: {org, target, done}; their targets sum exactly to `target_net`)."""
    c = b.campaign
    return {
        "id": c.pk,
        "name": c.name,
        "org": c.org.code,
        "measure": c.measure,
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat(),
        "baseline": c.baseline,
        "growth_rate": float(c.growth_rate) if c.growth_rate is not None else None,
        "net_minimum": c.net_minimum,
        "target_net": c.target_net,
        "done": b.root.done,
        "completion": round(float(b.root.ratio), 4) if b.root.ratio is not None else None,
        "time_progress": round(float(b.time), 4),
        "behind": b.root.behind,
        "allocations": [
            {"org": u.org.code, "target": u.target, "done": u.done}
            for u in b.children
            if u.target is not None
        ],
    }


class Command(BaseCommand):
    help = "集中行动的目标与进度。Campaigns with target and live progress: gonghui campaigns [--org CODE] [--on DATE] --json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="只列出该组织（含下级）牵头的行动")
        parser.add_argument("--on", help="按该日期计算进度（YYYY-MM-DD，默认今天）")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        qs = Campaign.objects.select_related("org").order_by("-starts_on", "id")
        if opts["org"]:
            org = Org.objects.filter(code=opts["org"]).first()
            if org is None:
                raise CommandError(f"组织代码不存在：{opts['org']} (unknown org code)")
            qs = qs.filter(org_path__startswith=org.path)
        try:
            on = dt.date.fromisoformat(opts["on"]) if opts["on"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{opts['on']} (bad date)") from None
        out = [campaign_json(selectors.board(c, on=on)) for c in qs]
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        if not out:
            self.stdout.write("还没有集中行动。No campaigns.")
        for c in out:
            pct = f"{c['completion'] * 100:.1f}%" if c["completion"] is not None else "—"
            self.stdout.write(
                f"#{c['id']} {c['name']}（{c['org']}）{c['starts_on']}~{c['ends_on']} 基数 {c['baseline']} 目标 {c['target_net']} "
                f"完成 {c['done']}（{pct}）序时 {c['time_progress'] * 100:.1f}%{' 落后' if c['behind'] else ''}"
            )
            for a in c["allocations"]:
                self.stdout.write(f"    {a['org']} 目标 {a['target']} 完成 {a['done']}")

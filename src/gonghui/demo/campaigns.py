"""The demo county's campaigns (seed 000 targets, seed 004 work groups), through the same actions
the pages call, so every target and split is audited like a real one.

* the current statistical year (ACFTU: 1 October – 30 September) holding the demo's date: a
  农民工集中入会行动 in the seed-000 style — migrant members +7% on the register's baseline, net at
  least 6,000, the larger wins — split to the townships, system, park and industry unions in
  proportion to their potential from the survey, split further by 古城街道 (by baseline) and
  者海镇 (by potential); three work groups own the units; supervision notes on the units furthest
  behind and a few others. Progress is whatever the register holds: the demo members' joins of
  the period (no members are added, so the seed-004 figures stay exact).
* the statistical year before: a finished 会员发展集中行动 (net new members, +25%, net ≥ 15,000),
  split by baseline, with its supervision done.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from gonghui.campaigns import actions, selectors
from gonghui.campaigns.arithmetic import stat_year
from gonghui.campaigns.models import Allocation, Measure, NoteKind, SplitMethod
from gonghui.demo.county import TODAY
from gonghui.orgs.models import Org, OrgKind

GROUPS = [
    ("第一工作组", "王建国（县总工会副主席）", "李娜、赵磊"),
    ("第二工作组", "张丽华（县总工会副主席）", "陈涛、杨帆"),
    ("第三工作组", "刘志强（县总工会经费审查委员会主任）", "周敏、吴昊"),
]
FINDINGS = [
    (
        "入会进度明显落后于序时进度，乡镇工会未制定推进计划。",
        "制定追赶计划，明确到村（社区）和企业，每周报送进度。",
        NoteKind.VISIT,
    ),
    (
        "抽查入会申请书 30 份，有 6 份由他人代填，未做到本人亲自填写（申请关）。",
        "组织本人重新填写并签字，补齐后报县总工会复核。",
        NoteKind.CHECK,
    ),
    (
        "登记表编号与电子档案编号不一致 9 处（档案关）。",
        "逐一核对更正，做到纸质登记表与电子档案编号一致。",
        NoteKind.CHECK,
    ),
    (
        "部分新会员尚未发放会员证，已发放的未加盖县总工会钢印（发证关）。",
        "统一申领会员证，月底前发放到人并加盖钢印。",
        NoteKind.VISIT,
    ),
    (
        "新入会农民工手机号缺失较多，实名登记不完整。",
        "逐人补录手机号码，新增会员实名登记率达到 100%。",
        NoteKind.CALL,
    ),
    (
        "辖区内 3 家职工 25 人以上企业尚未建会，摸底台账“六个掌握”不全。",
        "补齐摸底台账，制定组建计划，做到有请示、有名册、有批复。",
        NoteKind.VISIT,
    ),
    (
        "宣传发动不够，园区和商圈职工对工会了解不多。",
        "在园区、商圈集中开展一次入会宣传活动。",
        NoteKind.MEETING,
    ),
]
RESULTS = ["已按要求整改，经复核合格。", "已补齐材料，报县总工会备案。", "已整改到位。"]


def _by_short(root: Org, short: str) -> Org | None:
    return Org.objects.filter(path__startswith=root.path, short_name=short).first()


@transaction.atomic
def load_campaigns(*, seed: int = 2017, on: dt.date | None = None) -> dict[str, Any]:
    rng = random.Random(f"gonghui-campaigns-{seed}")
    root = Org.objects.get_root_nodes().first()
    if root is None:
        return {"campaigns": 0}
    on = on or TODAY
    written_until = min(on, timezone.localdate())  # notes can't be dated in the future
    start, end = stat_year(on)
    past_start, past_end = stat_year(start - dt.timedelta(days=1))

    past = actions.campaign_create(
        user=None, org=root, name=f"{past_end.year}年度会员发展集中行动", measure=Measure.MEMBERS, starts_on=past_start, ends_on=past_end,
        growth_rate=Decimal("25"), net_minimum=15_000, split_method=SplitMethod.BASELINE,
        description="按县委、县政府部署，全县会员数比上年末增长 25%，净增 15000 名以上，任务按各单位会员基数分解。",
    )  # fmt: skip
    current = actions.campaign_create(
        user=None, org=root, name=f"{end.year}年度农民工集中入会行动", measure=Measure.MIGRANT_MEMBERS, starts_on=start, ends_on=end,
        growth_rate=Decimal("7"), net_minimum=6_000, split_method=SplitMethod.POTENTIAL,
        description=("按照市总要求，全县农民工会员数量比上年末增长 7%，净增 6000 名以上，新增农民工会员全部实名登记。"
                     "任务按各单位摸底未入会农民工数分解到各乡镇(街道)、系统、园区和行业工会，这是最底线的要求，必须坚决完成。"),
    )  # fmt: skip
    split_further = 0
    for short, method in (("古城街道", SplitMethod.BASELINE), ("者海镇", SplitMethod.POTENTIAL)):
        unit = _by_short(root, short)
        if unit is not None:
            actions.campaign_allocate(user=None, campaign=current, org=unit, method=method)
            split_further += 1

    # three work groups, each owning townships and system unions (seed 004 "任务到组，责任到人")
    children = [
        a.org
        for a in Allocation.objects.filter(campaign=current, parent__org=root)
        .select_related("org")
        .order_by("org_path")
    ]
    townships = [o for o in children if o.kind == OrgKind.TOWNSHIP_UNION]
    systems = [o for o in children if o.kind == OrgKind.SYSTEM_UNION]
    others = [o for o in children if o.kind not in (OrgKind.TOWNSHIP_UNION, OrgKind.SYSTEM_UNION)]
    owned: list[list[Org]] = [[], [], []]
    for i, o in enumerate(townships):
        owned[i * 3 // max(1, len(townships))].append(o)
    for i, o in enumerate(systems):
        owned[i * 3 // max(1, len(systems))].append(o)
    for i, o in enumerate(others):
        owned[i % 3].append(o)
    groups = [
        actions.workgroup_save(
            user=None, campaign=current, name=name, leader=leader, members=members, units=units
        )
        for (name, leader, members), units in zip(GROUPS, owned, strict=True)
    ]
    group_of = {o.pk: g for g, units in zip(groups, owned, strict=True) for o in units}

    # supervision: the units furthest behind first, then a few more; the older ones followed up
    notes = 0
    if written_until >= start:
        b = selectors.board(current, on=on, with_groups=False)
        behind = [u.org for u in b.behind if u.org.pk in group_of][:6]
        rest = [o for o in children if o not in behind]
        visited = behind + rng.sample(rest, min(6, len(rest)))
        span = max(0, (written_until - start).days)
        for i, org in enumerate(visited):
            findings, follow_up, kind = (
                FINDINGS[0] if org in behind and i % 2 == 0 else rng.choice(FINDINGS[1:])
            )
            day = start + dt.timedelta(days=rng.randint(span // 3, span)) if span else start
            due = day + dt.timedelta(days=rng.choice((10, 15, 20)))
            note = actions.note_create(user=None, campaign=current, org=org, on=day, kind=kind, findings=findings,
                                       follow_up=follow_up, due_on=due, group=group_of.get(org.pk))  # fmt: skip
            notes += 1
            done_on = day + dt.timedelta(days=rng.randint(3, 12))
            if done_on <= written_until and rng.random() < 0.5:
                actions.note_complete(user=None, note=note, done_on=done_on, result=rng.choice(RESULTS))
    past_children = [
        a.org
        for a in Allocation.objects.filter(campaign=past, parent__org=root)
        .select_related("org")
        .order_by("org_path")
    ]
    for org in rng.sample(past_children, min(5, len(past_children))):
        findings, follow_up, kind = rng.choice(FINDINGS)
        day = past_start + dt.timedelta(days=rng.randint(60, 300))
        note = actions.note_create(user=None, campaign=past, org=org, on=day, kind=kind, findings=findings, follow_up=follow_up,
                                   due_on=day + dt.timedelta(days=15))  # fmt: skip
        actions.note_complete(
            user=None,
            note=note,
            done_on=day + dt.timedelta(days=rng.randint(5, 14)),
            result=rng.choice(RESULTS),
        )
        notes += 1
    return {
        "campaigns": 2,
        "current": {"name": current.name, "baseline": current.baseline, "target_net": current.target_net},
        "allocations": Allocation.objects.filter(campaign__in=[past, current]).count(),
        "split_further": split_further,
        "groups": len(groups),
        "notes": notes,
    }

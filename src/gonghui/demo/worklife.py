"""The demo county's working life (issue 14): workers' congresses with proposals and 厂务公开,
collective contracts (in force, due for renewal, expired, awaiting submission or review, 区域性 and
行业性 wage contracts of the townships), union groups in the larger unions, and activities of
every kind (安康杯, 劳动竞赛 with results, 职工之家). About a quarter of the base unions get nothing
at all, so the idle list has unions that only exist on paper.

Bulk paths (rows built in memory, bulk_create in one transaction) following the rules of the
worklife actions (terms of at most 3 years, submission after signing, effective after the review
period). Dates are relative to the demo's "as of" day (demo.county.TODAY), deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.db import transaction

from gonghui.core.audit import audit_record
from gonghui.core.db import bulk_set
from gonghui.demo.county import TODAY
from gonghui.members import bulk
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import BASE_KINDS, Employer, Org, OrgKind, OrgStatus
from gonghui.worklife import codes
from gonghui.worklife.models import (
    Activity,
    ActivitySource,
    AgendaItem,
    CollectiveContract,
    CongressEmployer,
    CongressKind,
    CongressSession,
    ContractEmployer,
    ContractStatus,
    Disclosure,
    GroupMember,
    HomeStatus,
    NegotiationRound,
    Proposal,
    ProposalStatus,
    ReviewAnswer,
    UnionGroup,
)

D = dt.timedelta
AGENDA = [
    "听取审议厂务公开工作报告",
    "审议通过集体合同（草案）",
    "审议职工福利费使用情况",
    "民主评议管理人员",
    "听取安全生产工作报告",
]
PROPOSALS = [
    ("改善职工食堂伙食质量", "后勤部", "已更换供餐单位，每周公布菜谱"), ("夏季高温车间增设降温设备", "设备部", "已加装冷风机 12 台"),
    ("增设母婴室", "行政部", "已在办公楼二楼设立"), ("提高夜班补贴标准", "人力资源部", "自次月起夜班补贴提高至每班 30 元"),
    ("组织职工健康体检", "工会", "已安排年度体检"), ("完善职工书屋", "工会", ""), ("改善职工宿舍热水供应", "后勤部", ""),
]  # fmt: skip
DISCLOSE = [
    "年度工资总额及调整方案",
    "职工社会保险缴纳情况",
    "安全生产责任制落实情况",
    "职工福利费使用情况",
    "劳动定额调整",
]
ACTIVITIES = {
    codes.MEETING: ["工会委员会会议", "会员代表座谈会", "工会小组长会议"],
    codes.CULTURE: ["职工趣味运动会", "迎新春文艺联欢", "职工篮球赛", "“三八”节健步走"],
    codes.ANKANG: ["“安康杯”安全知识竞赛", "“安康杯”隐患排查活动"],
    codes.COMPETITION: ["焊工技能比武", "叉车操作劳动竞赛", "厨艺技能大赛"],
    codes.HOME: ["职工之家建设推进"],
    codes.TRAINING: ["工会干部业务培训", "劳动法律知识讲座"],
    "care_visit": ["春节走访慰问困难职工"],
}
RESULTS = ["一等奖 1 名、二等奖 2 名", "团体第二名", "优秀组织奖", "3 人获“技术能手”称号"]


def _scope(org: Org) -> dict[str, Any]:
    return {"org_id": org.pk, "org_path": org.path, "province_code": org.province_code}


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + D(days=rng.randint(0, max(0, (end - start).days)))


@transaction.atomic
def load_worklife(*, seed: int = 2017) -> dict[str, Any]:
    rng = random.Random(f"gonghui-worklife-{seed}")
    orgs = {o.pk: o for o in Org.objects.filter(status=OrgStatus.ACTIVE)}
    root = min(orgs.values(), key=lambda o: o.depth)
    by_union: dict[int, list[Employer]] = defaultdict(list)
    for e in Employer.objects.filter(union__isnull=False).order_by("id"):
        by_union[e.union_id].append(e)  # type: ignore[index]
    base = sorted(
        (o for o in orgs.values() if o.kind in BASE_KINDS and by_union.get(o.pk)), key=lambda o: o.path
    )
    rng.shuffle(base)
    n_idle = len(base) // 4
    active = sorted(base[n_idle:], key=lambda o: o.path)  # the first quarter stays idle: nothing recorded
    out = {"idle_unions": n_idle}
    out["congress_sessions"], out["proposals"] = _congresses(rng, active, by_union)
    out["contracts"] = _contracts(rng, active, by_union, orgs)
    out["activities"] = _activities(rng, active)
    out["groups"] = _groups(rng, active)
    bulk.reset_sequences(CongressSession, Proposal, AgendaItem, Disclosure, CollectiveContract, NegotiationRound,
                         Activity, UnionGroup)  # fmt: skip
    audit_record(user=None, action="demo.worklife", object_type="demo", object_repr=root.name, org_path=root.path,
                 changes=out)  # fmt: skip
    return out


def _congresses(
    rng: random.Random, active: list[Org], by_union: dict[int, list[Employer]]
) -> tuple[int, int]:
    sessions: list[tuple[CongressSession, list[Employer], int]] = []
    for org in active:
        if rng.random() > 0.7:
            continue
        employers = by_union[org.pk]
        joint = org.kind != OrgKind.GRASSROOTS
        years = [TODAY.year] if rng.random() < 0.75 else []
        years.insert(0, TODAY.year - 1)
        employees = sum(e.employees for e in employers) or 20
        for i, year in enumerate(years):
            delegates = max(min(employees, 30), min(employees * 5 // 100, 200))
            held = _day(rng, dt.date(year, 2, 20), min(dt.date(year, 6, 30), TODAY - D(days=10)))
            s = CongressSession(kind=CongressKind.AREA if joint else CongressKind.EMPLOYER, term_no=2, session_no=i + 1,
                                held_on=held, employees=employees, delegates=delegates,
                                frontline_delegates=delegates * rng.randint(45, 70) // 100,
                                women_delegates=delegates * rng.randint(20, 50) // 100,
                                attended=delegates - rng.randint(0, max(1, delegates // 10)), **_scope(org))  # fmt: skip
            sessions.append((s, employers if joint else employers[:1], rng.randint(0, 3)))
    CongressSession.objects.bulk_create([s for s, _e, _p in sessions], batch_size=500)
    covered, agenda, proposals, disclosures = [], [], [], []
    for s, employers, n_prop in sessions:
        covered += [CongressEmployer(session_id=s.pk, employer_id=e.pk) for e in employers]
        agenda += [
            AgendaItem(session_id=s.pk, seq=k + 1, title=t) for k, t in enumerate(rng.sample(AGENDA, 3))
        ]
        for k, (subject, dept, answer) in enumerate(rng.sample(PROPOSALS, n_prop)):
            old = s.held_on < TODAY - D(days=120)
            status = (
                ProposalStatus.CLOSED
                if (answer and old)
                else ProposalStatus.ANSWERED
                if answer
                else ProposalStatus.HANDLING
            )
            proposals.append(Proposal(session_id=s.pk, number=k + 1, author=rng.choice(["王", "李", "张", "刘", "陈"]) + "代表等",
                                      subject=subject, handling=dept, status=status, answer=answer,
                                      answered_on=s.held_on + D(days=30) if answer else None,
                                      closed_on=s.held_on + D(days=45) if status == ProposalStatus.CLOSED else None))  # fmt: skip
        disclosures.append(Disclosure(employer_id=employers[0].pk, session_id=s.pk, disclosed_on=s.held_on,
                                      subject=rng.choice(DISCLOSE), form="congress", org_id=s.org_id, org_path=s.org_path,
                                      province_code=s.province_code))  # fmt: skip
    CongressEmployer.objects.bulk_create(covered, batch_size=1000)
    AgendaItem.objects.bulk_create(agenda, batch_size=1000)
    Proposal.objects.bulk_create(proposals, batch_size=1000)
    Disclosure.objects.bulk_create(disclosures, batch_size=1000)
    return len(sessions), len(proposals)


def _contract(
    org: Org, title: str, employees: int, signed: dt.date, years: int, stage: str, **kw: Any
) -> CollectiveContract:
    """A contract signed on `signed` for `years` years, carried to `stage` (negotiating, signed,
    submitted, effective)."""
    c = CollectiveContract(title=title, employees_covered=employees, **_scope(org), **kw)
    if stage == "negotiating":
        return c
    c.signed_on, c.start_on = signed, signed
    try:
        c.end_on = signed.replace(year=signed.year + years) - D(days=1)
    except ValueError:
        c.end_on = signed.replace(year=signed.year + years, day=28)
    c.status = ContractStatus.SIGNED
    if stage in ("submitted", "effective"):
        c.submitted_on, c.labour_bureau, c.status = (
            signed + D(days=5),
            "县人力资源和社会保障局",
            ContractStatus.SUBMITTED,
        )
    if stage == "effective":
        c.status = ContractStatus.EFFECTIVE
        c.review_answer, c.answered_on = ReviewAnswer.APPROVED, signed + D(days=12)
        c.effective_on = c.answered_on
    return c


def _contracts(
    rng: random.Random, active: list[Org], by_union: dict[int, list[Employer]], orgs: dict[int, Org]
) -> int:
    rows: list[tuple[CollectiveContract, list[Employer], int]] = []
    for org in active:
        if rng.random() > 0.65:
            continue
        employers = by_union[org.pk]
        single = org.kind == OrgKind.GRASSROOTS
        covered = employers[:1] if single else employers
        employees = sum(e.employees for e in covered)
        # where the contract stands on the demo's day: mostly in force, some due for renewal or lapsed
        kind = rng.choices(
            ["in_force", "renewal", "expired", "unsubmitted", "review", "negotiating"], [50, 15, 12, 6, 5, 6]
        )[0]
        years = rng.choice([2, 3])
        signed = {
            "in_force": TODAY - D(days=rng.randint(100, 300)),
            "renewal": (TODAY + D(days=rng.randint(45, 80))).replace(year=TODAY.year - years) + D(days=1),
            "expired": (TODAY - D(days=rng.randint(20, 200))).replace(year=TODAY.year - years),
            "unsubmitted": TODAY - D(days=rng.randint(15, 40)),
            "review": TODAY - D(days=rng.randint(3, 8)),
            "negotiating": TODAY,
        }[kind]
        stage = {"unsubmitted": "signed", "review": "submitted", "negotiating": "negotiating"}.get(
            kind, "effective"
        )
        name = employers[0].name if single else org.short_name or org.name
        c = _contract(org, f"{name}集体合同", employees, signed, years, stage,
                      scope="single" if single else "area", employer_side=covered[0].name)  # fmt: skip
        rows.append((c, covered, rng.randint(1, 3)))
        if single and kind == "in_force" and rng.random() < 0.3:
            rows.append((_contract(org, f"{name}工资专项集体合同", employees, signed + D(days=10), 1 if signed + D(days=375) > TODAY else 2,
                                   "effective", category="wage", employer_side=covered[0].name), covered[:1], 2))  # fmt: skip
    # township-wide 行业性 wage contracts: catering and building trades of each township's joint unions
    for town in sorted((o for o in orgs.values() if o.kind == OrgKind.TOWNSHIP_UNION), key=lambda o: o.path)[
        :6
    ]:
        emps = [
            e
            for o in active
            if o.path.startswith(town.path) and o.kind != OrgKind.GRASSROOTS
            for e in by_union[o.pk]
        ]
        if len(emps) >= 2:
            c = _contract(town, f"{town.short_name or town.name}餐饮行业工资专项集体合同", sum(e.employees for e in emps),
                          TODAY - D(days=rng.randint(60, 400)), 2, "effective", scope="industry", category="wage")  # fmt: skip
            rows.append((c, emps, 3))
    CollectiveContract.objects.bulk_create([c for c, _e, _r in rows], batch_size=500)
    covered_rows, rounds = [], []
    for c, emps, n_rounds in rows:
        covered_rows += [ContractEmployer(contract_id=c.pk, employer_id=e.pk) for e in emps]
        first = (c.signed_on or TODAY) - D(days=10 * n_rounds)
        rounds += [NegotiationRound(contract_id=c.pk, round_no=k + 1, held_on=first + D(days=10 * k),
                                    topics="工资增长幅度、工时与休息休假" if k == 0 else "劳动安全卫生、女职工特殊保护",
                                    outcome="达成一致" if k == n_rounds - 1 else "继续协商") for k in range(n_rounds)]  # fmt: skip
    ContractEmployer.objects.bulk_create(covered_rows, batch_size=1000)
    NegotiationRound.objects.bulk_create(rounds, batch_size=1000)
    return len(rows)


def _activities(rng: random.Random, active: list[Org]) -> int:
    rows = []
    kinds = list(ACTIVITIES)
    for org in active:
        for _k in range(rng.choice([0, 1, 2, 3, 4, 6, 8])):
            kind = rng.choice(kinds)
            held = _day(rng, TODAY - D(days=540), TODAY - D(days=1))
            a = Activity(kind=kind, held_on=held, title=rng.choice(ACTIVITIES[kind]), participants=rng.randint(8, 160),
                         source=ActivitySource.MANUAL, **_scope(org))  # fmt: skip
            if kind == codes.COMPETITION or (kind == codes.ANKANG and rng.random() < 0.5):
                a.result = rng.choice(RESULTS)
            if kind == codes.HOME:
                a.home_status = rng.choice(
                    [HomeStatus.BUILDING, HomeStatus.COUNTY, HomeStatus.COUNTY, HomeStatus.CITY]
                )
            rows.append(a)
    Activity.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _groups(rng: random.Random, active: list[Org]) -> int:
    members: dict[int, list[int]] = defaultdict(list)
    ids = [o.pk for o in active]
    for mid, org_id in (
        Membership.objects.filter(org_id__in=ids, status=MembershipStatus.ACTIVE).order_by("id").values_list("id", "org_id")
    ):  # fmt: skip
        members[org_id].append(mid)
    big = sorted((o for o in active if len(members[o.pk]) >= 40), key=lambda o: -len(members[o.pk]))[:25]
    groups, assign = [], []
    for org in big:
        ms = members[org.pk]
        n = min(4, max(2, len(ms) // 60))
        for k in range(n):
            g = UnionGroup(name=["生产一组", "生产二组", "后勤组", "管理组"][k], **_scope(org))
            groups.append((g, ms[k::n]))
    UnionGroup.objects.bulk_create([g for g, _m in groups], batch_size=500)
    leaders = []
    for g, ms in groups:
        assign += [
            GroupMember(group_id=g.pk, membership_id=m, assigned_on=TODAY - D(days=rng.randint(30, 700)))
            for m in ms
        ]
        g.leader_id = ms[0]
        leaders.append(g)
    GroupMember.objects.bulk_create(assign, batch_size=2000)
    bulk_set(leaders, ["leader"])
    return len(groups)

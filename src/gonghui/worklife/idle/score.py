"""The activity score of a grassroots union over the window (12 months by default) before a day,
from what gonghui records, and the reasons in words.

`gather(orgs, today)` reads the facts of many unions in a fixed number of grouped queries (the
nightly job scores a county's unions at once); `evaluate(facts, rules)` is pure: the points of
each component met, the total, and a reason for each component missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, QuerySet

from gonghui.orgs.models import Org
from gonghui.worklife.idle import conf


@dataclass
class Facts:
    """What the records say about one union as of `today`."""

    today: dt.date
    term_status: str = ""  # elections.selectors.status_of: active, due, overdue, founding, unknown
    overdue_days: int = 0  # days past the term's end, or past the founding election's deadline
    founding: bool = False  # 筹建 (no term yet)
    congresses: int = 0  # sessions held in the window (convened or covering one of its employers)
    contract_in_force: bool = False
    contract_ended_on: dt.date | None = None  # the last contract's end, when none is in force
    activities: int = 0
    joins: int = 0
    changes: int = 0  # member changes other than joins (transfers, leaving, person changes)
    services: int = 0
    accounts: int = 0
    logins: int = 0  # accounts of the union that logged in in the window
    extra: dict[str, Any] = field(default_factory=dict)


def evaluate(f: Facts, r: conf.Rules) -> tuple[int, dict[str, int], list[str]]:
    """(score 0–100, points per component, reasons in words for each component missed)."""
    w = r.weights
    parts: dict[str, int] = {}
    reasons: list[str] = []
    days = r.window_days
    months = round(days / 30.4)
    span = f"{months} 个月" if days % 365 else f"{days // 365 * 12} 个月"

    if f.term_status == "overdue":
        parts["election"] = 0
        if f.founding:
            reasons.append(f"筹建逾期 {f.overdue_days} 天未选举")
        else:
            reasons.append(f"届期逾期 {f.overdue_days} 天")
    elif f.term_status == "unknown":
        parts["election"] = 0
        reasons.append("无届期记录")
    else:
        parts["election"] = w["election"]

    parts["congress"] = w["congress"] if f.congresses else 0
    if not f.congresses:
        reasons.append(f"{span}未召开职代会")

    parts["contract"] = w["contract"] if f.contract_in_force else 0
    if not f.contract_in_force:
        if f.contract_ended_on is not None:
            reasons.append(f"集体合同已到期（{f.contract_ended_on:%Y-%m-%d}）")
        else:
            reasons.append("无集体合同")

    n = min(f.activities, r.min_activities)
    parts["activities"] = w["activities"] * n // r.min_activities
    if not f.activities:
        reasons.append(f"{span}无活动记录")
    elif f.activities < r.min_activities:
        reasons.append(f"{span}仅 {f.activities} 次活动记录")

    parts["members"] = w["members"] if (f.joins or f.changes) else 0
    if not (f.joins or f.changes):
        reasons.append(f"{span}无会员发展和变动记录")

    parts["services"] = w["services"] if f.services else 0
    if not f.services:
        reasons.append(f"{span}无服务职工记录")

    parts["logins"] = w["logins"] if f.logins else 0
    if not f.accounts:
        reasons.append("本会无系统账号")
    elif not f.logins:
        reasons.append(f"{span}本会账号未登录系统")

    total = sum(parts.values())
    score = round(100 * total / r.total) if r.total else 0
    return score, parts, reasons


# --- reading the facts -------------------------------------------------------------------


def _since(today: dt.date, r: conf.Rules) -> dt.date:
    return today - dt.timedelta(days=r.window_days - 1)


def _tally(qs: QuerySet[Any], key: str) -> dict[Any, int]:
    return {k: n for k, n in qs.order_by().values_list(key).annotate(n=Count("pk")) if k is not None}


def gather(orgs: Sequence[Org], today: dt.date, *, whole: bool = False) -> dict[int, Facts]:
    """Facts of `orgs` (grassroots unions) as of `today`. `whole`: the orgs are every union, so the
    queries read whole tables instead of `IN (...)` lists."""
    from gonghui.accounts.models import User
    from gonghui.care.models import Assistance, HardshipFile, ModelWorkerCare, TrainingCourse
    from gonghui.elections import conf as econf
    from gonghui.elections import selectors as esel
    from gonghui.members.models import Membership, MembershipEvent
    from gonghui.worklife.models import (
        Activity,
        CollectiveContract,
        CongressEmployer,
        CongressSession,
        ContractEmployer,
        ContractStatus,
    )

    r = conf.rules()
    since = _since(today, r)
    ids = [o.pk for o in orgs]
    paths = [o.path for o in orgs]
    by_path = {o.path: o.pk for o in orgs}

    def by_org(qs: QuerySet[Any], fld: str = "org") -> QuerySet[Any]:
        return qs if whole else qs.filter(**{f"{fld}__in": ids})

    def by_org_path(qs: QuerySet[Any], fld: str = "org_path") -> QuerySet[Any]:
        return qs if whole else qs.filter(**{f"{fld}__in": paths})

    due_days = econf.rules().due_days
    founding_days = econf.rules().founding_days
    out: dict[int, Facts] = {}
    for o in orgs:
        f = Facts(today=today)
        f.term_status = esel.status_of(o, today=today, due_days=due_days)
        f.founding = o.term_end is None and o.term_number is None and o.founded_on is not None
        if f.term_status == "overdue":
            if f.founding and o.founded_on is not None:
                f.overdue_days = (today - o.founded_on).days - founding_days
            elif o.term_end is not None:
                f.overdue_days = (today - o.term_end).days
        elif f.term_status == "founding":
            f.term_status = "active"  # within the founding period: not late
        out[o.pk] = f

    window = {"held_on__gte": since, "held_on__lte": today}
    for k, n in _tally(by_org(CongressSession.objects.filter(**window)), "org").items():
        if k in out:
            out[k].congresses += n
    for k, n in _tally(
        by_org(
            CongressEmployer.objects.filter(**{f"session__{a}": b for a, b in window.items()}),
            "employer__union",
        ),
        "employer__union",
    ).items():
        if k in out:
            out[k].congresses += n

    in_force = {"status": ContractStatus.EFFECTIVE, "start_on__lte": today, "end_on__gte": today}
    for k in by_org(CollectiveContract.objects.filter(**in_force)).values_list("org", flat=True):
        if k in out:
            out[k].contract_in_force = True
    for k in by_org(
        ContractEmployer.objects.filter(**{f"contract__{a}": b for a, b in in_force.items()}),
        "employer__union",
    ).values_list("employer__union", flat=True):
        if k in out:
            out[k].contract_in_force = True
    ended = {"status__in": [ContractStatus.EFFECTIVE, ContractStatus.TERMINATED], "end_on__lt": today}
    for k, last in (
        by_org(CollectiveContract.objects.filter(**ended))
        .order_by()
        .values_list("org")
        .annotate(m=Max("end_on"))
    ):
        _later(out, k, last)
    for k, last in (
        by_org(
            ContractEmployer.objects.filter(**{f"contract__{a}": b for a, b in ended.items()}),
            "employer__union",
        )
        .order_by()
        .values_list("employer__union")
        .annotate(m=Max("contract__end_on"))
    ):
        _later(out, k, last)

    for k, n in _tally(by_org(Activity.objects.filter(**window)), "org").items():
        if k in out:
            out[k].activities = n
    for k, n in _tally(
        by_org(Membership.objects.filter(joined_on__gte=since, joined_on__lte=today)), "org"
    ).items():
        if k in out:
            out[k].joins = n
    events = by_org_path(MembershipEvent.objects.filter(on__gte=since, on__lte=today).exclude(type="join"))
    for p, n in _tally(events, "org_path").items():
        if p in by_path:
            out[by_path[p]].changes = n
    for model, day in ((Assistance, "given_on"), (TrainingCourse, "starts_on"), (ModelWorkerCare, "on"),
                       (HardshipFile, "opened_on")):  # fmt: skip
        qs = by_org(model.objects.filter(**{f"{day}__gte": since, f"{day}__lte": today}))
        for k, n in _tally(qs, "org").items():
            if k in out:
                out[k].services += n
    users = by_org(User.objects.filter(is_active=True, org__isnull=False))
    for k, n in _tally(users, "org").items():
        if k in out:
            out[k].accounts = n
    logged = users.filter(last_login__date__gte=since)
    for k, n in _tally(logged, "org").items():
        if k in out:
            out[k].logins = n
    return out


def _later(out: dict[int, Facts], k: int | None, last: dt.date | None) -> None:
    if k in out and last is not None:
        f = out[k]
        if f.contract_ended_on is None or last > f.contract_ended_on:
            f.contract_ended_on = last


def score_of(org: Org, today: dt.date) -> tuple[int, dict[str, int], list[str]]:
    """One union's score (tests, the union's own page)."""
    return evaluate(gather([org], today)[org.pk], conf.rules())


def idle_order(rows: Iterable[Any]) -> list[Any]:
    """Idlest first: the lowest score, then the path."""
    return sorted(rows, key=lambda r: (r.score, r.org_path))

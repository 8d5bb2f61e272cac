"""Progress, live from the register: nothing is typed in that the register knows.

What each measure counts, in a unit's subtree (memberships sit on base unions; their `org_path`
makes a subtree one prefix range):

* members (新增会员（净增）) — net growth of active members in the period, from the history of
  会籍变化: +1 for 入会, 转入, 恢复会籍; −1 for 转出, 保留会籍, 退会, 除名 (seed 000 "净增").
  The same signed sum up to a date gives the baseline, so baseline + done = members at the end.
  A transfer between two units of the campaign is −1 for one and +1 for the other, 0 overall.
* migrant_members (新增农民工会员（净增）) — the same, for persons marked 农民工 (Person.is_migrant).
* unions (新建基层工会) — base unions (基层工会, 联合基层工会, 新就业形态工会) founded (建会时间) in the
  period, counted as formed (a later dissolution does not undo a formation). Baseline: base unions
  existing at the baseline date.
* real_name (实名登记完整的新会员) — members who joined (入会) in the period with a complete
  real-name record; baseline: members with complete records at the baseline date.

A complete real-name record (实名制, seed 000 "新增农民工会员全部实名登记"; seed 004 档案关) has:
姓名, 公民身份号码, 手机号, 工作单位, 户籍类型 (which decides 农民工) and 登记表编号. Every campaign
also shows the share of its new members (入会 in the period) whose record is complete.

Queries: the membership figures come from the per-day event counter (campaigns.EventDay, kept
in the write's transaction by `daycount`, issue 19): one query sums the period's rows of every unit
a page shows (its unit, the children, the allocated units), one reads the unit's daily rows for the
trend — a fixed count whatever the subtree's size, and nothing to recount after a write. The same
rows count base unions by founding and end date (新建基层工会).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from gonghui.campaigns import arithmetic as ar
from gonghui.campaigns.daycount import PLUS as PLUS
from gonghui.campaigns.daycount import complete_q as complete_q
from gonghui.campaigns.models import (
    Allocation,
    Campaign,
    EventDay,
    Measure,
    SplitMethod,
    SupervisionNote,
    WorkGroup,
)
from gonghui.campaigns.potentials import potentials_of as potentials_of  # the allocation page reads it here
from gonghui.orgs.models import Org, OrgStatus

REAL_NAME_FIELDS = ("姓名", "公民身份号码", "手机号", "工作单位", "户籍类型", "登记表编号")
# the EventDay columns of a measure: (done, joins, complete, stock at a date)
COLUMNS: dict[str, tuple[str, str, str, str]] = {
    Measure.MEMBERS: ("net", "joins", "complete", "net"),
    Measure.MIGRANT_MEMBERS: ("m_net", "m_joins", "m_complete", "m_net"),
    Measure.REAL_NAME: ("complete", "joins", "complete", "c_net"),
    Measure.UNIONS: ("founded", "zero", "zero", "founded"),  # the stock: baselines()
}
IN_CHUNK = 5000  # paths per IN (...): under every backend's parameter limit


def _sums(
    paths: Iterable[str], start: dt.date | None, until: dt.date, cols: Iterable[str]
) -> dict[str, dict[str, int]]:
    """Per path, the sums of `cols` over the days from `start` (or the first) to `until`."""
    wanted, cols = sorted(set(paths)), sorted(set(cols) - {"zero"})
    out: dict[str, dict[str, int]] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        qs = EventDay.objects.filter(path__in=wanted[i : i + IN_CHUNK], day__lte=until)
        if start is not None:
            qs = qs.filter(day__gte=start)
        sums = qs.order_by().values("path").annotate(**{f"s_{c}": Sum(c) for c in cols})
        for path, *values in sums.values_list("path", *(f"s_{c}" for c in cols)):
            out[path] = {"zero": 0, **{c: int(v or 0) for c, v in zip(cols, values, strict=True)}}
    return out


def org_under(prefix: str) -> Q:
    """Orgs whose `Org.path` starts with `prefix`, as the index range `core.fields.PathPrefix` uses
    for copied paths: treebeard's column is a plain CharField, whose LIKE scanned every org on
    SQLite (500,000 at province scale, 60 ms per campaign page; issue 19)."""
    return Q(path__gte=prefix, path__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


# --- figures per base union, rolled up ----------------------------------------------------


@dataclass
class Figures:
    done: int = 0
    joins: int = 0  # 入会 in the period (new members), for the real-name share
    complete: int = 0  # of those, with a complete real-name record

    def add(self, other: Figures) -> None:
        self.done += other.done
        self.joins += other.joins
        self.complete += other.complete


def period_figures(measure: str, paths: Iterable[str], start: dt.date, until: dt.date) -> dict[str, Figures]:
    """Figures of the period for each of `paths`: one query over the counter's rows (the rows of
    each path already hold its whole subtree)."""
    if until < start:
        return {}
    done, joins, complete, _stock = COLUMNS[measure]
    sums = _sums(paths, start, until, (done, joins, complete))
    return {p: Figures(done=r[done], joins=r[joins], complete=r[complete]) for p, r in sums.items()}


def baselines(measure: str, paths: Iterable[str], on: dt.date) -> dict[str, int]:
    """The measure's stock at the end of day `on` for each of `paths`: the counter's rows up to that
    day (base unions: founded minus ended)."""
    if measure == Measure.UNIONS:
        return {p: r["founded"] - r["ended"] for p, r in _sums(paths, None, on, ("founded", "ended")).items()}
    stock = COLUMNS[measure][3]
    return {p: r[stock] for p, r in _sums(paths, None, on, (stock,)).items()}


def rollup(rows: dict[str, Any], top: str) -> dict[str, Any]:
    """Sum per-path values into every prefix from `top` down (paths grow by Org.steplen)."""
    step = Org.steplen
    out: dict[str, Any] = {}
    for path, value in rows.items():
        for k in range(len(top), len(path) + 1, step):
            prefix = path[:k]
            if isinstance(value, Figures):
                out.setdefault(prefix, Figures()).add(value)
            else:
                out[prefix] = out.get(prefix, 0) + value
    return out


def baseline_total(measure: str, org: Org, on: dt.date) -> int:
    return max(0, baselines(measure, [org.path], on).get(org.path, 0))


def baselines_of(measure: str, orgs: Iterable[Org], on: dt.date) -> dict[int, int]:
    orgs = list(orgs)
    totals = baselines(measure, [o.path for o in orgs], on)
    return {o.pk: max(0, totals.get(o.path, 0)) for o in orgs}


# --- the board: a unit, its children, its groups -------------------------------------------


@dataclass
class Unit:
    org: Org
    target: int | None
    done: int
    joins: int
    complete: int
    time: Fraction
    margin: Any
    baseline: int | None = None
    allocation: Allocation | None = None
    rank: int | None = None
    group: WorkGroup | None = None

    @cached_property  # the page reads each a few times per row
    def ratio(self) -> Fraction | None:
        return ar.completion(self.done, self.target)

    @cached_property
    def pct(self) -> float | None:
        return ar.percent(self.ratio)

    @cached_property
    def behind(self) -> bool:
        return ar.is_behind(self.done, self.target, self.time, self.margin)

    @cached_property
    def gap(self) -> float:
        """Percentage points behind time progress (positive: behind)."""
        r = self.ratio
        return float((self.time - r) * 100) if r is not None else 0.0

    @cached_property
    def realname_pct(self) -> float | None:
        return ar.percent(Fraction(self.complete, self.joins)) if self.joins else None

    @property
    def is_split(self) -> bool:
        return bool(self.allocation and self.allocation.split_method)

    @property
    def remaining(self) -> int | None:
        return max(0, self.target - self.done) if self.target is not None else None


@dataclass
class Group:
    group: WorkGroup
    units: list[Unit]
    time: Fraction
    margin: Any

    @property
    def target(self) -> int:
        return sum(u.target or 0 for u in self.units)

    @property
    def done(self) -> int:
        return sum(u.done for u in self.units)

    @property
    def pct(self) -> float | None:
        return ar.percent(ar.completion(self.done, self.target))

    @property
    def behind(self) -> bool:
        return ar.is_behind(self.done, self.target, self.time, self.margin)

    @property
    def behind_units(self) -> list[Unit]:
        return [u for u in self.units if u.behind]


@dataclass
class Board:
    campaign: Campaign
    on: dt.date
    time: Fraction
    root: Unit
    children: list[Unit]
    units: dict[str, Unit] = field(default_factory=dict)  # every allocated unit under the root, by path
    groups: list[Group] = field(default_factory=list)

    @property
    def time_pct(self) -> float:
        return ar.percent(self.time) or 0.0

    @property
    def until(self) -> dt.date:
        return min(self.campaign.ends_on, self.on)

    @property
    def behind(self) -> list[Unit]:
        return sorted((u for u in self.units.values() if u.behind), key=lambda u: (-u.gap, u.org.path))

    @property
    def finished(self) -> bool:
        return self.on >= self.campaign.ends_on

    @property
    def started(self) -> bool:
        return self.on >= self.campaign.starts_on


def board(
    campaign: Campaign,
    *,
    root: Org | None = None,
    on: dt.date | None = None,
    with_groups: bool = True,
) -> Board:
    """Everything a campaign page shows for one unit: its own progress, its children's (ranked),
    and every allocated unit below it (for groups and behind lists): one query over the counter's
    rows for all of them."""
    root = root or campaign.org
    on = on or timezone.localdate()
    time = ar.time_progress(campaign.starts_on, campaign.ends_on, on)
    until = min(campaign.ends_on, on)
    margin = campaign.behind_margin
    allocations = {
        a.org_path: a
        for a in Allocation.objects.filter(campaign=campaign, org_path__startswith=root.path).select_related(
            "org", "split_by"
        )
    }
    child_orgs = {
        o.path: o
        for o in Org.objects.filter(org_under(root.path), depth=root.depth + 1, status=OrgStatus.ACTIVE)
    }
    for path, a in allocations.items():
        if a.org.depth == root.depth + 1:
            child_orgs.setdefault(path, a.org)
    paths = {root.path, *allocations, *child_orgs}

    figures = period_figures(campaign.measure, paths, campaign.starts_on, until)

    def unit(org: Org) -> Unit:
        a = allocations.get(org.path)
        f = figures.get(org.path) or Figures()
        return Unit(org=org, target=a.target if a else None, done=f.done, joins=f.joins, complete=f.complete, time=time,
                    margin=margin, baseline=a.baseline if a else None, allocation=a)  # fmt: skip

    units = {path: unit(a.org) for path, a in allocations.items()}
    top = units.get(root.path) or unit(root)
    children = [units.get(p) or unit(o) for p, o in sorted(child_orgs.items())]
    for u, r in zip(children, ar.competition_rank([u.ratio for u in children]), strict=True):
        u.rank = r
    result = Board(campaign=campaign, on=on, time=time, root=top, children=children, units=units)
    if with_groups and root.pk == campaign.org_id:
        result.groups = _groups(campaign, units, unit, time)
    return result


def _groups(campaign: Campaign, units: dict[str, Unit], make: Any, time: Fraction) -> list[Group]:
    out = []
    for g in WorkGroup.objects.filter(campaign=campaign).prefetch_related("units__org"):
        members = []
        for gu in sorted(g.units.all(), key=lambda x: x.org.path):
            u = units.get(gu.org.path) or make(gu.org)
            u.group = g
            members.append(u)
        out.append(Group(group=g, units=members, time=time, margin=campaign.behind_margin))
    return out


def trend(campaign: Campaign, root: Org, *, on: dt.date | None = None) -> dict[str, list[Any]]:
    """Daily cumulative progress of `root` from the start to today (or the end), with the
    序时 line (the target × time progress of each day) — the unit's daily counter rows, one query."""
    on = on or timezone.localdate()
    until = min(campaign.ends_on, on)
    if until < campaign.starts_on:
        return {"dates": [], "done": [], "plan": []}
    target = Allocation.objects.filter(campaign=campaign, org=root).values_list("target", flat=True).first()
    per_day = _per_day(campaign, root, until)
    dates, done, plan = [], [], []
    total, days = 0, ar.period_days(campaign.starts_on, campaign.ends_on)
    day = campaign.starts_on
    while day <= until:
        total += per_day.get(day) or 0
        dates.append(day.isoformat())
        done.append(total)
        if target is not None:  # target × time progress, as time_progress counts the days
            plan.append(round(target * min(max((day - campaign.starts_on).days + 1, 0), days) / days, 1))
        day += dt.timedelta(days=1)
    return {"dates": dates, "done": done, "plan": plan}


def _per_day(campaign: Campaign, root: Org, until: dt.date) -> dict[dt.date, int]:
    done = COLUMNS[campaign.measure][0]
    rows = EventDay.objects.filter(path=root.path, day__gte=campaign.starts_on, day__lte=until)
    return dict(rows.values_list("day", done))


def root_done(campaign: Campaign, root: Org, *, on: dt.date | None = None) -> int:
    """The unit's total only (one aggregate query): for lists."""
    return roots_done([(campaign, root)], on=on)[campaign.pk]


def roots_done(rows: list[tuple[Campaign, Org]], *, on: dt.date | None = None) -> dict[int, int]:
    """`root_done` for many (campaign, unit) pairs at once: one aggregate over the counter's rows,
    whatever the number of campaigns (the campaign list)."""
    on = on or timezone.localdate()
    event_sums: dict[str, Any] = {}
    paths: set[str] = set()
    for campaign, root in rows:
        until = min(campaign.ends_on, on)
        if until < campaign.starts_on:
            continue
        key = f"c{campaign.pk}"
        paths.add(root.path)
        cond = Q(path=root.path, day__gte=campaign.starts_on, day__lte=until)
        event_sums[key] = Sum(COLUMNS[campaign.measure][0], filter=cond)
    done: dict[str, Any] = {}
    if event_sums:
        done.update(EventDay.objects.filter(path__in=paths).order_by().aggregate(**event_sums))
    return {campaign.pk: int(done.get(f"c{campaign.pk}") or 0) for campaign, _root in rows}


def notes_under(campaign: Campaign, root: Org) -> QuerySet[SupervisionNote]:
    return SupervisionNote.objects.filter(campaign=campaign, org_path__startswith=root.path).select_related(
        "org", "group", "written_by"
    )


def split_choices_help() -> dict[str, str]:
    return {m.value: str(m.label) for m in SplitMethod}


# --- who sees what -------------------------------------------------------------------------


def campaigns_for(scope: str) -> QuerySet[Campaign]:
    """Campaigns a user with scope path `scope` sees: those run inside the scope, and those run
    above it (the user sees their own part)."""
    above = [scope[:k] for k in range(Org.steplen, len(scope) + 1, Org.steplen)]
    return Campaign.objects.filter(Q(org_path__startswith=scope) | Q(org_path__in=above)).select_related(
        "org"
    )


def _behind_units(c: Campaign, root: Org, on: dt.date) -> tuple[Any, list[Unit]]:
    """Board and units behind, nearest levels first: cached a minute for the home page (issue 19);
    a miss reads the period's figures from the counter."""
    key = f"campaign-behind:{c.pk}:{c.updated_at.timestamp() if c.updated_at else 0}:{root.path}:{on.isoformat()}"
    if (hit := cache.get(key)) is not None:
        return hit  # type: ignore[no-any-return]
    b = board(c, root=root, on=on, with_groups=False)
    units = sorted(b.behind, key=lambda u: (u.org.depth, -u.gap, u.org.path))
    for u in units:
        u.allocation = None  # the list needs the org and figures only: less to pickle on every hit
    cache.set(key, out := (SimpleNamespace(time_pct=b.time_pct), units), 60)
    return out


def behind_for(user: Any, *, on: dt.date | None = None, limit: int = 8) -> list[dict[str, Any]]:
    """The home page's list: per running campaign the user sees, its units behind time progress."""
    from gonghui.core import access

    if not access.has_perm(user, access.Perm.VIEW):
        return []
    scope = access.scope_path(user)
    on = on or timezone.localdate()
    out = []
    for c in campaigns_for(scope).filter(starts_on__lte=on, ends_on__gte=on).order_by("ends_on", "id"):
        root = c.org if c.org_path.startswith(scope) else user.org
        b, behind = _behind_units(c, root, on)
        # one level below the user's own unit (townships for a county), or the own unit alone
        below = [u for u in behind if u.org.depth > root.depth] or behind
        top = min((u.org.depth for u in below), default=0)
        behind = sorted((u for u in below if u.org.depth == top), key=lambda u: (-u.gap, u.org.path))
        if behind:
            out.append(
                {"campaign": c, "board": b, "units": behind[:limit], "more": max(0, len(behind) - limit)}
            )
    return out

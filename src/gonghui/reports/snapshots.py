"""Daily snapshots of the register's history for unions with units under them (issue 7).

The maintained counters (OrgCounter) answer "how many now" for any subtree in one row. History —
members on the same day last year, at the start of the statistical year, at each year's end, and
the new-employment groups — is counted from the register's join and end dates. For a township
that is a few milliseconds; for a province of ten million members it is a scan of the register.
So for every union that has units under it, the figures at a date are computed once and kept:

* `ensure(on)` (the daily job, `gonghui stats --snapshot`) computes `on` itself and whichever
  of the dates a dashboard for `on` compares with are missing (each year's end since
  FIRST_YEAR, the same day last year, the eve of the statistical year);
* the last 30 September, every org's own figures that day, for the annual report
  (reports/yearend.py), once;
* the dashboard (reports.selectors) reads them for every union with units under it (issue 19:
  a county of 100,000 members counted live took 0.5 s a view; GONGHUI_DASHBOARD_LIVE_LIMIT, default
  0, can still have small subtrees counted live). A base union has no snapshot: its own rows are
  counted through the path index (one union's members, not a subtree's).

A snapshot holds the register as it stood on its day: a township moved to another county later
keeps counting under the old county in the years before the move — the figures reported then.
Members include 保留会籍 (the register keeps no date for the switch), as `members_at` does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Length, Substr
from django.utils import timezone

from gonghui.orgs.models import Org, OrgStatus
from gonghui.reports.counters import ancestors_and_self
from gonghui.reports.periods import same_day_last_year, statistical_year_eve

FIRST_YEAR = 2005
STEP = Org.steplen


def live_limit() -> int:
    return int(getattr(settings, "GONGHUI_DASHBOARD_LIVE_LIMIT", 0))


def dates_for(on: dt.date) -> list[dt.date]:
    """The dates a dashboard on `on` reads: `on`, a year before, the statistical year's eve, year ends."""
    ends = [dt.date(y, 12, 31) for y in range(FIRST_YEAR, on.year)]
    return sorted({on, same_day_last_year(on), statistical_year_eve(on), *ends})


def _parents() -> dict[str, int]:
    """Paths (→ org id) of the active unions that have units under them."""
    return dict(Org.objects.filter(numchild__gt=0, status=OrgStatus.ACTIVE).values_list("path", "id"))


def _rolled_up(rows: Iterable[tuple[str, dict[str, int]]], parents: dict[str, int]) -> dict[str, Tally[str]]:
    out: dict[str, Tally[str]] = {p: Tally() for p in parents}
    for path, figs in rows:
        for anc in ancestors_and_self(path):
            t = out.get(anc)
            if t is not None:
                t.update(figs)
    return out


def compute(dates: Iterable[dt.date], parents: dict[str, int]) -> dict[dt.date, dict[str, Tally[str]]]:
    """Members and migrant members of each parent's subtree on each of `dates`, from the
    register's join and end dates — in one grouped query per tree depth, whatever the number of
    dates: each membership falls in the dates from the first on or after it joined up to (not
    including) the first on or after it ended; the database groups by (ancestor, those two), and
    the counts per date are running sums of the groups' starts and ends."""
    from gonghui.members.models import Membership

    days = sorted(set(dates))
    if not days or not parents:
        return {d: {p: Tally() for p in parents} for d in days}

    def bucket(field: str) -> Case:
        return Case(*[When(**{f"{field}__lte": d}, then=Value(i)) for i, d in enumerate(days)],
                    default=Value(len(days)), output_field=IntegerField())  # fmt: skip

    starts: dict[str, list[list[int]]] = {p: [[0, 0] for _ in range(len(days) + 1)] for p in parents}
    for depth in sorted({len(p) // STEP for p in parents}):
        qs = (
            Membership.objects.annotate(path_len=Length("org_path"))
            .filter(path_len__gte=depth * STEP)  # members at or below this depth
            .annotate(
                prefix=Substr("org_path", 1, depth * STEP), jb=bucket("joined_on"), eb=bucket("ended_on")
            )
            .filter(jb__lt=F("eb"))
            .order_by()
            .values("prefix", "jb", "eb")
            .annotate(n=Count("id"), migrant=Count("id", filter=Q(person__is_migrant=True)))
        )
        for r in qs.iterator(chunk_size=10_000):
            arr = starts.get(r["prefix"])
            if arr is None:
                continue
            arr[r["jb"]][0] += r["n"]
            arr[r["jb"]][1] += r["migrant"]
            arr[r["eb"]][0] -= r["n"]
            arr[r["eb"]][1] -= r["migrant"]
    out: dict[dt.date, dict[str, Tally[str]]] = {d: {} for d in days}
    for p, arr in starts.items():
        members = migrant = 0
        for i, d in enumerate(days):
            members += arr[i][0]
            migrant += arr[i][1]
            out[d][p] = Tally({"members": members, "migrant_members": migrant})
    return out


def compute_groups(parents: dict[str, int]) -> dict[str, Tally[str]]:
    """Current members of each new-employment group, per parent's subtree (today only)."""
    from gonghui.members.models import Membership

    qs = (
        Membership.objects.filter(status="active")
        .exclude(person__new_employment_group="")
        .order_by()
        .values("org_path", "person__new_employment_group")
        .annotate(n=Count("id"))
    )
    rows = (
        (r["org_path"], {r["person__new_employment_group"]: r["n"]}) for r in qs.iterator(chunk_size=10_000)
    )
    return _rolled_up(rows, parents)


def store(
    on: dt.date, figures: dict[str, Tally[str]], parents: dict[str, int], groups: dict[str, Tally[str]] | None
) -> int:
    from gonghui.reports.models import Snapshot

    objs = [
        Snapshot(org_id=parents[p], on=on, members=f.get("members", 0), migrant_members=f.get("migrant_members", 0),
                 groups=dict(groups[p]) if groups is not None else None)
        for p, f in figures.items()
    ]  # fmt: skip
    with transaction.atomic():
        Snapshot.objects.filter(on=on).delete()
        Snapshot.objects.bulk_create(objs, batch_size=5000)
    return len(objs)


def ensure(on: dt.date | None = None, *, log: Any = None) -> dict[str, Any]:
    """Take the snapshot of `on` (default today) and any missing date a dashboard on `on` reads."""
    from gonghui.reports.models import Snapshot

    on = on or timezone.localdate()
    parents = _parents()
    have = set(Snapshot.objects.filter(on__in=dates_for(on)).values_list("on", flat=True).distinct())
    todo = [d for d in dates_for(on) if d == on or d not in have]
    figures = compute(todo, parents)
    groups = compute_groups(parents)
    rows = sum(store(d, figures[d], parents, groups if d == on else None) for d in todo)
    from gonghui.reports import yearend

    year_end = statistical_year_eve(on)  # the annual report's day, kept once (reports/yearend.py)
    rows += yearend.ensure(year_end)
    if log:
        log(f"snapshots of {len(todo)} dates for {len(parents)} unions")
    return {
        "on": on.isoformat(),
        "dates": [d.isoformat() for d in todo],
        "unions": len(parents),
        "rows": rows,
    }


def latest(org: Org) -> Any:
    """The union's newest daily snapshot (the one holding the groups), or None."""
    from gonghui.reports.models import Snapshot

    return Snapshot.objects.filter(org=org, groups__isnull=False).order_by("-on").first()


def at(org: Org, dates: Iterable[dt.date]) -> dict[dt.date, Any]:
    from gonghui.reports.models import Snapshot

    return {s.on: s for s in Snapshot.objects.filter(org=org, on__in=list(dates))}

"""Reads for dashboards and the annual report. Figures of a subtree come from the maintained
counters (one row); what counters can't hold (history, groups) is a grouped query over the
subtree's prefix range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from gonghui.orgs.models import Org, OrgKind, OrgStatus
from gonghui.orgs.selectors import rate, subtree_stats
from gonghui.reports import snapshots
from gonghui.reports.models import FIELDS, OrgCounter
from gonghui.reports.periods import same_day_last_year, statistical_year, statistical_year_eve


def children_figures(org: Org) -> list[dict[str, Any]]:
    """Each active child with its subtree counters, in tree order: one query."""
    children = list(
        Org.objects.get_children(org).filter(status=OrgStatus.ACTIVE).order_by("path")
        .only("path", "depth", "numchild", "code", "name", "short_name", "kind")
    )  # fmt: skip
    rows = {
        r["path"]: r
        for r in OrgCounter.objects.filter(path__in=[c.path for c in children]).values("path", *FIELDS)
    }
    out, kinds = [], dict(OrgKind.choices)  # get_kind_display re-hashes the choices on every call
    for c in children:
        figs = {f: rows[c.path][f] for f in FIELDS} if c.path in rows else dict.fromkeys(FIELDS, 0)
        out.append({
            "code": c.code, "name": c.short_name or c.name, "full_name": c.name, "kind": c.kind,
            "kind_label": kinds.get(c.kind, c.kind), "has_children": c.numchild > 0, **figs,
            "unionisation_rate": rate(figs["coverage_covered"], figs["coverage_denominator"]),
            "membership_rate": rate(figs["members"], figs["unionised_employees"]),
            "migrant_membership_rate": rate(figs["migrant_members"], figs["unionised_migrant_employees"]),
        })  # fmt: skip
    return out


def members_at(org: Org, on: dt.date) -> dict[str, int]:
    """Members of the subtree on a past date (保留会籍 included: the register keeps no date for
    the switch between working and retained), from the register's join and end dates."""
    from gonghui.members.models import Membership

    qs = Membership.objects.filter(org_path__startswith=org.path, joined_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )
    agg = qs.aggregate(members=Count("id"), migrant=Count("id", filter=Q(person__is_migrant=True)))
    return {"members": agg["members"], "migrant_members": agg["migrant"]}


def members_by_year(
    org: Org, *, first_year: int = snapshots.FIRST_YEAR, today: dt.date | None = None
) -> list[dict[str, int]]:
    """Members at each year's end (and today for the current year): joins minus ends, cumulative.
    Two grouped queries over the subtree, whatever its size in years."""
    from gonghui.members.models import Membership

    today = today or timezone.localdate()
    base = Membership.objects.filter(org_path__startswith=org.path).order_by()
    joins = dict(
        base.annotate(y=ExtractYear("joined_on")).values("y").annotate(n=Count("id")).values_list("y", "n")
    )
    ends = dict(
        base.filter(ended_on__isnull=False)
        .annotate(y=ExtractYear("ended_on"))
        .values("y")
        .annotate(n=Count("id"))
        .values_list("y", "n")
    )
    before = sum(n for y, n in joins.items() if y < first_year) - sum(
        n for y, n in ends.items() if y < first_year
    )
    out, running = [], before
    for year in range(first_year, today.year + 1):
        running += joins.get(year, 0) - ends.get(year, 0)
        out.append({"year": year, "members": running})
    return out


def new_employment_groups(org: Org) -> list[dict[str, Any]]:
    from gonghui.members.models import Membership

    rows = (
        Membership.objects.filter(org_path__startswith=org.path, status="active")
        .exclude(person__new_employment_group="")
        .order_by()
        .values_list("person__new_employment_group")
        .annotate(n=Count("id"))
    )
    return _group_rows(dict(rows))


def _group_rows(counts: dict[str, int]) -> list[dict[str, Any]]:
    from gonghui.members import codes

    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        {"code": c, "name": codes.label(codes.Table.NEW_EMPLOYMENT, c), "members": n} for c, n in ranked if n
    ]


def dashboard(org: Org, *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the dashboard page shows. Current figures come from the counters; history and
    groups of a union with units under it are read from the daily snapshots (reports/snapshots.py;
    counted live only for subtrees up to GONGHUI_DASHBOARD_LIVE_LIMIT members, default 0, and for
    a date a snapshot is missing for). A base union has no snapshots: its own rows are counted
    through the path index — one union's members, never a subtree's (issue 19)."""
    today = today or timezone.localdate()
    stats = subtree_stats(org)
    now = stats["members"] + stats["retained_members"]
    snap = None
    if org.numchild > 0 and now > snapshots.live_limit():
        snap = snapshots.latest(org)
    ref = snap.on if snap is not None else today
    year_start, _year_end = statistical_year(ref)
    last_year = same_day_last_year(ref)
    eve = statistical_year_eve(ref)
    if snap is not None:
        kept = snapshots.at(org, snapshots.dates_for(ref))

        def at(on: dt.date) -> dict[str, int]:
            s = kept.get(on)
            return {"members": s.members, "migrant_members": s.migrant_members} if s else members_at(org, on)

        then, at_year_start, at_ref = (
            at(last_year),
            at(eve),
            {"members": snap.members, "migrant_members": snap.migrant_members},
        )
        by_year = [
            {"year": y, "members": at(dt.date(y, 12, 31))["members"]}
            for y in range(snapshots.FIRST_YEAR, ref.year)
        ]
        by_year.append({"year": ref.year, "members": snap.members})
        groups = _group_rows(snap.groups or {})
        base = snap.members
    else:
        then, at_year_start, at_ref = members_at(org, last_year), members_at(org, eve), members_at(org, today)
        by_year = members_by_year(org, today=today)
        groups = new_employment_groups(org)
        base = now
    return {
        "org": org,
        "stats": stats,
        "today": today,
        "history_as_of": ref if snap is not None else None,
        "statistical_year": year_start,
        "compare": {
            "last_year_date": last_year,
            "members_last_year": then["members"],
            "members_now": base,
            "members_change": base - then["members"],
            "migrant_last_year": then["migrant_members"],
            "migrant_change": at_ref["migrant_members"] - then["migrant_members"],
            "members_year_start": at_year_start["members"],
            "members_this_year": base - at_year_start["members"],
        },
        "children": children_figures(org),
        "by_year": by_year,
        "groups": groups,
    }

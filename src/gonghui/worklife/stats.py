"""The working life's figures in `gonghui stats --json`, the API's stats and the dashboard
(issue 14 item 7), read from the maintained counters: two rows (LifeCounter, OrgCounter) and the
trend's twelve, whatever the subtree's size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.worklife.models_idle import LIFE_FIELDS, IdleTrend, LifeCounter, UnionLife


def rate(numerator: int, denominator: int) -> float | None:
    return round(min(numerator, denominator) / denominator, 4) if denominator else None


def figures(org: Org) -> dict[str, int]:
    row = LifeCounter.objects.filter(path=org.path).first()
    return row.figures() if row else dict.fromkeys(LIFE_FIELDS, 0)


def as_of(org: Org) -> dt.date | None:
    """The day of the last scoring in the subtree (the nightly job's)."""
    row = UnionLife.objects.filter(org_path__startswith=org.path).order_by("-as_of").values("as_of").first()
    return row["as_of"] if row else None


def sections(org: Org) -> dict[str, Any]:
    from gonghui.reports.counters import subtree_figures

    c = figures(org)
    base = subtree_figures(org.path)
    return {
        "collective_contracts": {
            "in_force": c["contracts_in_force"],
            "employers_covered": c["employers_covered"],
            "employees_covered": c["employees_covered"],
            # employees of comprehensive contracts in force ÷ employees of the subtree's employers
            "coverage_rate": rate(c["employees_covered"], base["employees"]),
        },
        "workers_congress": {
            # unionised employers whose workers' congress met this calendar year ÷ unionised employers
            "employers_held": c["employers_held"],
            "rate": rate(c["employers_held"], base["unionised_employers"]),
        },
        "activities": c["activities"],  # activities held in the last 12 months (the window)
        "idle_unions": c["idle_unions"],
    }


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def trend(org: Org, months: int = 12) -> list[dict[str, Any]]:
    """Idle unions of the subtree at the end of each of the last `months` months recorded."""
    rows = IdleTrend.objects.filter(path=org.path).order_by("-month")[:months]
    return [{"month": r.month.strftime("%Y-%m"), "idle": r.idle, "unions": r.unions} for r in reversed(rows)]


def record_trend(today: dt.date | None = None) -> int:
    """Write this month's point for every org with a counter (the nightly job; the last run of a
    month leaves the month-end figure)."""
    today = today or timezone.localdate()
    month = month_start(today)
    counters = list(
        LifeCounter.objects.filter(unions_scored__gt=0).values_list("path", "idle_unions", "unions_scored")
    )
    have = {t.path: t for t in IdleTrend.objects.filter(month=month)}
    create, update = [], []
    for path, idle, unions in counters:
        t = have.get(path)
        if t is None:
            create.append(IdleTrend(path=path, month=month, idle=idle, unions=unions))
        elif (t.idle, t.unions) != (idle, unions):
            t.idle, t.unions = idle, unions
            update.append(t)
    IdleTrend.objects.bulk_create(create, batch_size=1000, ignore_conflicts=True)
    IdleTrend.objects.bulk_update(update, ["idle", "unions"], batch_size=1000)
    return len(create) + len(update)


def panel(org: Org, user: Any) -> dict[str, Any] | None:
    from gonghui.core import access

    if not access.has_perm(user, access.Perm.VIEW):
        return None
    s = sections(org)
    points = trend(org)
    top = max([p["idle"] for p in points] or [0]) or 1
    for p in points:
        p["pct"] = round(100 * p["idle"] / top)
    return {"org": org, "s": s, "trend": points, "as_of": as_of(org)}


def register() -> None:
    from gonghui.core import extensions

    def section(key: str) -> Any:
        def fn(org: Org, user: Any) -> Any:
            if user is not None:
                from gonghui.core import access

                if not (access.has_perm(user, access.Perm.VIEW) and access.in_scope(user, org.path)):
                    return None
            return sections(org)[key]

        return fn

    for key in ("collective_contracts", "workers_congress", "activities", "idle_unions"):
        extensions.stats_section(key)(section(key))
    extensions.dashboard_panel("worklife/idle_panel.html", panel)

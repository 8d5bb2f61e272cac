"""The working life's figures in `gonghui stats --json`, the API's stats and the dashboard
(issue 14 item 7), read from the maintained counters: two rows (LifeCounter, OrgCounter) and the
trend's twelve, whatever the subtree's size."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.core.db import bulk_set
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
    bulk_set(update, ["idle", "unions"])
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


# --- the annual report's lines (reports/annual.py) ----------------------------------------


def annual_lines(rep: dict[str, Any]) -> list[str]:
    """The annual report's lines on the working life: the year's totals of `annual_table`."""
    from django.utils.translation import gettext as _

    t = annual_table(rep)["rows"][-1]
    return [
        _("工会工作：截至 %(d)s 有效集体合同 %(c)d 份，覆盖用人单位 %(e)d 家；本统计年度召开职代会的已建会单位 %(h)d 家，"
          "开展工会活动 %(a)d 次（按各单位录入的记录统计）。") % {"d": rep["as_of"].isoformat(), "c": t[1], "e": t[2], "h": t[3], "a": t[4]}
    ]  # fmt: skip


def annual_table(rep: dict[str, Any]) -> dict[str, Any]:
    """Per row of the annual report (the org's children, and its own level), the working life
    of the statistical year: collective contracts in force on the report's day and the employers
    they cover, unionised employers whose workers' congress met in the year, activities held in the
    year. Read from the records as of that day (a past year's counters are not kept): five grouped
    queries over the subtree, for a report, not a page."""
    from django.utils.translation import gettext as _

    from gonghui.worklife.models import (
        Activity,
        CollectiveContract,
        CongressEmployer,
        ContractEmployer,
        ContractStatus,
    )

    org, on = rep["org"], rep["as_of"]
    try:
        start = on.replace(year=on.year - 1) + dt.timedelta(days=1)  # the statistical year ending `on`
    except ValueError:  # 29 February
        start = on.replace(year=on.year - 1, day=28) + dt.timedelta(days=1)
    step = Org.steplen
    depth = len(org.path) + step
    codes = {r["org"]["code"] for r in rep["rows"]}
    child_paths = dict(
        Org.objects.filter(code__in=codes, path__startswith=org.path).values_list("path", "code")
    )

    def row_of(path: str | None) -> str:
        if path and len(path) >= depth and path[:depth] in child_paths:
            return child_paths[path[:depth]]
        return org.code

    figs: dict[str, dict[str, int]] = {
        c: dict.fromkeys(("contracts", "employers", "held", "activities"), 0) for c in codes
    }
    figs.setdefault(org.code, dict.fromkeys(("contracts", "employers", "held", "activities"), 0))
    in_force = {"status": ContractStatus.EFFECTIVE, "start_on__lte": on, "end_on__gte": on}
    for p in CollectiveContract.objects.filter(org_path__startswith=org.path, **in_force).values_list(
        "org_path", flat=True
    ):
        figs[row_of(p)]["contracts"] += 1
    covered = (
        ContractEmployer.objects.filter(**{f"contract__{k}": v for k, v in in_force.items()})
        .filter(contract__org_path__startswith=org.path)
        .order_by()
        .values_list("employer", "employer__union__path", "employer__area_path")
        .distinct()
    )
    for _e, union_path, area_path in covered:
        figs[row_of(union_path or area_path)]["employers"] += 1
    held = (
        CongressEmployer.objects.filter(
            session__held_on__gte=start, session__held_on__lte=on, employer__union__path__startswith=org.path
        )  # fmt: skip
        .order_by()
        .values_list("employer", "employer__union__path")
        .distinct()
    )
    for _e, union_path in held:
        figs[row_of(union_path)]["held"] += 1
    for p in Activity.objects.filter(
        org_path__startswith=org.path, held_on__gte=start, held_on__lte=on
    ).values_list("org_path", flat=True):
        figs[row_of(p)]["activities"] += 1

    def line(name: str, f: dict[str, int]) -> list[Any]:
        return [name, f["contracts"], f["employers"], f["held"], f["activities"]]

    rows = [line(r["org"]["name"], figs[r["org"]["code"]]) for r in rep["rows"] if r["org"]["code"] in figs]
    if org.code not in codes and any(figs[org.code].values()):  # the level's own contracts, activities
        rows.append(line(_("%(org)s本级") % {"org": org.short_name or org.name}, figs[org.code]))
    total = {k: sum(f[k] for f in figs.values()) for k in ("contracts", "employers", "held", "activities")}
    return {
        "title": _("表四 工会工作情况（集体合同、职代会、工会活动）"),
        "head": [
            _("单位"),
            _("有效集体合同"),
            _("集体合同覆盖单位"),
            _("本年度召开职代会的已建会单位"),
            _("本年度工会活动"),
        ],
        "rows": [*rows, line(_("合计"), total)],
    }

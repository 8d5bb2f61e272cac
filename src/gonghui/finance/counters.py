"""FinanceCounter kept exact: deltas applied to an org and its ancestors in the caller's transaction,
a recount from the rows, and the check and rebuild `gonghui stats --verify/--rebuild` run.

Definitions (the recount is the definition; the actions keep the counters equal to it):
- members_paying (per year): memberships with at least one dues payment for a month of that year
  (counted per union: a member who paid in two unions that year counts in each);
- collected_fen (per year): dues paid for the months of that year;
- in_arrears_6m (year 0): dues accounts flagged by the last arrears check (`dues_arrears_refresh`);
- due_fen (per year): union funds due for the periods starting in that year;
- paid_fen (per year): union funds received in that year;
- employers_in_arrears (year 0): employers whose funds due exceed what they paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractYear

from gonghui.finance.models import (
    COUNTER_FIELDS,
    DuesAccount,
    DuesPayment,
    FinanceCounter,
    FundsDeclaration,
    FundsPayment,
)
from gonghui.orgs.models import Org

STEP = Org.steplen


def ancestors_and_self(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def bump(path: str, year: int, deltas: Mapping[str, int]) -> None:
    """Add `deltas` to the counters of the org at `path` and of its ancestors for `year`."""
    changes = {k: F(k) + v for k, v in deltas.items() if v}
    if not changes or not path:
        return
    paths = ancestors_and_self(path)
    existing = set(
        FinanceCounter.objects.filter(org_path__in=paths, year=year).values_list("org_path", flat=True)
    )
    missing = [p for p in paths if p not in existing]
    if missing:
        FinanceCounter.objects.bulk_create(
            [
                FinanceCounter(org_id=pk, org_path=p, year=year)
                for pk, p in Org.objects.filter(path__in=missing).values_list("pk", "path")
            ],
            ignore_conflicts=True,
        )
    FinanceCounter.objects.filter(org_path__in=paths, year=year).update(**changes)


def on_subtree_moved(old_path: str, new_path: str) -> None:
    """A subtree moved (orgs.actions.org_move, paths already rewritten): its totals of every year,
    the rows at `new_path`, leave the old parent's chain and join the new one's."""
    for row in FinanceCounter.objects.filter(org_path=new_path):
        totals = {f: getattr(row, f) for f in COUNTER_FIELDS}
        bump(old_path[:-STEP], row.year, {k: -v for k, v in totals.items()})
        bump(new_path[:-STEP], row.year, totals)


def figures(path: str, year: int) -> dict[str, int]:
    """The subtree totals of the org at `path`: yearly ones for `year`, standing ones from year 0."""
    rows = {r.year: r for r in FinanceCounter.objects.filter(org_path=path, year__in=(0, year))}
    out = dict.fromkeys(COUNTER_FIELDS, 0)
    for field in COUNTER_FIELDS:
        row = rows.get(0 if field in ("in_arrears_6m", "employers_in_arrears") else year)
        out[field] = getattr(row, field) if row else 0
    return out


def recount() -> dict[tuple[str, int], dict[str, int]]:
    """Subtree totals from the rows: {(org path, year): {field: value}} (zeros left out)."""
    own: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTER_FIELDS, 0))
    for row in (
        DuesPayment.objects.annotate(y=ExtractYear("month")).values("org_path", "y")
        .annotate(n=Count("membership", distinct=True), s=Sum("amount_fen"))
    ):  # fmt: skip
        own[(row["org_path"], row["y"])]["members_paying"] += row["n"]
        own[(row["org_path"], row["y"])]["collected_fen"] += row["s"] or 0
    for acc in DuesAccount.objects.filter(in_arrears=True).values("org_path").annotate(n=Count("pk")):
        own[(acc["org_path"], 0)]["in_arrears_6m"] += acc["n"]
    for decl in (
        FundsDeclaration.objects.annotate(y=ExtractYear("period_start"))
        .values("org_path", "y")
        .annotate(s=Sum("due_fen"))
    ):
        own[(decl["org_path"], decl["y"])]["due_fen"] += decl["s"] or 0
    for pay in (
        FundsPayment.objects.annotate(y=ExtractYear("paid_on"))
        .values("org_path", "y")
        .annotate(s=Sum("amount_fen"))
    ):
        own[(pay["org_path"], pay["y"])]["paid_fen"] += pay["s"] or 0
    due = dict(
        FundsDeclaration.objects.values("employer_id")
        .annotate(s=Sum("due_fen"))
        .values_list("employer_id", "s")
    )
    paid = dict(
        FundsPayment.objects.values("employer_id")
        .annotate(s=Sum("amount_fen"))
        .values_list("employer_id", "s")
    )
    homes = dict(FundsDeclaration.objects.values_list("employer_id", "org_path").distinct())
    for emp, d in due.items():
        if d > paid.get(emp, 0):
            own[(homes[emp], 0)]["employers_in_arrears"] += 1
    total: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTER_FIELDS, 0))
    for (path, year), vals in own.items():
        for anc in ancestors_and_self(path):
            for k, v in vals.items():
                total[(anc, year)][k] += v
    return {k: v for k, v in total.items() if any(v.values())}


def verify() -> list[dict[str, Any]]:
    expected = recount()
    stored = {
        (r["org_path"], r["year"]): {k: r[k] for k in COUNTER_FIELDS}
        for r in FinanceCounter.objects.values("org_path", "year", *COUNTER_FIELDS)
    }
    diffs = []
    for key in sorted(set(expected) | set(stored)):
        e = expected.get(key, dict.fromkeys(COUNTER_FIELDS, 0))
        s = stored.get(key, dict.fromkeys(COUNTER_FIELDS, 0))
        for f in COUNTER_FIELDS:
            if e[f] != s[f]:
                diffs.append(
                    {"path": key[0], "field": f"finance.{f}[{key[1]}]", "stored": s[f], "expected": e[f]}
                )
    return diffs


def rebuild() -> int:
    expected = recount()
    ids = dict(Org.objects.filter(path__in={p for p, _y in expected}).values_list("path", "pk"))
    FinanceCounter.objects.all().delete()
    rows = [
        FinanceCounter(org_id=ids[p], org_path=p, year=y, **vals)
        for (p, y), vals in expected.items()
        if p in ids
    ]
    FinanceCounter.objects.bulk_create(rows, batch_size=1000)
    return len(rows)

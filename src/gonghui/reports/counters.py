"""Keeping OrgCounter exact: deltas applied up the ancestor chain, in the caller's transaction.

A change at an org changes the subtree totals of that org and of each of its ancestors: their
paths are the prefixes of its path (treebeard materialized path, steplen 4), so one UPDATE with
`path IN (...)` applies a delta to the whole chain.

Every write path calls these functions inside its own `transaction.atomic` block:
orgs.actions (create, move, dissolve, merge, employers, surveys), members.actions (join, transfer,
leave, cards, person changes), rosters (bulk import, aggregated per batch).
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db.models import F

from gonghui.orgs.models import Employer, Org
from gonghui.reports.models import EMPLOYER_FIELDS, FIELDS, KIND_FIELDS, MEMBER_FIELDS, OrgCounter

STEP = Org.steplen


def ancestors_and_self(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def bump(path: str, deltas: Mapping[str, int]) -> None:
    """Add `deltas` to the org at `path` and to all its ancestors."""
    changes = {k: F(k) + v for k, v in deltas.items() if v}
    if changes and path:
        OrgCounter.objects.filter(path__in=ancestors_and_self(path)).update(**changes)


def bump_many(per_path: Mapping[str, Mapping[str, int]]) -> None:
    """Apply many deltas at once (bulk imports): summed per ancestor, one UPDATE per ancestor."""
    total: dict[str, Tally[str]] = {}
    for path, deltas in per_path.items():
        for anc in ancestors_and_self(path):
            total.setdefault(anc, Tally()).update({k: v for k, v in deltas.items() if v})
    for anc, deltas in total.items():
        changes = {k: F(k) + v for k, v in deltas.items() if v}
        if changes:
            OrgCounter.objects.filter(path=anc).update(**changes)


def negate(deltas: Mapping[str, int]) -> dict[str, int]:
    return {k: -v for k, v in deltas.items()}


# --- orgs -------------------------------------------------------------------------------


def org_deltas(kind: str) -> dict[str, int]:
    return {"orgs": 1, KIND_FIELDS[kind]: 1}


def on_org_created(org: Org) -> None:
    """A new org: its own row (itself only), then +1 up the chain above it."""
    OrgCounter.objects.create(org=org, path=org.path, **org_deltas(org.kind))
    if org.depth > 1:
        bump(org.path[:-STEP], org_deltas(org.kind))


def on_org_ended(org: Org) -> None:
    """Dissolved or merged: the org no longer counts as an active org."""
    bump(org.path, negate(org_deltas(org.kind)))


def subtree_figures(path: str) -> dict[str, int]:
    row = OrgCounter.objects.filter(path=path).first()
    return row.figures() if row else dict.fromkeys(FIELDS, 0)


def on_subtree_moved(old_parent_path: str, new_parent_path: str, totals: Mapping[str, int]) -> None:
    """A subtree with `totals` left one parent chain for another (its own rows move with it)."""
    bump(old_parent_path, negate(totals))
    bump(new_parent_path, totals)


# --- employers --------------------------------------------------------------------------


def employer_home(employer: Employer) -> str:
    """Where an employer is counted: its union if it has one, else the area union that surveys it."""
    if employer.union_id is not None:
        union = employer.union
        assert union is not None  # union_id is set, so the union row exists
        return union.path
    return employer.area_path


def should_have_union(employer: Employer) -> bool:
    """The 建会率 denominator (DOMAIN.md, *unverified*; setting GONGHUI_COVERAGE_MIN_EMPLOYEES,
    default 25): surveyed, operating employers with at least that many employees."""
    return (
        employer.surveyed_on is not None
        and employer.employees >= settings.GONGHUI_COVERAGE_MIN_EMPLOYEES
        and employer.operating_status not in ("closed", "deregistered")
    )


def employer_deltas(employer: Employer) -> dict[str, int]:
    unionised = employer.union_id is not None
    should = should_have_union(employer)
    return {
        "coverage_denominator": 1 if should else 0,
        "coverage_covered": 1 if should and unionised else 0,
        "employers": 1,
        "employers_surveyed": 1 if employer.surveyed_on else 0,
        "unionised_employers": 1 if unionised else 0,
        "employees": employer.employees,
        "migrant_employees": employer.migrant_workers,
        "unionised_employees": employer.employees if unionised else 0,
        "unionised_migrant_employees": employer.migrant_workers if unionised else 0,
    }


def on_employer_added(employer: Employer) -> None:
    bump(employer_home(employer), employer_deltas(employer))


def on_employer_removed(employer: Employer) -> None:
    bump(employer_home(employer), negate(employer_deltas(employer)))


# --- members ----------------------------------------------------------------------------


def member_deltas(person: Any, *, has_card: bool = False) -> dict[str, int]:
    return {
        "members": 1,
        "migrant_members": 1 if person.is_migrant else 0,
        "female_members": 1 if person.gender == "F" else 0,
        "new_employment_members": 1 if person.new_employment_group else 0,
        "cards": 1 if has_card else 0,
    }


def on_member_joined(org_path: str, person: Any, *, has_card: bool = False) -> None:
    bump(org_path, member_deltas(person, has_card=has_card))


def on_member_left(org_path: str, person: Any, *, has_card: bool = False) -> None:
    bump(org_path, negate(member_deltas(person, has_card=has_card)))


def on_member_retained(org_path: str, person: Any, *, has_card: bool = False) -> None:
    """Active → 保留会籍: no longer a working member, counted apart."""
    bump(org_path, {**negate(member_deltas(person, has_card=has_card)), "retained_members": 1})


def on_member_restored(org_path: str, person: Any, *, has_card: bool = False) -> None:
    bump(org_path, {**member_deltas(person, has_card=has_card), "retained_members": -1})


def on_retained_left(org_path: str) -> None:
    bump(org_path, {"retained_members": -1})


def on_card_changed(org_path: str, delta: int) -> None:
    """A current (active) member got a valid card (+1) or lost it (-1)."""
    bump(org_path, {"cards": delta})


def on_person_changed(org_path: str, before: Any, after: Any) -> None:
    """An active member's person record changed (migrant flag, new-employment group)."""
    old, new = member_deltas(before), member_deltas(after)
    bump(org_path, {k: new[k] - old[k] for k in new})


# --- recount ----------------------------------------------------------------------------


def recount() -> dict[str, dict[str, int]]:
    """Every org's subtree totals computed from scratch: own figures per org, rolled up by path."""
    from gonghui.reports.recount import own_figures

    own = own_figures()
    totals: dict[str, Tally[str]] = {}
    for path, figs in own.items():
        for anc in ancestors_and_self(path):
            totals.setdefault(anc, Tally()).update(figs)
    paths = Org.objects.values_list("path", flat=True)
    return {p: {f: int(totals.get(p, Tally()).get(f, 0)) for f in FIELDS} for p in paths}


def verify() -> list[dict[str, Any]]:
    """Differences between the stored counters and a recount (empty list = exact)."""
    expected = recount()
    stored = {
        row["path"]: row for row in OrgCounter.objects.values("path", *FIELDS).iterator(chunk_size=5000)
    }
    diffs: list[dict[str, Any]] = []
    for path, exp in expected.items():
        got = stored.get(path)
        if got is None:
            diffs.append({"path": path, "field": "*", "stored": None, "expected": "row"})
            continue
        for f in FIELDS:
            if got[f] != exp[f]:
                diffs.append({"path": path, "field": f, "stored": got[f], "expected": exp[f]})
    for path in set(stored) - set(expected):
        diffs.append({"path": path, "field": "*", "stored": "row", "expected": None})
    return diffs


def rebuild() -> int:
    """Replace every counter row with a recount (after a restore, or to repair)."""
    from django.db import connection, transaction

    expected = recount()
    ids = dict(Org.objects.values_list("path", "id"))
    cols = ["org_id", "path", *FIELDS]
    table = connection.ops.quote_name(OrgCounter._meta.db_table)
    # identifiers come from the model, quoted; values are parameters
    sql = f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
    rows = [[ids[p], p, *(figs[f] for f in FIELDS)] for p, figs in expected.items()]
    with transaction.atomic(), connection.cursor() as cur:
        OrgCounter.objects.all().delete()
        for i in range(0, len(rows), 10_000):  # plain executemany: wide rows, many of them
            cur.executemany(sql, rows[i : i + 10_000])
    return len(rows)


__all__ = [
    "EMPLOYER_FIELDS", "MEMBER_FIELDS", "ancestors_and_self", "bump", "bump_many", "employer_deltas", "employer_home",
    "member_deltas", "on_employer_added", "on_employer_removed", "on_member_joined", "on_member_left",
    "on_org_created", "on_org_ended", "on_subtree_moved", "rebuild", "recount", "subtree_figures", "verify",
]  # fmt: skip

"""Keeping UnionLife and LifeCounter exact (issue 14 items 5 and 7).

Each union's own figures (contracts in force, employers and employees covered, employers whose
workers' congress met this year, activities in the window, its idle score) are derived from the
records as of a day and stored in its `UnionLife` row; the change is applied as a delta to the
`LifeCounter` rows of the union and each ancestor (one UPDATE with `path IN (...)`), in the
caller's transaction — the pattern of reports/counters.py.

- `on_write(obj, ...)`: called by the worklife actions after they write a congress session, a
  contract or an activity: re-derives the unions that row touches (its union, and the homes of the
  employers it covers) as of today.
- `refresh_all(today)`: the nightly job (figures that change with the calendar: contracts
  expire, activities leave the window, terms fall overdue).
- `verify()` / `rebuild()`: `gonghui stats --verify` / `--rebuild` (registered in apps.py).

Where figures are counted: contracts in force and activities at the union that holds them;
covered employers (distinct) at the employer's home (its union, else its area union, as
reports.counters.employer_home); employees covered: the `employees_covered` of comprehensive
(综合性) contracts in force at the contract's union (special contracts cover the same workers
again and are not added); employers whose congress met this calendar year: distinct unionised
employers, at their union.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from gonghui.core.db import bulk_set
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus
from gonghui.worklife.idle import conf, score
from gonghui.worklife.models_idle import LIFE_FIELDS, LifeCounter, UnionLife

STEP = Org.steplen
# figures recounted from the worklife records by verify(); the score (and so idle_unions) also reads
# logins, members and services, which change between nights without passing here: it is checked as
# the sum of the stored rows, the state of the last scoring.
RECOUNTED = ("unions_scored", "contracts_in_force", "employers_covered", "employees_covered",
             "employers_held", "activities")  # fmt: skip


def ancestors_and_self(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


# --- figures from the records ------------------------------------------------------------


def own_figures(today: dt.date, ids: list[int] | None = None) -> dict[int, Tally[str]]:
    """Each org's own figures as of `today` (not the score's): {org id: Tally}. `ids`: only these
    orgs (None: every org)."""
    from gonghui.worklife.models import (
        Activity,
        CollectiveContract,
        CongressEmployer,
        ContractCategory,
        ContractEmployer,
        ContractStatus,
    )

    r = conf.rules()
    out: dict[int, Tally[str]] = {}

    def add(k: int | None, field: str, n: int | None) -> None:
        if k is not None and n:
            out.setdefault(k, Tally())[field] += n

    def mine(qs: Any, fld: str = "org") -> Any:
        return qs if ids is None else qs.filter(**{f"{fld}__in": ids})

    in_force = {"status": ContractStatus.EFFECTIVE, "start_on__lte": today, "end_on__gte": today}
    contracts = mine(CollectiveContract.objects.filter(**in_force)).order_by().values_list("org")
    for k, n, emp in contracts.annotate(
        n=Count("pk"), e=Sum("employees_covered", filter=Q(category=ContractCategory.GENERAL))
    ):
        add(k, "contracts_in_force", n)
        add(k, "employees_covered", emp)

    def home_q(prefix: str) -> Q:
        if ids is None:
            return Q()
        return Q(**{f"{prefix}union__in": ids}) | Q(
            **{f"{prefix}union__isnull": True, f"{prefix}area_org__in": ids}
        )

    covered = (
        ContractEmployer.objects.filter(**{f"contract__{a}": b for a, b in in_force.items()})
        .filter(home_q("employer__"))
        .order_by()
        .values_list("employer", "employer__union", "employer__area_org")
        .distinct()
    )
    for _e, union, area in covered:
        add(union if union is not None else area, "employers_covered", 1)

    year_start = today.replace(month=1, day=1)
    held = (
        CongressEmployer.objects.filter(
            session__held_on__gte=year_start, session__held_on__lte=today, employer__union__isnull=False
        )
        .filter(Q() if ids is None else Q(employer__union__in=ids))
        .order_by()
        .values_list("employer", "employer__union")
        .distinct()
    )
    for _e, union in held:
        add(union, "employers_held", 1)

    since = today - dt.timedelta(days=r.window_days - 1)
    acts = mine(Activity.objects.filter(held_on__gte=since, held_on__lte=today)).order_by().values_list("org")
    for k, n in acts.annotate(n=Count("pk")):
        add(k, "activities", n)
    return out


def derive(orgs: list[Org], today: dt.date, *, whole: bool = False) -> dict[int, dict[str, Any]]:
    """The UnionLife fields of each org in `orgs` as of `today` (rows to keep: grassroots unions,
    and other orgs with a figure)."""
    from gonghui.reports.models import OrgCounter

    r = conf.rules()
    base = [o for o in orgs if o.kind in BASE_KINDS and o.status == OrgStatus.ACTIVE]
    facts = score.gather(base, today, whole=whole)
    figures = own_figures(today, None if whole else [o.pk for o in orgs])
    members_q = (
        OrgCounter.objects.all() if whole else OrgCounter.objects.filter(path__in=[o.path for o in base])
    )
    members = dict(members_q.values_list("path", "members"))
    out: dict[int, dict[str, Any]] = {}
    for o in orgs:
        if o.status != OrgStatus.ACTIVE:
            continue
        row: dict[str, Any] = dict.fromkeys(LIFE_FIELDS, 0)
        row.update(figures.get(o.pk, {}))
        row.update({"as_of": today, "scored": False, "score": 0, "idle": False, "reasons": [], "parts": {},
                    "members": members.get(o.path, 0)})  # fmt: skip
        if o.pk in facts:
            s, parts, reasons = score.evaluate(facts[o.pk], r)
            idle = s < r.threshold
            row.update(scored=True, score=s, parts=parts, reasons=reasons, idle=idle, unions_scored=1,
                       idle_unions=int(idle))  # fmt: skip
        elif not any(row[f] for f in LIFE_FIELDS):
            continue
        out[o.pk] = row
    return out


# --- writing -----------------------------------------------------------------------------


def _bump(deltas: Mapping[str, Mapping[str, int]]) -> None:
    """Apply {org path: {field: delta}} to each org's chain, one UPDATE per ancestor path."""
    total: dict[str, Tally[str]] = {}
    for path, d in deltas.items():
        for anc in ancestors_and_self(path):
            total.setdefault(anc, Tally()).update({k: v for k, v in d.items() if v})
    if not total:
        return
    have = set(LifeCounter.objects.filter(path__in=list(total)).values_list("path", flat=True))
    missing = [p for p in total if p not in have]
    if missing:
        LifeCounter.objects.bulk_create(
            [
                LifeCounter(org_id=pk, path=p)
                for pk, p in Org.objects.filter(path__in=missing).values_list("pk", "path")
            ],
            ignore_conflicts=True,
        )
    for anc, d in total.items():
        changes = {k: F(k) + v for k, v in d.items() if v}
        if changes:
            LifeCounter.objects.filter(path=anc).update(**changes)


def on_subtree_moved(old_path: str, new_path: str) -> None:
    """A subtree moved (orgs.actions.org_move, paths already rewritten): its totals, the row at
    `new_path`, leave the old parent's chain and join the new one's."""
    row = LifeCounter.objects.filter(path=new_path).first()
    if row is None:
        return
    totals = row.figures()
    _bump({old_path[:-STEP]: {k: -v for k, v in totals.items()}, new_path[:-STEP]: totals})


def _store(orgs: list[Org], rows: dict[int, dict[str, Any]], existing: dict[int, UnionLife]) -> int:
    """Write the derived rows over the stored ones; deltas up the tree. Returns rows changed."""
    deltas: dict[str, dict[str, int]] = {}
    create, update, delete = [], [], []
    fields = ["as_of", "scored", "score", "idle", "reasons", "parts", "members", *LIFE_FIELDS]
    for o in orgs:
        old = existing.get(o.pk)
        new = rows.get(o.pk)
        before = old.figures() if old else dict.fromkeys(LIFE_FIELDS, 0)
        after = {f: new[f] for f in LIFE_FIELDS} if new else dict.fromkeys(LIFE_FIELDS, 0)
        d = {f: after[f] - before[f] for f in LIFE_FIELDS if after[f] != before[f]}
        if d:
            deltas[o.path] = d
        if new is None:
            if old is not None:
                delete.append(old.pk)
        elif old is None:
            create.append(UnionLife(org=o, org_path=o.path, **new))
        elif any(getattr(old, f) != new[f] for f in fields) or old.org_path != o.path:
            for f in fields:
                setattr(old, f, new[f])
            old.org_path = o.path
            update.append(old)
    if delete:
        UnionLife.objects.filter(pk__in=delete).delete()
    UnionLife.objects.bulk_create(create, batch_size=1000)
    bulk_set(update, [*fields, "org_path"])
    _bump(deltas)
    return len(create) + len(update) + len(delete)


def refresh(orgs: Iterable[Org], today: dt.date | None = None) -> int:
    """Re-derive these orgs' rows as of today and apply the changes (in the caller's transaction)."""
    today = today or timezone.localdate()
    by_pk = {o.pk: o for o in orgs if o is not None}
    if not by_pk:
        return 0
    lst = list(by_pk.values())
    existing = {u.org_id: u for u in UnionLife.objects.select_for_update().filter(org__in=list(by_pk))}
    return _store(lst, derive(lst, today), existing)


def affected(obj: Any, employers: Iterable[int] = (), orgs: Iterable[Org] = ()) -> list[Org]:
    """The orgs whose figures a congress session, contract or activity (or a list) touches: its
    union, and the homes of the employers it covers (and of `employers`, those it no longer does)."""
    from gonghui.orgs.models import Employer

    objs = obj if isinstance(obj, list | tuple) else ([] if obj is None else [obj])
    ids = {o.org_id for o in objs}
    emp_ids = set(employers)
    for o in objs:
        covered = getattr(o, "covered", None)
        if covered is not None:
            emp_ids.update(covered.values_list("employer", flat=True))
    for union, area in Employer.objects.filter(pk__in=emp_ids).values_list("union", "area_org"):
        ids.add(union if union is not None else area)
    ids.update(o.pk for o in orgs)
    return list(Org.objects.filter(pk__in=ids))


def on_write(obj: Any, *, employers: Iterable[int] = (), orgs: Iterable[Org] = ()) -> int:
    """After a write of a CongressSession, CollectiveContract or Activity (or a list of them, or
    None with `orgs`/`employers` after a delete): re-derive the unions concerned."""
    return refresh(affected(obj, employers, orgs))


def _all_orgs() -> list[Org]:
    """Every active grassroots union, and every org holding a row or a record."""
    from gonghui.worklife.models import Activity, CollectiveContract

    ids = set(UnionLife.objects.values_list("org", flat=True))
    ids.update(CollectiveContract.objects.order_by().values_list("org", flat=True).distinct())
    ids.update(Activity.objects.order_by().values_list("org", flat=True).distinct())
    base = Org.objects.filter(status=OrgStatus.ACTIVE, kind__in=BASE_KINDS)
    return list(Org.objects.filter(Q(pk__in=ids) | Q(pk__in=base.values("pk"))).order_by("path"))


@transaction.atomic
def refresh_all(today: dt.date | None = None) -> int:
    """The nightly pass: every union as of today; the counters then re-summed (a subtree move
    between two nights is repaired here). Returns the rows changed."""
    today = today or timezone.localdate()
    orgs = _all_orgs()
    existing = {u.org_id: u for u in UnionLife.objects.select_for_update()}
    n = _store(orgs, derive(orgs, today, whole=True), existing)
    rebuild_counters()
    return n


# --- checks ------------------------------------------------------------------------------


def expected_counters() -> dict[str, Tally[str]]:
    total: dict[str, Tally[str]] = {}
    for row in UnionLife.objects.values("org_path", *LIFE_FIELDS).iterator(chunk_size=5000):
        for anc in ancestors_and_self(row["org_path"]):
            total.setdefault(anc, Tally()).update({f: row[f] for f in LIFE_FIELDS if row[f]})
    return total


def rebuild_counters() -> int:
    total = expected_counters()
    n = 0
    stored = {c.path: c for c in LifeCounter.objects.all()}
    missing = [p for p in total if p not in stored]
    for pk, p in Org.objects.filter(path__in=missing).values_list("pk", "path"):
        stored[p] = LifeCounter.objects.create(org_id=pk, path=p)
    changed = []
    for path, c in stored.items():
        want = total.get(path, Tally())
        if any(getattr(c, f) != want[f] for f in LIFE_FIELDS):
            for f in LIFE_FIELDS:
                setattr(c, f, want[f])
            changed.append(c)
            n += 1
    bulk_set(changed, list(LIFE_FIELDS))
    return n


def verify() -> list[dict[str, Any]]:
    """Each stored union row's recounted figures against the records as of its own day; each
    counter against the sum of the rows below it; every active grassroots union has a row once the
    job has run."""
    diffs: list[dict[str, Any]] = []
    rows = list(UnionLife.objects.select_related("org"))
    by_day: dict[dt.date, list[UnionLife]] = {}
    for u in rows:
        by_day.setdefault(u.as_of, []).append(u)
    for day, group in by_day.items():
        want = derive([u.org for u in group], day, whole=len(group) > 500)
        for u in group:
            w = want.get(u.org_id) or dict.fromkeys(LIFE_FIELDS, 0)
            for f in RECOUNTED:
                if getattr(u, f) != w.get(f, 0):
                    diffs.append(
                        {
                            "path": u.org_path,
                            "field": f"life.{f}",
                            "stored": getattr(u, f),
                            "expected": w.get(f, 0),
                        }
                    )
    if rows:
        scored = {u.org_id for u in rows if u.scored}
        for pk, path in Org.objects.filter(status=OrgStatus.ACTIVE, kind__in=BASE_KINDS).values_list(
            "pk", "path"
        ):
            if pk not in scored:
                diffs.append({"path": path, "field": "life.unions_scored", "stored": 0, "expected": 1})
    total = expected_counters()
    stored = {c.path: c for c in LifeCounter.objects.all()}
    for path in sorted(set(total) | set(stored)):
        c = stored.get(path)
        sums = total.get(path, Tally())
        for f in LIFE_FIELDS:
            have = getattr(c, f) if c else 0
            if have != sums[f]:
                diffs.append({"path": path, "field": f"life.{f}", "stored": have, "expected": sums[f]})
    return diffs


def rebuild() -> int:
    return refresh_all()


def on_change(kind: str, org: Any, obj: Any) -> None:
    """The worklife actions' listener (worklife/hooks.py), in their transaction. `obj` may be a
    list (a bulk import). A congress or contract also moves the figures of its covered employers'
    homes; one held by an upper union (区域性/行业性) may have dropped employers, so the rows below it
    that count covered or congress employers are re-derived too."""
    if kind not in ("congress", "contract", "activity") or org is None:
        return
    objs = obj if isinstance(obj, list | tuple) else [obj]
    saved = [o for o in objs if o is not None and o.pk is not None]
    orgs = affected(saved if kind != "activity" else [], orgs=[org])
    if kind != "activity" and (org.kind not in BASE_KINDS or len(saved) < len(objs)):
        below = UnionLife.objects.filter(org_path__startswith=org.path).filter(
            Q(employers_covered__gt=0) | Q(employers_held__gt=0)
        )
        orgs += list(Org.objects.filter(pk__in=below.values("org")))
    refresh(orgs)

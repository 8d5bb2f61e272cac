"""Keeping EventDay exact: membership events counted per day and subtree (issue 19).

Every event adds its vector (below) to the row (path, day) of its union and of each ancestor — the
prefixes of its path — in the transaction that writes the event, as `reports/counters.py` does for
OrgCounter: a campaign page then reads one indexed range per unit (`selectors`), never a count over
the subtree's events, whatever the subtree's size, and nothing is recounted after a write.

Two of the figures depend on the person, not on the event: 农民工 (Person.is_migrant) and a complete
real-name record (`complete_q`: the person's 姓名, 公民身份号码, 手机号, 工作单位, 户籍类型 and the
membership's 登记表编号). A write that changes them for a person with events restates that person's
events (`persons_changed`: old vectors off, new ones on), so the rows stay what a recount gives.

Base unions count too (新建基层工会): +1 `founded` on the founding day, +1 `ended` on the day one is
dissolved or merged (`on_org`, from orgs.actions).

Callers: members.actions (every single event through `event_create`; person edits; transfers;
org merges), orgs.actions and orgs.closure, the roster engine, the demo loaders (a rebuild). `gonghui stats
--verify` compares the rows with a recount from the events, `--rebuild` rewrites them.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter as Tally
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q

from gonghui.campaigns.models import EventDay
from gonghui.members.codes import EventType
from gonghui.members.models import Membership, MembershipEvent, Person
from gonghui.orgs.models import BASE_KINDS, Org

STEP = Org.steplen
FIELDS = ("net", "joins", "complete", "c_net", "m_net", "m_joins", "m_complete", "founded", "ended")
UNKNOWN_DAY = dt.date(1900, 1, 1)  # a base union without a founding date: there since always
PLUS = (EventType.JOIN, EventType.TRANSFER_IN, EventType.RESTORE)
MINUS = (EventType.TRANSFER_OUT, EventType.RETAIN, EventType.LEAVE, EventType.EXPEL)
SIGN = {**dict.fromkeys(PLUS, 1), **dict.fromkeys(MINUS, -1)}
# a person's real-name fields (Person columns); the membership's 登记表编号 completes the record
PERSON_FIELDS = ("name", "id_index", "phone_index", "hukou_type")
Vector = tuple[int, ...]
Flags = tuple[bool, bool]  # (农民工, complete person record)
Key = tuple[str, dt.date]


def complete_q(person: str = "person__", membership: str = "membership__") -> Q:
    """A complete real-name record, as a filter on a query that reaches Person and Membership (the
    membership read by its id *and* person_id: Citus joins two distributed tables only on person_id)."""
    form = Membership.objects.filter(pk=OuterRef(f"{membership}id"), person_id=OuterRef(f"{person}id"))
    return (
        ~Q(**{f"{person}name": ""})
        & ~Q(**{f"{person}id_index": ""})
        & ~Q(**{f"{person}phone_index": ""})
        & (Q(**{f"{person}employer__isnull": False}) | ~Q(**{f"{person}employer_name": ""}))
        & ~Q(**{f"{person}hukou_type": ""})
        & Q(Exists(form.exclude(form_no="")))
    )


def vector(type_: str, migrant: bool, complete: bool) -> Vector:
    """One event's contribution, in FIELDS order."""
    s, j = SIGN.get(type_, 0), 1 if type_ == EventType.JOIN else 0
    c, m = (1 if complete else 0), (1 if migrant else 0)
    return (s, j, j * c, s * c, s * m, j * m, j * m * c, 0, 0)


OrgState = tuple[str, bool, dt.date | None, dt.date | None]  # path, base union, founded, ended


def org_state(org: Org) -> OrgState:
    return org.path, org.kind in BASE_KINDS, org.founded_on, org.ended_on


def _org_tally(tally: dict[Key, list[int]], state: OrgState | None, times: int) -> None:
    if state is None or not state[1]:
        return
    path, _base, founded, ended = state
    _add(tally, path, founded or UNKNOWN_DAY, (0,) * 7 + (1, 0), times)
    if ended is not None:
        _add(tally, path, ended, (0,) * 7 + (0, 1), times)


def on_org(before: OrgState | None, after: OrgState | None) -> None:
    """orgs.actions: an org was created (before None), or its founding or end date set."""
    if before == after:
        return
    tally: dict[Key, list[int]] = {}
    _org_tally(tally, before, -1)
    _org_tally(tally, after, 1)
    apply(tally)


def person_flags(p: Any, **override: Any) -> Flags:
    """(农民工, complete person fields) of a Person or a dict of its columns; `override` replaces
    columns (a change about to be written)."""
    get = p.get if isinstance(p, Mapping) else lambda k: getattr(p, k, None)

    def val(k: str) -> Any:
        return override[k] if k in override else get(k)

    complete = all(val(k) for k in PERSON_FIELDS) and bool(val("employer_id") or val("employer_name"))
    return bool(val("is_migrant")), complete


def _day(d: Any) -> dt.date:
    return d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])


def _add(tally: dict[Key, list[int]], path: str, day: Any, vec: Iterable[int], times: int = 1) -> None:
    row = tally.setdefault((path, _day(day)), [0] * len(FIELDS))
    for i, v in enumerate(vec):
        row[i] += v * times


def apply(tally: Mapping[Key, Sequence[int]]) -> None:
    """Add each (union path, day) vector to that union's row and its ancestors' (upserts, in path
    order so concurrent writers lock rows in the same order)."""
    up: dict[Key, list[int]] = {}
    for (path, day), vec in tally.items():
        if not any(vec):
            continue
        for k in range(STEP, len(path) + 1, STEP):
            row = up.setdefault((path[:k], day), [0] * len(FIELDS))
            for i, v in enumerate(vec):
                row[i] += v
    rows = [(p, connection.ops.adapt_datefield_value(d), *v) for (p, d), v in sorted(up.items()) if any(v)]
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(EventDay._meta.db_table)
    cols = ", ".join(qn(c) for c in ("path", "day", *FIELDS))
    sets = ", ".join(f"{qn(f)} = {table}.{qn(f)} + excluded.{qn(f)}" for f in FIELDS)
    marks = "(" + ", ".join(["%s"] * (2 + len(FIELDS))) + ")"
    with connection.cursor() as cur:
        for i in range(0, len(rows), 1000):
            chunk = rows[i : i + 1000]
            # identifiers from the model, quoted; values are parameters
            sql = f"INSERT INTO {table} ({cols}) VALUES {', '.join([marks] * len(chunk))} ON CONFLICT ({qn('path')}, {qn('day')}) DO UPDATE SET {sets}"  # noqa: S608
            cur.execute(sql, [v for r in chunk for v in r])


# --- the write paths --------------------------------------------------------------------


def _membership_flags(pairs: Iterable[tuple[int, int]]) -> dict[int, Flags]:
    """(农民工, complete record) per membership, given as (membership id, person id): the person's
    fields and the 登记表编号. Read by id *and* person, so on Citus (register by person) one
    approval's read stays on its person's shard."""
    cols = ("id", "form_no", "person__is_migrant", "person__employer_id", "person__employer_name",
            *(f"person__{f}" for f in PERSON_FIELDS))  # fmt: skip
    out: dict[int, Flags] = {}
    pairs = sorted(set(pairs))
    for i in range(0, len(pairs), 500):
        chunk = pairs[i : i + 500]
        rows = Membership.objects.filter(pk__in=[m for m, _ in chunk], person_id__in={p for _, p in chunk})
        for row in rows.values(*cols):
            p = {k.removeprefix("person__"): v for k, v in row.items()}
            migrant, complete = person_flags(p)
            out[row["id"]] = (migrant, complete and bool(row["form_no"]))
    return out


def add_events(events: Sequence[MembershipEvent]) -> None:
    """Count new events (saved, in this transaction): one read of their persons, one upsert."""
    if not events:
        return
    flags = _membership_flags((e.membership_id, e.person_id) for e in events)
    tally: dict[Key, list[int]] = {}
    for e in events:
        _add(tally, e.org_path, e.on, vector(e.type, *flags[e.membership_id]))
    apply(tally)


def persons_changed(changes: Mapping[int, tuple[Flags, Flags]]) -> None:
    """Persons' flags changed from the first pair to the second: their events counted again."""
    ids = sorted(pid for pid, (before, after) in changes.items() if before != after)
    if not ids:
        return
    tally: dict[Key, list[int]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        forms = dict(Membership.objects.filter(person_id__in=chunk).values_list("id", "form_no"))
        events = MembershipEvent.objects.filter(person_id__in=chunk).values_list(
            "person_id", "membership_id", "org_path", "on", "type"
        )
        for pid, mid, path, on, type_ in events.order_by():
            (bm, bc), (am, ac) = changes[pid]
            form = bool(forms.get(mid))
            old, new = vector(type_, bm, bc and form), vector(type_, am, ac and form)
            _add(tally, path, on, map(operator.sub, new, old))
    apply(tally)


def forms_given(memberships: Sequence[tuple[int, int]]) -> None:
    """Memberships, as (id, person id), that had no 登记表编号 got one (`gonghui form_numbers`):
    their events may now belong to complete records."""
    flags = _membership_flags(memberships)
    tally: dict[Key, list[int]] = {}
    ids = sorted(flags)
    for i in range(0, len(ids), 500):
        rows = MembershipEvent.objects.filter(membership_id__in=ids[i : i + 500]).order_by()
        for mid, path, on, type_ in rows.values_list("membership_id", "org_path", "on", "type"):
            migrant, complete = flags[mid]
            if complete:
                old, new = vector(type_, migrant, False), vector(type_, migrant, True)
                _add(tally, path, on, map(operator.sub, new, old))
    apply(tally)


def person_saving(person: Any, before: Flags) -> None:
    """After `person` (edited in place) was saved: restate its events if its flags changed."""
    persons_changed({person.pk: (before, person_flags(person))})


_NEW_PERSON = operator.itemgetter(0, 2, 9, 13, 20)  # rosters.pipeline.PERSON_TAIL: name … employer_name


def roster_persons(rejoin: Sequence[Any], changed: Sequence[Any]) -> None:
    """rosters.engine, before it updates persons: (prep, org, merged person) rows of former members
    joining again, (stored, merged, org, status) of members whose fields change."""
    changes = {b["id"]: (person_flags(b), person_flags(a)) for b, a, _o, _s in changed}
    again = {f["id"]: f for _p, _o, f in rejoin}
    if again:
        cols = ("id", "is_migrant", "employer_id", "employer_name", *PERSON_FIELDS)
        ids = sorted(again)
        for i in range(0, len(ids), 500):
            for row in Person.objects.filter(pk__in=ids[i : i + 500]).values(*cols):
                changes[row["id"]] = (person_flags(row), person_flags(again[row["id"]]))
    persons_changed(changes)


def roster_joins(e_rows: Sequence[tuple[Any, ...]], new_people: Sequence[Any], pids: Sequence[int],
                 rejoin: Sequence[Any]) -> None:  # fmt: skip
    """rosters.engine, after inserting the 入会 events (rows in its EVENT_COLUMNS order: person_id,
    membership_id, org_path, type, reason, on, …): every row has a 登记表编号 (the engine gives one)."""
    # C-level loops (map, zip, Counter): a million rows cost ~0.6 s, not ~2 s
    persons = list(map(operator.attrgetter("person"), map(operator.itemgetter(0), new_people)))
    flags: dict[int, Any] = dict(
        zip(
            pids,
            zip(map(operator.itemgetter(14), persons), map(all, map(_NEW_PERSON, persons)), strict=True),
            strict=True,
        )
    )
    for _p, _o, f in rejoin:
        flags[f["id"]] = person_flags(f)
    g = operator.itemgetter
    counts = Tally(
        zip(
            map(g(2), e_rows),
            map(g(5), e_rows),
            map(g(3), e_rows),
            map(flags.__getitem__, map(g(0), e_rows)),
            strict=True,
        )
    )
    tally: dict[Key, list[int]] = {}
    for (path, on, type_, (migrant, complete)), n in counts.items():
        _add(tally, path, on, vector(type_, migrant, complete), n)
    apply(tally)


# --- subtree moves, recount, verify, rebuild -----------------------------------------------


def on_subtree_moved(old_path: str, new_path: str) -> None:
    """A subtree moved (orgs.actions.org_move; its rows' paths already rewritten): its per-day
    totals, the rows at `new_path`, leave the old parent's chain and join the new one's."""
    tally: dict[Key, list[int]] = {}
    for day, *vec in EventDay.objects.filter(path=new_path).values_list("day", *FIELDS):
        _add(tally, old_path[:-STEP], day, vec, -1)
        _add(tally, new_path[:-STEP], day, vec)
    apply(tally)


def recount() -> dict[Key, list[int]]:
    """Every (path, day) row from the events (grouped in the database) and the base unions' founding
    and end dates, rolled up here."""
    rows = (
        MembershipEvent.objects.order_by()
        .values("org_path", "on", "type", "person__is_migrant")
        .annotate(n=Count("id"), c=Count("id", filter=complete_q()))
        .values_list("org_path", "on", "type", "person__is_migrant", "n", "c")
    )
    own: dict[Key, list[int]] = {}
    for path, on, type_, migrant, n, c in rows.iterator(chunk_size=10_000):
        _add(own, path, on, vector(type_, migrant, True), c)
        _add(own, path, on, vector(type_, migrant, False), n - c)
    unions = Org.objects.filter(kind__in=BASE_KINDS).values_list("path", "founded_on", "ended_on")
    for path, founded, ended in unions.iterator(chunk_size=10_000):
        _org_tally(own, (path, True, founded, ended), 1)
    out: dict[Key, list[int]] = {}
    for (path, day), vec in own.items():
        for k in range(STEP, len(path) + 1, STEP):
            _add(out, path[:k], day, vec)
    return {key: vec for key, vec in out.items() if any(vec)}


def verify() -> list[dict[str, Any]]:
    """Differences between the stored rows and a recount (empty list = exact)."""
    expected = recount()
    stored = {(p, d): v for p, d, *v in EventDay.objects.values_list("path", "day", *FIELDS).iterator(10_000)}
    zero = [0] * len(FIELDS)
    diffs: list[dict[str, Any]] = []
    for key in sorted(set(expected) | set(stored)):
        got, exp = stored.get(key, zero), expected.get(key, zero)
        for f, g, e in zip(FIELDS, got, exp, strict=True):
            if g != e:
                diffs.append(
                    {"path": key[0], "field": f"campaign_events {key[1]} {f}", "stored": g, "expected": e}
                )
    return diffs


def rebuild() -> int:
    """Replace every row with a recount (after bulk loads or a restore, or to repair)."""
    rows = [(p, connection.ops.adapt_datefield_value(d), *v) for (p, d), v in sorted(recount().items())]
    qn = connection.ops.quote_name
    cols = ("path", "day", *FIELDS)
    # identifiers from the model, quoted; values are parameters
    sql = f"INSERT INTO {qn(EventDay._meta.db_table)} ({', '.join(qn(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))})"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cur:
        EventDay.objects.all().delete()
        for i in range(0, len(rows), 10_000):
            cur.executemany(sql, rows[i : i + 10_000])
    return len(rows)

"""Writing a roster into the member register, batch by batch (the database half of an import).

The rules are the register's own (members/actions.py), applied to thousands of rows at a time:

* one current membership per person in the whole system (DOMAIN.md): someone who is a member of
  another union is refused, with the message `members.actions.already_member_error` gives (the
  union named when the user may see it, masked otherwise, pointing to a transfer, 会员关系接转);
* someone already a member of the union the row is for is updated or skipped, as the user chose;
* a former member (left, transferred, expelled) keeps their person record, refreshed, and joins
  again with a new membership — as `members.actions._person_upsert` does;
* 会员编号 come from the union's counter row, locked with SELECT … FOR UPDATE and moved on by the
  whole batch at once: unique and gap-free, rolled back with the batch if it fails;
* every new membership gets its 入会 event (MembershipEvent), an open application of the same
  person to the same union is closed as approved, the statistics counters move with the batch.

Each batch is one transaction together with the job's counters and resume point (the loop is in
runner.py): a crash at any moment leaves whole batches only, and the counters say exactly what was
saved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from gonghui.campaigns import daycount
from gonghui.core import citus
from gonghui.core.models import Identity
from gonghui.members import actions as member_actions
from gonghui.members.actions.common import reserve_numbers
from gonghui.members.codes import HUKOU_AGRICULTURAL, EventType, Reason
from gonghui.members.models import (
    CURRENT_STATUSES,
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatus,
    Card,
    CardStatus,
    Channel,
    Counter,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
    RollEntry,
)  # fmt: skip
from gonghui.orgs.models import Employer, Org
from gonghui.rosters import sqlite_rows
from gonghui.rosters.models import ImportJob, Mode
from gonghui.rosters.pipeline import PERSON_TAIL, Batch, Prep

LOOKUP_CHUNK = 500  # keys per IN (...) query: well under every backend's parameter limit

# Person fields a roster may change on an existing person; None in the row keeps the stored value.
UPDATABLE = (
    "name", "ethnicity", "education", "political_status", "hukou_type", "is_migrant", "employment_status",
    "new_employment_group", "job", "skill_level", "is_model_worker", "employer_name", "employer_id",
    "phone_cipher", "phone_index", "phone_masked",
)  # fmt: skip
# a new person: the keys and timestamps, then the row's own columns as the reader made them
PERSON_COLUMNS = ("id", "province_code", "employer_id", "created_at", "updated_at", *PERSON_TAIL)
MEMBERSHIP_COLUMNS = (
    "id", "person_id", "org_id", "org_path", "province_code", "member_no", "form_no", "joined_on", "status",
    "ended_on", "channel", "created_at", "updated_at", "name",
)  # fmt: skip
ROLL_COLUMNS = ("org_id", "membership_id", "person_id", "member_no", "joined_on")
EVENT_COLUMNS = (
    "person_id",
    "membership_id",
    "org_path",
    "type",
    "reason",
    "on",
    "from_org_id",
    "to_org_id",
    "user_id",
    "note",
    "created_at",
)


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    issues: list[tuple[int, str, str]] = field(default_factory=list)


@dataclass
class Context:
    """What every batch of one job needs: the union(s), the user, the choice for existing members."""

    job: ImportJob
    user: Any
    orgs: dict[str, Org]  # code → base union rows may go to
    mode: str
    id_title: str  # the ID column's header as the file writes it
    dry: bool
    max_issues: int = 10_000  # problems stored per job (a dry run stops there: runner.py)
    employers: dict[int, dict[str, int]] = field(default_factory=dict)  # org id → employer name → id

    def employer_map(self, org: Org) -> dict[str, int]:
        """The union's employers by exact name: a roster's 工作单位 links to the employer record."""
        table = self.employers.get(org.pk)
        if table is None:
            table = {}
            for pk, ename in Employer.objects.filter(union=org).order_by("pk").values_list("pk", "name"):
                table.setdefault(ename, pk)
            self.employers[org.pk] = table
        return table

    def employer_id(self, org: Org, name: str | None) -> int | None:
        return self.employer_map(org).get(name) if name else None


# --------------------------------------------------------------------------- SQL helpers


def _insert(model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """members.bulk.insert without its per-value adapters: every value comes ready to bind (ISO
    dates, timestamps adapted once a batch, 0/1 booleans on SQLite) and this runs for millions of rows."""
    if not rows or sqlite_rows.insert(model._meta.db_table, columns, rows):  # narrow rows, SQLite
        return
    qn = connection.ops.quote_name
    # Table and column names come from the model's metadata, never from input.
    names, marks = ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


def _update_persons(rows: list[tuple[Any, ...]]) -> None:
    """rows: (*UPDATABLE values, updated_at, id)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = %s" for c in (*UPDATABLE, "updated_at"))
    sql = f"UPDATE {qn(Person._meta.db_table)} SET {sets} WHERE {qn('id')} = %s"  # noqa: S608
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


def _rename_memberships(rows: list[tuple[str, int]]) -> None:
    """rows: (name, person id) — the copy of the name on each of the person's memberships follows
    (Membership.name, read by the name search; members.actions.names_follow)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = f"UPDATE {qn(Membership._meta.db_table)} SET {qn('name')} = %s WHERE {qn('person_id')} = %s"  # noqa: S608
    with connection.cursor() as cur:
        cur.executemany(sql, rows)


def reserve_ids(model: Any, n: int) -> list[int]:
    """n primary keys for rows inserted by this transaction. SQLite: after the current maximum (the
    transaction holds the database's write lock, BEGIN IMMEDIATE); PostgreSQL: from the sequence,
    so concurrent inserts elsewhere never collide."""
    if n <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            seq = cur.fetchone()[0]
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [seq, n])
            return [r[0] for r in cur.fetchall()]
    first = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return list(range(first, first + n))


def _chunks(seq: Sequence[Any], n: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def reserve_member_numbers(org: Org, n: int) -> int:
    """Move the union's 会员编号 counter on by n; returns the first number. The row stays locked
    until the batch commits (gap-free, as members.actions.next_number)."""
    for _attempt in range(3):
        row = Counter.objects.select_for_update().filter(org=org, kind=Counter.MEMBER_NO).first()
        if row is None:
            try:
                with transaction.atomic():
                    Counter.objects.create(org=org, kind=Counter.MEMBER_NO, value=0)
            except IntegrityError:
                pass
            continue
        first = row.value + 1
        row.value += n
        row.save(update_fields=["value"])
        return first
    raise IntegrityError("member number counter")  # pragma: no cover


# --------------------------------------------------------------------------- one batch


def _select_in(
    sql_head: str, column: str, keys: Sequence[Any], names: Sequence[str]
) -> Iterable[dict[str, Any]]:
    """Rows whose `column` is in `keys`, as dicts (`sql_head` ends in WHERE or AND): plain SQL,
    the ORM's per-value cost is too high for a million lookups."""
    with connection.cursor() as cur:
        for chunk in _chunks(keys, LOOKUP_CHUNK):
            cur.execute(f"{sql_head} {column} IN ({', '.join(['%s'] * len(chunk))})", list(chunk))
            for row in cur.fetchall():
                yield dict(zip(names, row, strict=True))


def _existing(preps: list[Prep]) -> tuple[dict[str, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Persons of the batch already in the register, and their current memberships (by person id)."""
    qn = connection.ops.quote_name
    # the blind index is keyed only in the identity table (core.Identity): ids first, then persons
    head = f"SELECT {qn('person_id')} FROM {qn(Identity._meta.db_table)} WHERE"  # noqa: S608
    pids = [
        r["person_id"] for r in _select_in(head, qn("id_index"), [p.id_index for p in preps], ("person_id",))
    ]
    if not pids:
        return {}, {}
    p_cols = ("id", "id_index", *UPDATABLE)
    head = f"SELECT {', '.join(qn(c) for c in p_cols)} FROM {qn(Person._meta.db_table)} WHERE"  # noqa: S608
    persons = {row["id_index"]: row for row in _select_in(head, qn("id"), pids, p_cols)}
    m_cols = ("id", "person_id", "org_id", "org_path", "status", "member_no")
    statuses = ", ".join(f"'{s}'" for s in CURRENT_STATUSES)  # constants of the model, not input
    head = f"SELECT {', '.join(qn(c) for c in m_cols)} FROM {qn(Membership._meta.db_table)} WHERE {qn('status')} IN ({statuses}) AND"  # noqa: S608
    current = {}
    with connection.cursor() as cur:
        for chunk in _chunks([p["id"] for p in persons.values()], LOOKUP_CHUNK):
            cur.execute(f"{head} {qn('person_id')} IN ({', '.join(['%s'] * len(chunk))})", list(chunk))
            for row in cur.fetchall():
                m = dict(zip(m_cols, row, strict=True))
                current[m["person_id"]] = m
    return persons, current


def _merged(stored: dict[str, Any] | None, p: Prep, employer_id: int | None) -> dict[str, Any]:
    """The person's fields after the row: a value the row gives wins, an empty cell keeps."""
    out: dict[str, Any] = dict(stored) if stored else {
        "name": "", "ethnicity": "", "education": "", "political_status": "", "hukou_type": "", "is_migrant": False,
        "employment_status": "", "new_employment_group": "", "job": "", "skill_level": "", "is_model_worker": False,
        "employer_name": "", "employer_id": None, "phone_cipher": "", "phone_index": "", "phone_masked": "",
    }  # fmt: skip
    out["name"] = p.name
    for f in ("ethnicity", "education", "political_status", "hukou_type", "employment_status", "new_employment_group",
              "job", "skill_level", "is_model_worker"):  # fmt: skip
        v = getattr(p, f)
        if v is not None:
            out[f] = v
    if p.employer_name is not None:
        out["employer_name"] = p.employer_name
        out["employer_id"] = employer_id
    # 农民工 follows the hukou (members.actions.clean_person_fields) unless the file says it
    if p.is_migrant is not None:
        out["is_migrant"] = p.is_migrant
    elif p.hukou_type is not None:
        out["is_migrant"] = p.hukou_type == HUKOU_AGRICULTURAL
    if p.phone_index is not None and p.phone_index != out.get("phone_index"):
        out["phone_cipher"], out["phone_index"], out["phone_masked"] = (
            p.phone_cipher,
            p.phone_index,
            p.phone_masked,
        )
    return out


def _member_deltas(person: dict[str, Any], gender: str) -> dict[str, int]:
    return {
        "members": 1,
        "migrant_members": 1 if person["is_migrant"] else 0,
        "female_members": 1 if gender == "F" else 0,
        "new_employment_members": 1 if person["new_employment_group"] else 0,
    }


def apply_batch(ctx: Context, batch: Batch) -> Outcome:
    """Decide every row of the batch and, unless this is a dry run, write it. Runs inside the
    batch's transaction."""
    out = Outcome(refused=batch.refused, issues=list(batch.errors))
    if not batch.preps:
        return out
    make = Prep._make
    assert isinstance(batch.preps, list)  # unmarshalled by pipeline.batches_parallel
    preps = [make(t) for t in batch.preps]
    persons, current = _existing(preps)
    now = timezone.now()
    new_people: list[tuple[Prep, Org]] = []
    rejoin: list[tuple[Prep, Org, dict[str, Any]]] = []
    changed: list[
        tuple[dict[str, Any], dict[str, Any], Org, str]
    ] = []  # (before, after, org, membership status)
    elsewhere: list[tuple[Prep, int]] = []
    for p in preps:
        org = ctx.orgs[p.org]
        stored = persons.get(p.id_index)
        if stored is None:
            new_people.append((p, org))
            continue
        emp = ctx.employer_id(org, p.employer_name)
        m = current.get(stored["id"])
        if m is None:
            rejoin.append((p, org, {**_merged(stored, p, emp), "id": stored["id"]}))
        elif m["org_id"] == org.pk:
            if ctx.mode == Mode.SKIP:
                out.unchanged += 1
                continue
            after = _merged(stored, p, emp)
            if any(after[f] != stored[f] for f in UPDATABLE):
                changed.append((stored, after, org, m["status"]))
            else:
                out.unchanged += 1
        else:
            elsewhere.append((p, m["id"]))
    if elsewhere:
        ms = {
            m.pk: m
            for m in Membership.objects.select_related("org").filter(pk__in=[mid for _p, mid in elsewhere])
        }
        for p, mid in elsewhere:
            err = member_actions.already_member_error(ctx.user, ms[mid], org=ctx.orgs[p.org])
            out.issues.append((p.row, ctx.id_title, err.message))
        out.refused += len(elsewhere)
    out.created = len(new_people) + len(rejoin)
    out.updated = len(changed)
    if ctx.dry:
        return out
    _write(ctx, now, new_people, rejoin, changed)
    return out


def _write(
    ctx: Context, now_: dt.datetime, new_people: list[Any], rejoin: list[Any], changed: list[Any]
) -> None:
    job, user = ctx.job, ctx.user
    now = connection.ops.adapt_datetimefield_value(now_)  # once, not once per value
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    # in blind-index order: the unique index's B-tree is then walked once, left to right
    new_people.sort(key=lambda x: x[0].id_index)
    # on Citus each person on their union's shard (core.citus.person_ids_near)
    pids = citus.person_ids_near([org.pk for _p, org in new_people]) or reserve_ids(Person, len(new_people))
    # (person id, row, org, is_migrant, new-employment group)
    joiners: list[tuple[int, Prep, Org, bool, str]] = []
    person_rows: list[tuple[Any, ...]] = []
    add_person, add_joiner = person_rows.append, joiners.append
    org_keys: dict[int, tuple[str, dict[str, int]]] = {}
    for pid, (p, org) in zip(pids, new_people, strict=True):
        keys = org_keys.get(org.pk)
        if keys is None:
            keys = org_keys[org.pk] = (org.province_code, ctx.employer_map(org))
        ename = p.employer_name
        # the row's columns come ready from the reader (pipeline.prepare)
        add_person((pid, keys[0], keys[1].get(ename) if ename else None, now, now) + p.person)
        add_joiner((pid, p, org, p.person[14], p.new_employment_group or ""))
    _insert(Person, PERSON_COLUMNS, person_rows)
    identities = [(p.id_index, pid) for pid, (p, _o) in zip(pids, new_people, strict=True)]
    _insert(Identity, ("id_index", "person_id"), identities)
    updates = [(*(f[c] for c in UPDATABLE), now, f["id"]) for _p, _o, f in rejoin]
    updates += [(*(after[c] for c in UPDATABLE), now, before["id"]) for before, after, _o, _s in changed]
    daycount.roster_persons(rejoin, changed)  # campaigns' event counter: flags of earlier events
    _update_persons(updates)
    renamed = [(a["name"], b["id"]) for b, a, _o, _s in changed if a["name"] != b["name"]]
    _rename_memberships([(f["name"], f["id"]) for _p, _o, f in rejoin] + renamed)
    joiners += [(f["id"], p, org, bool(f["is_migrant"]), f["new_employment_group"]) for p, org, f in rejoin]
    # a former member may still hold a valid card (members.actions counts it on joining again)
    carded = (
        set(
            Card.objects.filter(
                person_id__in=[f["id"] for _p, _o, f in rejoin], status=CardStatus.VALID
            ).values_list("person_id", flat=True)
        )
        if rejoin
        else set()
    )

    # memberships: per union, a block of 会员编号 reserved at once
    by_org: dict[int, list[tuple[int, Prep, Org, bool, str]]] = defaultdict(list)
    for j in joiners:
        by_org[j[2].pk].append(j)
    mids = iter(reserve_ids(Membership, len(joiners)))
    m_rows: list[tuple[Any, ...]] = []
    e_rows: list[tuple[Any, ...]] = []
    today = timezone.localdate().isoformat()
    deltas: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    created_for: list[tuple[int, str, int]] = []  # (org id, id_index, membership id)
    note_prefix = f"名册导入 #{job.pk}"
    # the choices' plain values: sqlite3 binds an exact str at once, a str subclass only after
    # looking for an adapter (measurable at a million rows)
    active, roster, join, apply = (
        str.__str__(c) for c in (MembershipStatus.ACTIVE, Channel.ROSTER, EventType.JOIN, Reason.APPLY)
    )
    add_m, add_e, add_c = m_rows.append, e_rows.append, created_for.append
    for group in by_org.values():
        group.sort(key=lambda j: j[1].row)  # numbers follow the roster's order
        org = group[0][2]
        first = reserve_member_numbers(org, len(group))
        # 档案关: a row without a 登记表编号 gets the union's next one (issue 18)
        missing = sum(1 for j in group if not j[1].form_no)
        form_next = reserve_numbers(org, Counter.FORM_NO, missing) if missing else 0
        code, path, province, org_id = org.code, org.path, org.province_code, org.pk
        migrants = females = new_employment = cards = 0
        for k, (pid, p, _o, mig, grp) in enumerate(group):
            mid = next(mids)
            joined = p.joined_on or today
            # f"{code}{n:06d}" is members.actions.format_member_no, inlined (a million calls)
            form_no = p.form_no
            if not form_no:  # members.actions.format_form_no, inlined
                form_no, form_next = f"{code}-{form_next:06d}", form_next + 1
            add_m((mid, pid, org_id, path, province, f"{code}{first + k:06d}", form_no, joined, active, None,
                   roster, now, now, p.name))  # fmt: skip
            add_e(
                (
                    pid,
                    mid,
                    path,
                    join,
                    apply,
                    joined,
                    None,
                    org_id,
                    user_id,
                    f"{note_prefix} 第 {p.row} 行",
                    now,
                )
            )
            if mig:
                migrants += 1
            if p.gender == "F":
                females += 1
            if grp:
                new_employment += 1
            if pid in carded:
                cards += 1
            add_c((org_id, p.id_index, mid))
        d = deltas[path]
        d["members"] += len(group)
        d["migrant_members"] += migrants
        d["female_members"] += females
        d["new_employment_members"] += new_employment
        if cards:
            d["cards"] += cards
    _insert(Membership, MEMBERSHIP_COLUMNS, m_rows)
    # the unions' rolls (members/roll.py): org, membership, person, 会员编号, joined on
    _insert(RollEntry, ROLL_COLUMNS, [(r[2], r[0], r[1], r[5], r[7]) for r in m_rows])
    _insert(MembershipEvent, EVENT_COLUMNS, e_rows)
    daycount.roster_joins(e_rows, new_people, pids, rejoin)
    for before, after, org, status in changed:
        if status == MembershipStatus.ACTIVE:
            old, new = _member_deltas(before, ""), _member_deltas(after, "")
            d = deltas[org.path]
            for key in ("migrant_members", "new_employment_members"):
                d[key] += new[key] - old[key]
    _close_applications(created_for, user, now_)
    _bump_counters(deltas)


def _close_applications(created_for: list[tuple[int, str, int]], user: Any, now: dt.datetime) -> None:
    """An open application of someone the roster just made a member of that union is done."""
    if not created_for:
        return
    wanted = {(o, ix): mid for o, ix, mid in created_for}
    open_apps = Application.objects.filter(
        org_id__in={o for o, _ix, _m in created_for}, status__in=OPEN_APPLICATION_STATUSES
    )
    if open_apps.count() <= len(wanted):
        # the usual case: the unions have few open applications — fetch them all, match here
        # (one query instead of one per LOOKUP_CHUNK keys)
        hits = list(open_apps.values_list("id", "org_id", "id_index"))
    else:
        keys = sorted({ix for _o, ix, _m in created_for})
        qn = connection.ops.quote_name
        statuses = ", ".join(f"'{s}'" for s in OPEN_APPLICATION_STATUSES)  # model constants, not input
        head = f"SELECT {qn('id')}, {qn('org_id')}, {qn('id_index')} FROM {qn(Application._meta.db_table)} WHERE {qn('status')} IN ({statuses}) AND"  # noqa: S608
        hits = [
            (r["id"], r["org_id"], r["id_index"])
            for r in _select_in(head, qn("id_index"), keys, ("id", "org_id", "id_index"))
        ]
    reviewer = user if getattr(user, "is_authenticated", False) else None
    for pk, org_id, ix in hits:
        mid = wanted.get((org_id, ix))
        if mid is not None:
            Application.objects.filter(pk=pk).update(status=ApplicationStatus.APPROVED, membership_id=mid, reviewed_by=reviewer,
                                                     reviewed_at=now, reason="经名册导入入会", updated_at=now)  # fmt: skip


def _bump_counters(deltas: dict[str, dict[str, int]]) -> None:
    try:
        from gonghui.reports import counters
    except ImportError:  # pragma: no cover - the statistics app is optional here
        return
    counters.bump_many({path: dict(d) for path, d in deltas.items()})

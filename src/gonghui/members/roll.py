"""A union's roll (RollEntry): one row per current membership, by union (issue 13).

On a Citus cluster the register is distributed by person, so "who are the members of union X" has
no answer on one shard. The roll answers it: it is distributed by `org_id` and co-located with the
persons, and the persons a union registers get ids on the union's shard
(`core.citus.person_ids_near`), so a union's list and a card batch read the roll on one shard and
then their members' rows on that same shard.

Every write that makes a membership current or ends it keeps the roll in its transaction:
`members.actions.membership_open`, a status change, a transfer out, a union merge, an employer's
closure, the roster engine and the demo loaders. `gonghui stats --verify` compares the roll with the
current memberships row by row (`verify`), `--rebuild` writes it again (`rebuild`). The same table
and the same code on SQLite, PostgreSQL and Citus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, transaction

from gonghui.members.models import CURRENT_STATUSES, Membership, RollEntry

SHOWN = 100  # differences listed at most
Key = tuple[int, int, int, str, dt.date]  # org id, membership id, person id, 会员编号, joined on


def add(memberships: Iterable[Membership]) -> None:
    """The roll rows of these new memberships (those current: an ended one is on no roll)."""
    add_rows(
        (m.org_id, m.pk, m.person_id, m.member_no, m.joined_on)
        for m in memberships
        if m.status in CURRENT_STATUSES
    )


def added(memberships: list[Membership]) -> list[Membership]:
    """`add`, returning the memberships (for code that writes them itself: tests, loaders)."""
    add(memberships)
    return memberships


def add_rows(rows: Iterable[Key]) -> None:
    entries = [
        RollEntry(org_id=o, membership_id=m, person_id=p, member_no=no, joined_on=on)
        for o, m, p, no, on in rows
    ]
    if entries:
        RollEntry.objects.bulk_create(entries, batch_size=1000)


def remove(memberships: Iterable[Membership]) -> None:
    """Take these memberships off their unions' rolls (they ended, or moved to another union:
    `remove` with the old union, then `add`)."""
    by_org: dict[int, list[int]] = {}
    for m in memberships:
        by_org.setdefault(m.org_id, []).append(m.pk)
    for org_id, ids in by_org.items():  # one statement per union: one shard on Citus
        RollEntry.objects.filter(org_id=org_id, membership_id__in=ids).delete()


def keys(org: Any) -> Any:
    """The union's roll, newest first — the member list's order (joined on, membership id)."""
    return RollEntry.objects.filter(org_id=org.pk).order_by("-joined_on", "-membership_id")


def _stored() -> Iterator[Key]:
    return (
        RollEntry.objects.order_by("org_id", "membership_id")
        .values_list("org_id", "membership_id", "person_id", "member_no", "joined_on")
        .iterator(chunk_size=10_000)
    )


def _expected() -> Iterator[Key]:
    return (
        Membership.objects.filter(status__in=CURRENT_STATUSES)
        .order_by("org_id", "pk")
        .values_list("org_id", "pk", "person_id", "member_no", "joined_on")
        .iterator(chunk_size=10_000)
    )


def verify() -> list[dict[str, Any]]:
    """Rows of the roll that differ from the current memberships (at most SHOWN): a missing row, a
    row too many, or a row whose person, number or date differ. Both read in (union, membership)
    order and merged, so memory stays flat whatever the register's size."""
    diffs: list[dict[str, Any]] = []
    stored, expected = _stored(), _expected()
    s, e = next(stored, None), next(expected, None)
    while (s is not None or e is not None) and len(diffs) < SHOWN:
        if e is not None and (s is None or e[:2] < s[:2]):
            diffs.append({"path": f"org #{e[0]}", "field": f"roll #{e[1]}", "stored": None, "expected": e[3]})
            e = next(expected, None)
        elif s is not None and (e is None or s[:2] < e[:2]):
            diffs.append({"path": f"org #{s[0]}", "field": f"roll #{s[1]}", "stored": s[3], "expected": None})
            s = next(stored, None)
        else:
            assert s is not None and e is not None
            if s != e:
                diffs.append(
                    {"path": f"org #{s[0]}", "field": f"roll #{s[1]}", "stored": s[2:], "expected": e[2:]}
                )
            s, e = next(stored, None), next(expected, None)
    return diffs


def rebuild() -> int:
    """The roll written again from the current memberships (one INSERT … SELECT); the number of rows.
    On PostgreSQL (and Citus) the table is locked against writes first, so an act running meanwhile
    waits and then applies its change to the new rows (SQLite's write lock does the same)."""
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c) for c in ("org_id", "membership_id", "person_id", "member_no", "joined_on"))
    statuses = ", ".join(f"'{s}'" for s in CURRENT_STATUSES)  # model constants
    sql = (
        f"INSERT INTO {qn(RollEntry._meta.db_table)} ({cols}) "  # noqa: S608 - names from the models
        f"SELECT {qn('org_id')}, {qn('id')}, {qn('person_id')}, {qn('member_no')}, {qn('joined_on')} "
        f"FROM {qn(Membership._meta.db_table)} WHERE {qn('status')} IN ({statuses})"
    )
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"LOCK TABLE {qn(RollEntry._meta.db_table)} IN EXCLUSIVE MODE")
        RollEntry.objects.all().delete()
        cur.execute(sql)
        return max(cur.rowcount, 0)

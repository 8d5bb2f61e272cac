"""The copy of each person's name on their memberships (Membership.name, issue 19), checked and
rebuilt by `gonghui stats --verify` / `--rebuild` (core.extensions.counter_check).

The member search reads the copy (members.selectors._name_filter): a membership whose copy differs
from its person's name would be found under the old name, or missed. Every write keeps it equal —
a membership is opened with the person's name (members.actions.membership_open, the union merge,
the roster engine, the demo loaders) and a name change updates every membership of the person
(members.actions.names_follow, the roster engine's `_rename_memberships`)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F

from gonghui.members.models import Membership, Person

SHOWN = 100  # differences listed at most (a wholesale mismatch would list millions)


def verify() -> list[dict[str, Any]]:
    """Memberships whose copy of the name differs from their person's (at most SHOWN)."""
    off = Membership.objects.exclude(name=F("person__name")).order_by("pk")
    return [
        {"path": path, "field": f"membership.name #{pk}", "stored": name, "expected": expected}
        for pk, path, name, expected in off.values_list("pk", "org_path", "name", "person__name")[:SHOWN]
    ]


def rebuild() -> int:
    """Set every differing copy to the person's name (one statement); the number of rows changed."""
    qn = connection.ops.quote_name
    m, p = qn(Membership._meta.db_table), qn(Person._meta.db_table)
    sql = (
        f"UPDATE {m} SET {qn('name')} = {p}.{qn('name')} FROM {p} "  # noqa: S608 - names from the models
        f"WHERE {p}.{qn('id')} = {m}.{qn('person_id')} AND {m}.{qn('name')} <> {p}.{qn('name')}"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        return max(cur.rowcount, 0)

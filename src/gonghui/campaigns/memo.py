"""Campaign figures kept between requests, keyed by the version of the data they count (issue 19).

Only the 新建基层工会 measure uses it now: its figures are counted over the subtree's base unions
(founding dates). The membership measures read the per-day event counter (`daycount`), which is
current after every write and costs a few indexed rows, so nothing of theirs is kept here.

Those figures change only when something is written:
every write path is audited in its own transaction (`core.audit`) and every membership event is a
new row, so the pair (last audit entry, last event) changes with every write that can move a
figure — a join, leave or transfer, a person's migrant flag or real-name fields, a form number,
an org's founding date or move, an import batch. A cached figure is used only while that pair is
unchanged, so it is what a live count would give (one cheap query: two index-max lookups). The
entries also expire after a few minutes, so a write made outside the audited paths (a shell, a
command that writes without an audit entry) shows within that time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection

from gonghui.campaigns.models import Campaign
from gonghui.core.models import AuditEntry
from gonghui.members.models import MembershipEvent

T = TypeVar("T")
TTL = 300


def data_version() -> str:
    """Changes with every audited write and every new membership event (one query)."""
    q = connection.ops.quote_name
    audit, events = q(AuditEntry._meta.db_table), q(MembershipEvent._meta.db_table)
    # table names come from the models, quoted; nothing from the request
    sql = f"SELECT (SELECT MAX(id) FROM {audit}), (SELECT MAX(id) FROM {events})"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql)
        a, e = cur.fetchone()
    return f"{a or 0}.{e or 0}"


def remember(kind: str, campaign: Campaign, *parts: Any, compute: Callable[[], T], version: str = "") -> T:
    """`compute()` once per data version, campaign state, and `parts` (unit path, dates)."""
    stamp = campaign.updated_at.timestamp() if campaign.updated_at else 0
    key = ":".join(map(str, ("campaign", kind, campaign.pk, stamp, *parts, version or data_version())))
    hit = cache.get(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    value = compute()
    cache.set(key, value, TTL)
    return value

"""Small database helpers shared by the bulk paths (demo loaders, roster import)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection


def analyze(models: Iterable[Any] | None = None) -> None:
    """Refresh the planner's statistics for `models`' tables after a bulk load.

    Without it PostgreSQL plans the next query over a freshly loaded table as if it were empty
    (autovacuum cannot see rows of a transaction still open, as in a test or a single-transaction
    load) and can pick a nested loop that runs for minutes instead of a hash join that takes 100 ms.
    ANALYZE may run inside a transaction and counts the rows this transaction inserted."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        if models is None:  # every table of the database
            cur.execute("ANALYZE")
            return
        for model in models:
            cur.execute(f"ANALYZE {qn(model._meta.db_table)}")

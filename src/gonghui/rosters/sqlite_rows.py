"""Inserting a batch's narrow rows on SQLite with one statement instead of one per row.

`executemany` binds every value of every row: for a membership (13 columns) or a 入会 event (11)
that binding costs more than SQLite's own work on the row (measured: 200,000 events 1.4 s through
`executemany`, 0.5 s as below). Most of those columns hold the same value in every row of a batch
(the union, its path, the status, the timestamps) or count up by one (the ids `reserve_ids` gives
on SQLite). So: the columns that never change are bound once, a column that counts up is written
as its first value plus the row's position, and only the rest travel, as one JSON array bound as
one parameter and unpacked by SQLite's `json_each`:

    INSERT INTO t (id, org_id, member_no, joined_on)
    SELECT ? + j.key, ?, j.value ->> 0, j.value ->> 1 FROM json_each(?) AS j

Each JSON value is parsed again by each `->>`, so this pays only for narrow rows: a new person
(20 changing columns) stays with `executemany` (measured slower this way). Values come out as they
went in: JSON numbers as integers, strings as text, null as NULL; a row with any other type of
value (a date object, bytes) is not encoded and the caller binds it as before.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db import connection

# json_each and `->>` are built into SQLite from 3.38 on (2022)
AVAILABLE = sqlite3.sqlite_version_info >= (3, 38, 0)
MAX_VARYING = 5  # wider rows: executemany is faster (each `->>` parses the value again)
MIN_ROWS = 50  # a few rows: one statement per row costs nothing worth a second code path
PLAIN = {int, str, type(None)}


def insert(table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> bool:
    """INSERT `rows` (tuples in `columns` order) into `table` with one statement; False (nothing
    written) when the rows are too few or too wide for it, or not all JSON values."""
    if not AVAILABLE or len(rows) < MIN_ROWS or connection.vendor != "sqlite":
        return False
    n = len(rows)
    exprs: list[str] = []
    params: list[Any] = []
    varying: list[tuple[Any, ...]] = []
    for col in zip(*rows, strict=True):  # column by column (zip in C: cheap next to the insert)
        first = col[0]
        if col.count(first) == n:  # the same in every row (equality; NULL with NULL too)
            exprs.append("%s")
            params.append(first)
        elif type(first) is int and col == tuple(range(first, first + n)):
            exprs.append("%s + j.key")
            params.append(first)
        else:
            exprs.append("")  # filled below, once the number of varying columns is known
            varying.append(col)
    if not varying or len(varying) > MAX_VARYING:
        return False
    # only what JSON gives back unchanged (not bool, float, dates, bytes); map/set run in C
    if not set().union(*(map(type, col) for col in varying)) <= PLAIN:
        return False
    if len(varying) == 1:
        values: list[Any] = list(varying[0])
        picks = ["j.value"]
    else:
        values = list(zip(*varying, strict=True))
        picks = [f"j.value ->> {k}" for k in range(len(varying))]
    payload = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    it = iter(picks)
    exprs = [e or next(it) for e in exprs]
    # `j.key` counts from 0 in array order. The placeholders are bound in the order they appear:
    # the constants and first ids in column order, then the JSON array.
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    # Table and column names come from the model's metadata, never from input; values are parameters.
    sql = f"INSERT INTO {qn(table)} ({names}) SELECT {', '.join(exprs)} FROM json_each(%s) AS j"  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, [*params, payload])
    return True

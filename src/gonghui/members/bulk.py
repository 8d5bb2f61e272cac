"""Plain multi-row inserts for large loads (the demo; later roster import): tuples straight into
`cursor.executemany`, no model instances — bulk_create spends most of its time building and
compiling them (measured: ~4× slower on the demo's 400,000 rows).

Callers pass values already in Python form; dates and datetimes are adapted through the
backend's own `connection.ops`, so the same rows go into SQLite and PostgreSQL. Primary keys are
assigned by the caller (`next_ids`) so related rows can refer to them; `reset_sequences` puts
PostgreSQL's sequences past them afterwards (SQLite needs nothing). Use inside a transaction that
holds the write lock (SQLite IMMEDIATE) or on tables nobody else writes to at the time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


def next_id(model: type[models.Model]) -> int:
    return (cast(Any, model).objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _adapter(field: models.Field) -> Any:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    return None


def insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk: int = 5000
) -> int:
    """INSERT rows (tuples in `columns` order; FK columns by `<name>_id`). Returns the count."""
    meta = model._meta
    # attnames (person_id) resolve too; insert columns are always concrete fields, never relations
    fields = [cast("models.Field[Any, Any]", meta.get_field(c)) for c in columns]
    adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
    qn = connection.ops.quote_name
    # Table and column names come from the model's metadata, never from input.
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(cast(str, f.column)) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    n = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cur:
        for row in rows:
            values = list(row)
            for i, adapt in adapters:
                if values[i] is not None:
                    values[i] = adapt(values[i])
            batch.append(values)
            if len(batch) >= chunk:
                cur.executemany(sql, batch)
                n += len(batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
            n += len(batch)
    return n


def reset_sequences(*model_list: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cur:
            for s in statements:
                cur.execute(s)

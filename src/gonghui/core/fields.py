"""Model fields of the core: `OrgPathField`, the mark on every column that holds an org's path.

Scope is kept by construction: a row that copies the materialised path (`Org.path`, treebeard's
steplen-4 codes) of the union it belongs to gets subtree filters without a join, and a subtree
move (`orgs.actions.org_move`) must rewrite every such copy, or the old parent keeps seeing rows
that left it. There is no list to keep up to date: the move finds the columns by introspection
(`org_path_columns()`: every concrete field of every installed model that is an `OrgPathField`),
and `tests/core/test_org_paths.py` checks that every `*_path` column of every model is one.

The column type is a plain varchar(255): making a field an `OrgPathField` changes nothing in the
database (its migration is an AlterField with the same column).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models


class OrgPathField(models.CharField):  # type: ignore[type-arg]
    """A copy of an org's materialised path (Org.path), rewritten when the subtree moves."""

    description = "Materialised path of an org (rewritten by subtree moves)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)


@OrgPathField.register_lookup
class PathPrefix(models.lookups.StartsWith):
    """`org_path__startswith=p` as the range `p <= org_path < p'` (p' = p with its last character
    incremented): the same rows, but SQLite can use the column's index for it — its LIKE is
    case-insensitive and never does, so every subtree filter scanned the whole table (issue 19).
    PostgreSQL walks the same B-tree either way. Paths are ASCII, compared bytewise on both."""

    lookup_name = "startswith"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not self.rhs_is_direct_value() or not isinstance(self.rhs, str) or not self.rhs:
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", (*lhs_params, self.rhs, *lhs_params, upper)


@OrgPathField.register_lookup
class PathPrefixWalk(PathPrefix):
    """`org_path__startswith_walk=p`: the same rows as `startswith`, but on SQLite the range is
    written `+org_path`, which tells SQLite's planner not to use an index on the path for it. For
    a subtree holding a large share of the table sorted newest first (a county admin's member
    list), walking an index on the sort key backwards and skipping the few rows outside finds a
    page after a few dozen rows, where the path index reads and sorts the whole subtree (26 ms →
    0.3 ms for the demo county's 103,000 members; members.selectors.walk_newest_first). On
    PostgreSQL it is the plain range: the newest-first index exists on SQLite only."""

    lookup_name = "startswith_walk"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if not self.rhs_is_direct_value() or not isinstance(self.rhs, str) or not self.rhs:
            raise ValueError("org_path__startswith_walk takes an org's path (a non-empty string)")
        return super().as_sql(compiler, connection)

    def process_lhs(self, compiler: Any, connection: Any, lhs: Any = None) -> Any:
        sql, params = super().process_lhs(compiler, connection, lhs)
        return (f"+{sql}" if connection.vendor == "sqlite" else sql), params


def org_path_columns() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every OrgPathField of every installed, concrete, managed model."""
    out = []
    for model in apps.get_models():
        meta = model._meta
        if meta.abstract or meta.proxy or not meta.managed:
            continue
        for f in meta.local_concrete_fields:
            if isinstance(f, OrgPathField):
                out.append((model, f.name))
    return out

"""Pages of a long list in two steps (issue 19): the page's ids first, then its rows.

The member list sorts a subtree's memberships newest first (joined_on, id) and shows 20 of them.
In one query the database sorts every matching row *with* its person and org columns and the
per-row card check, then throws all but 20 away: for a county's 100,000 members that is most of the
page's time. `PagedQuerySet` slices in two queries instead — the ids of the page (sorted on two
narrow columns), then the rows and annotations of just those ids — the same rows in the same order,
one query more whatever the page or subtree size.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.query import ModelIterable


class PagedQuerySet(QuerySet):  # type: ignore[type-arg]
    def __getitem__(self, k: Any) -> Any:
        if (
            not isinstance(k, slice)
            or self._result_cache is not None
            or self._iterable_class is not ModelIterable
        ):
            return super().__getitem__(k)
        ids = list(self.values_list("pk", flat=True)[k])
        if not ids:
            return []
        rows = {o.pk: o for o in self.order_by().filter(pk__in=ids)}  # type: ignore[attr-defined]
        return [rows[i] for i in ids if i in rows]


def paged(qs: QuerySet[Any]) -> QuerySet[Any]:
    """`qs` as a PagedQuerySet (same query; slicing it fetches a page in two steps)."""
    clone = qs._chain()  # type: ignore[attr-defined]
    clone.__class__ = PagedQuerySet
    return clone  # type: ignore[no-any-return]

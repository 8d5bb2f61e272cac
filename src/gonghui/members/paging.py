"""Pages of a long list without counting it (issue 19).

The member list sorts a subtree's memberships newest first (joined_on, id) and shows a page of
them. Two costs grew with the subtree: sorting it with every person and org column and the card
check attached, and the paginator's COUNT(*) over it.

* `PagedQuerySet` slices in two queries — the ids of the page (sorted on narrow columns), then
  the rows and annotations of just those ids: the same rows in the same order.
* `page_of` never runs COUNT(*): the unfiltered list takes its total from the counters kept in
  the write's transaction (`reports.OrgCounter`, passed in as `count`); a filtered list (a search)
  fetches the ids of at most `CAP` + 1 newest matches in one bounded sort, pages through those and
  says "1000+" when there are more — narrow the search to see the rest. Either way a page is two
  queries (ids, rows) whatever the subtree's size.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

CAP = 1000  # a search shows its newest 1,000 matches at most


class PagedQuerySet(QuerySet):  # type: ignore[type-arg]
    def __getitem__(self, k: Any) -> Any:
        if (
            not isinstance(k, slice)
            or self._result_cache is not None
            or self._iterable_class is not ModelIterable
        ):
            return super().__getitem__(k)
        ids = list(self.values_list("pk", flat=True)[k])
        return rows_of(self, ids)


def rows_of(qs: QuerySet[Any], ids: list[Any]) -> list[Any]:
    """The rows of `qs` with these ids, in the order of `ids` (no query for none)."""
    if not ids:
        return []
    rows = {o.pk: o for o in qs.order_by().filter(pk__in=ids)}
    return [rows[i] for i in ids if i in rows]


def paged(qs: QuerySet[Any]) -> QuerySet[Any]:
    """`qs` as a PagedQuerySet (same query; slicing it fetches a page in two steps)."""
    clone = qs._chain()  # type: ignore[attr-defined]
    clone.__class__ = PagedQuerySet
    return clone  # type: ignore[no-any-return]


class ListPaginator(Paginator):
    """A paginator whose total is known without counting; `capped`: there are more than `count`."""

    capped = False


def page_of(qs: QuerySet[Any], number: Any, per: int, *, count: int | None = None, cap: int = CAP) -> Page:
    """Page `number` of the ordered `qs`: with `count` (from counters) any page of the whole list;
    without, a page of the first `cap` rows (one bounded sort for ids and total, then the rows)."""
    if count is not None:
        p = ListPaginator(paged(qs), per)
        p.__dict__["count"] = count  # Paginator.count is a cached_property: no COUNT(*) query
        return p.get_page(number)
    ids = list(qs.values_list("pk", flat=True)[: cap + 1])
    p = ListPaginator(ids[:cap], per)
    p.capped = len(ids) > cap
    page = p.get_page(number)
    page.object_list = rows_of(qs, list(page.object_list))
    return page


def roll_page(
    qs: QuerySet[Any], keys: QuerySet[Any], number: Any, per: int, *, count: int | None = None
) -> Page:
    """Page `number` of one union's current members from its roll (members/roll.py), as
    `RolledList` reads it. `count`: the union's figure from the counters (else the roll's)."""
    p = ListPaginator(RolledList(qs, keys), per)  # type: ignore[arg-type]  # slicing and count() are all it uses
    if count is not None:
        p.__dict__["count"] = count  # Paginator.count is a cached_property: no COUNT(*) query
    return p.get_page(number)


class RolledList:
    """One union's current members in the list's order, from its roll: a slice is a slice of the
    roll's (membership id, person id) pairs, then the rows of `qs` for them, picked by both ids —
    on Citus the roll is one shard, and the rows are on the shard of the persons the union
    registered (core.citus.person_ids_near). Sliced by the page's paginator and by the API's
    limit/offset pagination; its count is the roll's (one shard, where the register would count
    over every shard)."""

    def __init__(self, qs: QuerySet[Any], keys: QuerySet[Any]) -> None:
        self.qs, self.keys = qs, keys

    def all(self) -> RolledList:
        return self

    def count(self) -> int:
        return self.keys.count()

    def __getitem__(self, k: slice) -> list[Any]:
        pairs = list(self.keys.values_list("membership_id", "person_id")[k])
        return rows_of(self.qs.filter(person_id__in={pid for _m, pid in pairs}), [m for m, _p in pairs])

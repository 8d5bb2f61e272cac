"""List pages and API lists run a fixed number of queries whatever the page size (DESIGN.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.members import actions, cards
from gonghui.members.models import Membership
from tests.members.conftest import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(tree):
    admin = tree["users"]["county_admin"]
    for i in range(60):
        actions.member_register(
            user=admin,
            org=tree["orgs"]["T0003"],
            **person(name=f"会员{i}", new_employment_group="courier" if i % 3 else ""),
        )
    for _ in range(60):
        actions.application_create(
            user=admin, org=tree["orgs"]["T0004"], channel="paper", consent_version="t", **person()
        )
    members = list(Membership.objects.order_by("id"))
    for m in members[:55]:
        actions.transfer_start(user=admin, membership=m, to_org=tree["orgs"]["T0006"], side="from")
    cards.card_batch_issue(
        user=admin, org=tree["orgs"]["T0003"], membership_ids=[m.pk for m in members[5:60]]
    )
    for _ in range(55):
        actions.member_register(user=admin, org=tree["orgs"]["T0008"], **person())  # without cards
    return members


def _count(fn):
    fn()  # warm caches (code tables, session)
    with CaptureQueriesContext(connection) as ctx:
        resp = fn()
    assert resp.status_code == 200, resp.content[:500]
    return len(ctx.captured_queries), resp


PAGES = [
    ("members:list", {}, "会员"),
    ("members:list", {"group": "courier", "migrant": "1"}, "会员"),
    ("members:applications", {}, "T0004-"),
    ("members:cards", {}, "T0008"),
    ("members:transfers", {}, "西镇丁公司工会"),
]


@pytest.mark.parametrize("name, params, marker", PAGES)
def test_list_pages_have_a_fixed_query_count(many, login, name, params, marker):
    c = login("county_admin")
    n10, r10 = _count(lambda: c.get(reverse(name), {**params, "per": 10}))
    n50, r50 = _count(lambda: c.get(reverse(name), {**params, "per": 50}))
    rows10, rows50 = r10.content.decode().count("<tr>"), r50.content.decode().count("<tr>")
    assert rows50 > rows10 >= 10, (rows10, rows50)
    assert n10 == n50, f"{name}: {n10} queries at 10 rows, {n50} at 50"


def test_card_batch_page_has_a_fixed_query_count(many, login):
    from gonghui.members.models import CardBatch

    c = login("county_admin")
    batch = CardBatch.objects.get()
    n10, _ = _count(lambda: c.get(reverse("members:card_batch", args=[batch.pk]), {"per": 10}))
    n50, _ = _count(lambda: c.get(reverse("members:card_batch", args=[batch.pk]), {"per": 50}))
    assert n10 == n50


def test_member_search_by_id_runs_the_same_queries(many, login, register):
    c = login("county_admin")
    number = person()["id_number"]
    register("T0003", id_number=number)
    n_idp, _ = _count(lambda: c.get(reverse("members:list"), {"per": 50}, HTTP_X_IDP=number))
    n_all, _ = _count(lambda: c.get(reverse("members:list"), {"per": 50}))
    # the unfiltered list reads its total from the counters (one query); a search counts its
    # own matches with its ids (issue 19): one query fewer, never more
    assert n_idp == n_all - 1


@pytest.mark.parametrize("path", ["/members", "/applications", "/cards", "/cards/missing", "/transfers"])
def test_api_lists_have_a_fixed_query_count(many, client, api_token, path):
    h = api_token("county_admin")
    n10, r10 = _count(lambda: client.get("/api/v1" + path, {"limit": 10}, **h))
    n50, r50 = _count(lambda: client.get("/api/v1" + path, {"limit": 50}, **h))
    assert len(r10.json()["items"]) == 10 and len(r50.json()["items"]) == 50
    assert n10 == n50, f"{path}: {n10} vs {n50}"


@pytest.mark.parametrize("username", ["county_admin", "east_admin"])
def test_a_large_subtree_walks_the_newest_first_index_to_the_same_page(many, login, monkeypatch, username):
    """The plain list of a subtree holding a large share of the register reads the newest-first
    index on SQLite (members.selectors.walk_newest_first): the same rows in the same order,
    page after page, as the path index's sort."""
    from gonghui.members import selectors

    monkeypatch.setattr(selectors, "WALK_MIN", 0)  # the fixture's subtrees are small
    c = login(username)

    def pages() -> list[tuple[str, list[str]]]:
        out = []
        for number in (1, 2, 3):
            with CaptureQueriesContext(connection) as ctx:
                resp = c.get(reverse("members:list"), {"per": 10, "page": number})
            assert resp.status_code == 200
            ids_sql = next(
                q["sql"]
                for q in ctx.captured_queries
                if q["sql"].startswith('SELECT "members_membership"."id" AS "pk"')
            )
            rows = [r.split("</td>")[0] for r in resp.content.decode().split("<tr>")[2:]]
            out.append((ids_sql, rows))
        return out

    walked = pages()
    monkeypatch.setattr(selectors, "walk_newest_first", lambda count, page: False)  # the path index
    sorted_ = pages()
    assert [rows for _sql, rows in walked] == [rows for _sql, rows in sorted_]
    assert sum(len(rows) for _sql, rows in walked) >= 20
    walks = connection.vendor == "sqlite"  # PostgreSQL has no such index and sorts, as before
    with connection.cursor() as cur:
        indexes = list(connection.introspection.get_constraints(cur, "members_membership"))
    assert ("membership_recent" in indexes) == walks  # made by migration 0014 on SQLite alone
    assert all(('+"members_membership"."org_path"' in sql) == walks for sql, _rows in walked)
    assert not any('+"members_membership"' in sql for sql, _rows in sorted_)


@pytest.mark.parametrize("params", [{}, {"org": "T0003"}])
def test_a_unions_list_is_a_page_of_its_roll_the_same_as_the_register_sorted(
    many, login, monkeypatch, params
):
    """One union's plain list (its clerk's, or a county admin's narrowed to it) pages through the
    union's roll (members/roll.py) — on Citus one shard — and shows the same rows in the same order,
    page after page, as the register sorted; the same number of queries."""
    from gonghui.members import selectors

    c = login("a_clerk" if not params else "county_admin")

    def pages() -> list[tuple[list[str], int, list[str]]]:
        out = []
        c.get(reverse("members:list"), params)  # the session's first request reads more
        for number in (1, 2, 3, 7):
            with CaptureQueriesContext(connection) as ctx:
                resp = c.get(reverse("members:list"), {**params, "per": 10, "page": number})
            assert resp.status_code == 200
            rows = [r.split("</td>")[0] for r in resp.content.decode().split("<tr>")[2:]]
            out.append((rows, len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]))
        return out

    rolled = pages()
    monkeypatch.setattr(selectors, "on_roll", lambda f, org: False)
    sorted_ = pages()
    assert [r for r, _n, _s in rolled] == [r for r, _n, _s in sorted_]
    assert [len(r) for r, _n, _s in rolled] == [10, 10, 10, 10]  # 60 members: page 7 is page 6
    assert [n for _r, n, _s in rolled] == [n for _r, n, _s in sorted_]
    assert all(any("members_rollentry" in q for q in sqls) for _r, _n, sqls in rolled)
    assert not any("members_rollentry" in q for _r, _n, sqls in sorted_ for q in sqls)


def test_a_unions_api_list_pages_its_roll_the_same_as_the_register(many, client, api_token, monkeypatch):
    """GET /api/v1/members for one union (its clerk's token): the roll's pages and count, the same
    items in the same order as the register sorted, through limit and offset to the last page."""
    from gonghui.members import selectors

    h = api_token("a_clerk")

    def pages() -> list[tuple[dict, list[str]]]:
        out = []
        for offset in (0, 10, 50, 55):
            with CaptureQueriesContext(connection) as ctx:
                r = client.get("/api/v1/members", {"limit": 10, "offset": offset}, **h)
            assert r.status_code == 200
            out.append((r.json(), [q["sql"] for q in ctx.captured_queries]))
        return out

    rolled = pages()
    monkeypatch.setattr(selectors, "on_roll", lambda f, org: False)
    plain = pages()
    assert [j for j, _s in rolled] == [j for j, _s in plain]
    assert rolled[0][0]["count"] == 60 and [len(j["items"]) for j, _s in rolled] == [10, 10, 10, 5]
    assert all(any("members_rollentry" in q for q in s) for _j, s in rolled)
    assert not any("members_rollentry" in q for _j, s in plain for q in s)

"""Issue 19: the campaign page keeps its period figures between requests (campaigns/memo.py), keyed
by the data's version — they must be what a live count gives after every write, at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.campaigns import memo, selectors

ON = dt.date(2026, 6, 1)


def _figures(b: Any) -> dict[str, tuple[int, int, int]]:
    units = {b.root.org.code: b.root, **{u.org.code: u for u in b.children}}
    return {code: (u.done, u.joins, u.complete) for code, u in units.items()}


def _same(c: Any, root: Any = None) -> dict[str, tuple[int, int, int]]:
    kept = selectors.board(c, root=root, on=ON, remembered=True)
    live = selectors.board(c, root=root, on=ON)
    assert _figures(kept) == _figures(live)
    org = root or c.org
    assert selectors.trend(c, org, on=ON, remembered=True) == selectors.trend(c, org, on=ON)
    return _figures(kept)


def test_kept_figures_follow_joins_leaves_and_person_changes(db, register_story, make_campaign, join):
    from gonghui.members import actions

    c = make_campaign()
    migrant = make_campaign(measure="migrant_members")
    before = _same(c)
    with CaptureQueriesContext(connection) as ctx:  # kept: no count over the events, only the version
        selectors.board(c, on=ON, remembered=True)
    assert [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]] == []
    _same(migrant)
    _same(c, register_story["orgs"]["T0002"])
    version = memo.data_version()
    new = join("T0004", dt.date(2026, 5, 1), n=2, migrant=False)
    assert memo.data_version() != version
    after = _same(c)
    assert after["T0001"][0] == before["T0001"][0] + 2
    assert _same(c, register_story["orgs"]["T0002"])["T0002"][0] == after["T0002"][0]
    actions.membership_leave(user=None, membership=new[0], on=dt.date(2026, 5, 20))
    assert _same(c)["T0001"][0] == before["T0001"][0] + 1
    # no new event: a person becomes 农民工 — the migrant campaign counts their join at once
    was = _same(migrant)["T0001"][0]
    actions.person_update(user=None, membership=new[1], name="会员改", is_migrant=True)
    assert _same(migrant)["T0001"][0] == was + 1

"""Issue 19: the campaign figures come from the per-day event counter (campaigns.EventDay), kept in
the transaction of every event write (campaigns/daycount.py) — after any write the page shows the
new figure at once, with the same queries, and nothing counts the events again. `stats --verify`
compares the counter with a recount from the events, which is what the page showed before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.campaigns import daycount, selectors
from gonghui.campaigns.models import EventDay

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)


def _figures(b: Any) -> dict[str, tuple[int, int, int]]:
    units = {b.root.org.code: b.root, **{u.org.code: u for u in b.children}}
    return {code: (u.done, u.joins, u.complete) for code, u in units.items()}


def _exact() -> None:
    assert daycount.verify() == []


def test_a_write_shows_on_the_page_at_once_with_the_same_queries(
    login: Any, register_story: Any, make_campaign: Any, join: Any
) -> None:
    c = make_campaign(ends_on=dt.date(2030, 9, 30))
    client = login("county_admin")
    client.get(f"/campaigns/{c.pk}/")  # the session and the page's caches warm
    with CaptureQueriesContext(connection) as first:
        before = client.get(f"/campaigns/{c.pk}/").context["b"].root.done
    join("T0004", dt.date(2026, 5, 1), n=2, migrant=False)
    with CaptureQueriesContext(connection) as after:
        resp = client.get(f"/campaigns/{c.pk}/")
    assert resp.context["b"].root.done == before + 2
    assert resp.context["chart"]["trend"]["done"][-1] == before + 2
    assert len(after.captured_queries) == len(first.captured_queries)
    events = [q["sql"] for q in after.captured_queries if "membershipevent" in q["sql"].lower()]
    assert events == []  # read from the counter: no count over the events after the write


def test_joins_leaves_transfers_and_person_changes_keep_it_exact(
    register_story: Any, make_campaign: Any, join: Any
) -> None:
    from gonghui.members import actions

    _exact()
    c, migrant, real = (
        make_campaign(),
        make_campaign(measure="migrant_members"),
        make_campaign(measure="real_name"),
    )
    base = {k: _figures(selectors.board(k, on=ON))["T0001"] for k in (c, migrant, real)}
    new = join("T0004", dt.date(2026, 5, 1), n=2, migrant=False)
    no_phone = join("T0006", dt.date(2026, 5, 2), phone=False)[0]
    _exact()
    assert _figures(selectors.board(c, on=ON))["T0001"][0] == base[c][0] + 3
    actions.membership_leave(user=None, membership=new[0], on=dt.date(2026, 5, 20))
    # no new event: a person becomes 农民工 — the migrant campaign counts their join at once
    actions.person_update(user=None, membership=new[1], name="会员改", is_migrant=True)
    assert _figures(selectors.board(migrant, on=ON))["T0001"][0] == base[migrant][0] + 2
    # a phone given later completes the real-name record of a join in the period
    was = _figures(selectors.board(real, on=ON))["T0001"]
    actions.person_update(user=None, membership=no_phone, name=no_phone.person.name, phone="13900001234",
                          hukou_type="agri", employer_name="甲公司")  # fmt: skip
    assert _figures(selectors.board(real, on=ON))["T0001"][:3:2] == (was[0] + 1, was[2] + 1)
    t = actions.transfer_start(
        user=None, membership=new[1], to_org=register_story["orgs"]["T0003"], side="from"
    )
    actions.transfer_accept(user=None, transfer=t, on=dt.date(2026, 5, 25))
    _exact()
    # the trend's last day is the board's total, and the list's figure too
    assert selectors.trend(c, c.org, on=ON)["done"][-1] == selectors.board(c, on=ON).root.done
    assert selectors.root_done(c, c.org, on=ON) == selectors.board(c, on=ON).root.done


def test_subtree_move_merge_and_closure_keep_it_exact(register_story: Any, make_campaign: Any) -> None:
    from gonghui.orgs import actions as org_actions
    from gonghui.orgs import closure
    from gonghui.orgs.models import Employer, Org

    orgs, admin = register_story["orgs"], register_story["users"]["county_admin"]
    c = make_campaign()
    total = selectors.board(c, on=ON).root.done
    east_before = _figures(selectors.board(c, on=ON))["T0002"][0]
    moved = _figures(selectors.board(c, root=orgs["T0002"], on=ON))["T0003"][0]
    org_actions.org_move(user=admin, org=orgs["T0003"], new_parent=Org.objects.get(code="T0005"))
    _exact()
    after = _figures(selectors.board(c, on=ON))
    assert after["T0002"][0] == east_before - moved and after["T0001"][0] == total
    closure.employer_close(
        user=admin, employer=Employer.objects.get(name="甲公司")
    )  # T0003's members retained
    _exact()
    org_actions.org_merge(
        user=admin, source=Org.objects.get(code="T0004"), target=Org.objects.get(code="T0006")
    )
    _exact()
    assert selectors.board(c, on=ON).root.done == total  # the closure and the merge wrote after ON


def test_roster_import_counts_its_joins(tree: Any, make_campaign: Any, tmp_path: Any, settings: Any) -> None:
    from tests.rosters.conftest import HEADER, person_row, write_xlsx_rows

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }
    from gonghui.rosters import actions

    c = make_campaign(measure="real_name")
    rows = [HEADER, *(person_row(n, joined="2026-02-03") for n in range(1, 6))]
    rows.append(person_row(6, joined="2026-02-03", phone=""))  # no phone: not a complete record
    path = write_xlsx_rows(tmp_path / "r.xlsx", rows)
    job = actions.roster_import_create(user=tree["users"]["east_clerk"], org=tree["orgs"]["T0003"], path=str(path),
                                       source_name="r.xlsx", uploaded=False, mode="update", dry_run=False)  # fmt: skip
    actions.roster_import_run(job_id=job.pk)
    _exact()
    assert _figures(selectors.board(c, on=ON))["T0001"] == (5, 6, 5)


def test_stats_verify_catches_a_wrong_counter_and_rebuild_repairs_it(register_story: Any) -> None:
    call_command("stats", "--verify")
    row = (
        EventDay.objects.filter(path="0001").order_by("day").last() or EventDay.objects.order_by("pk").last()
    )
    assert row is not None
    EventDay.objects.filter(pk=row.pk).update(net=row.net + 1)
    with pytest.raises(CommandError, match="differ"):
        call_command("stats", "--verify")
    assert [d["field"].rsplit(" ", 1)[-1] for d in daycount.verify()] == ["net"]
    call_command("stats", "--rebuild")
    call_command("stats", "--verify")


def test_form_numbers_given_later_complete_the_records(register_story: Any, make_campaign: Any) -> None:
    from gonghui.members.models import Membership

    real = make_campaign(measure="real_name")
    Membership.objects.filter(org__code="T0004").update(form_no="")  # written before issue 18
    daycount.rebuild()
    was = selectors.board(real, on=ON).root.done
    call_command("form_numbers")
    _exact()
    assert selectors.board(real, on=ON).root.done == was + 2


@pytest.mark.django_db(databases=[])
def test_the_roster_columns_the_counter_reads() -> None:
    from gonghui.rosters.pipeline import PERSON_TAIL

    assert [PERSON_TAIL[i] for i in (0, 2, 9, 13, 14, 20)] == [
        "name", "id_index", "phone_index", "hukou_type", "is_migrant", "employer_name",
    ]  # fmt: skip


def test_base_unions_founded_moved_and_ended_keep_it_exact(tree: Any, make_campaign: Any) -> None:
    from gonghui.orgs import actions as org_actions

    admin, east = tree["users"]["county_admin"], tree["orgs"]["T0002"]
    c = make_campaign(measure="unions", net_minimum=1)
    was = selectors.board(c, on=ON).root.done
    new = org_actions.org_create(user=admin, parent=east, kind="grassroots", name="新建甲公司工会", region_code="530326",
                                 founded_on=dt.date(2026, 3, 3))  # fmt: skip
    _exact()
    assert selectors.board(c, on=ON).root.done == was + 1
    assert _figures(selectors.board(c, on=ON))["T0002"][0] == 1
    assert selectors.trend(c, c.org, on=ON)["done"][-1] == was + 1
    org_actions.org_update(user=admin, org=new, founded_on=dt.date(2024, 3, 3))  # before the period
    assert selectors.board(c, on=ON).root.done == was
    stock = selectors.baseline_total("unions", c.org, dt.date(2025, 1, 1))
    org_actions.org_dissolve(user=admin, org=new, on=dt.date(2024, 12, 1))
    _exact()
    assert selectors.baseline_total("unions", c.org, dt.date(2025, 1, 1)) == stock - 1

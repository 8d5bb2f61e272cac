"""The maintained counters stay equal to a recount under every write path (issue 7).

Hypothesis draws random sequences of acts — creating unions, moving subtrees, dissolving and
merging, employers and surveys, joining, transfers, status changes, cards — runs them through
the real actions, and after each sequence compares every counter row with a recount.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.errors import ApplicationError
from gonghui.members.codes import HUKOU_AGRICULTURAL
from gonghui.orgs import actions
from gonghui.orgs.models import BASE_KINDS, Employer, Org, OrgKind, OrgStatus
from gonghui.reports import counters

pytestmark = pytest.mark.django_db

OPS = [
    "create_base", "create_township", "move", "dissolve", "merge", "employer_new", "employer_union", "survey",
    "join", "transfer", "leave", "retain", "restore", "card", "person_flag",
]  # fmt: skip


class Rollback(Exception):
    pass


def active(kinds: Any = None) -> list[Org]:
    qs = Org.objects.filter(status=OrgStatus.ACTIVE).order_by("path")
    return list(qs.filter(kind__in=kinds) if kinds else qs)


def pick(draw_index: int, items: list[Any]) -> Any:
    return items[draw_index % len(items)] if items else None


class World:
    def __init__(self) -> None:
        self.n = 0
        self.seq = 0
        self.refused: list[tuple[str, str]] = []

    def apply(self, op: str, i: int, j: int) -> None:
        self.n += 1
        today = dt.date(2026, 6, 1)
        try:
            with transaction.atomic():
                getattr(self, op)(i, j, today)
        except ApplicationError as e:
            self.refused.append((op, e.message))  # a refused act changes nothing: that is checked too

    def create_base(self, i: int, j: int, today: dt.date) -> None:
        parent = pick(i, active([OrgKind.TOWNSHIP_UNION, OrgKind.SYSTEM_UNION]))
        kind = [OrgKind.GRASSROOTS, OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT][j % 3]
        actions.org_create(user=None, parent=parent, kind=kind, name=f"新基层{self.n}", region_code="530326")

    def create_township(self, i: int, j: int, today: dt.date) -> None:
        actions.org_create(
            user=None,
            parent=Org.objects.get(code="T0001"),
            kind=OrgKind.TOWNSHIP_UNION,
            name=f"新镇{self.n}",
            region_code="530326",
        )

    def move(self, i: int, j: int, today: dt.date) -> None:
        org = pick(i, [o for o in active() if o.depth > 1])
        target = pick(j, active([OrgKind.TOWNSHIP_UNION, OrgKind.SYSTEM_UNION, OrgKind.COUNTY_FEDERATION]))
        actions.org_move(user=None, org=org, new_parent=target)

    def dissolve(self, i: int, j: int, today: dt.date) -> None:
        actions.org_dissolve(user=None, org=pick(i, [o for o in active() if o.depth > 1]), on=today)

    def merge(self, i: int, j: int, today: dt.date) -> None:
        bases = active(BASE_KINDS)
        if len(bases) > 1:
            src = pick(i, bases)
            tgt = pick(j, [b for b in bases if b.pk != src.pk])
            actions.org_merge(user=None, source=src, target=tgt, on=today)

    def employer_new(self, i: int, j: int, today: dt.date) -> None:
        area = pick(i, active([OrgKind.TOWNSHIP_UNION, OrgKind.SYSTEM_UNION]))
        union = pick(j, active(BASE_KINDS)) if j % 2 else None
        e = actions.employer_create(
            user=None, area_org=area, name=f"单位{self.n}", region_code="530326", union=union
        )
        if j % 3:
            actions.employer_survey_record(user=None, employer=e, surveyed_on=today, operating_status="normal",
                                           employees=10 + j * 7, members=0, migrant_workers=j, migrant_members=0)  # fmt: skip

    def employer_union(self, i: int, j: int, today: dt.date) -> None:
        e = pick(i, list(Employer.objects.order_by("id")))
        union = pick(j, active(BASE_KINDS)) if j % 3 else None
        actions.employer_update(user=None, employer=e, union=union)

    def survey(self, i: int, j: int, today: dt.date) -> None:
        e = pick(i, list(Employer.objects.order_by("id")))
        actions.employer_survey_record(user=None, employer=e, surveyed_on=today - dt.timedelta(days=j % 400),
                                       operating_status=["normal", "closed"][j % 2], employees=j * 3, members=0,
                                       migrant_workers=j, migrant_members=0)  # fmt: skip

    # --- members (through members.actions) ---
    def _member(self, i: int) -> Any:
        from gonghui.members.models import Membership

        return pick(i, list(Membership.objects.filter(status__in=["active", "retained"]).order_by("id")))

    def join(self, i: int, j: int, today: dt.date) -> None:
        from gonghui.core.ids import make_id_number
        from gonghui.members import actions as m

        self.seq += 1
        number = make_id_number("530326", dt.date(1980 + j % 20, 1 + i % 12, 1 + j % 28), self.seq % 1000)
        m.member_register(user=None, org=pick(i, active(BASE_KINDS)), name=f"会员{self.seq}", id_number=number,
                          hukou_type=[HUKOU_AGRICULTURAL, "nonagri"][j % 2], new_employment_group=["", "courier"][i % 2],
                          joined_on=today)  # fmt: skip

    def transfer(self, i: int, j: int, today: dt.date) -> None:
        from gonghui.members import actions as m

        ms = self._member(i)
        to = pick(j, [o for o in active(BASE_KINDS) if ms and o.pk != ms.org_id])
        if ms and to:
            t = m.transfer_start(user=None, membership=ms, to_org=to, side="from")
            m.transfer_accept(user=None, transfer=t, on=today)

    def leave(self, i: int, j: int, today: dt.date) -> None:
        from gonghui.members import actions as m

        if ms := self._member(i):
            m.membership_leave(user=None, membership=ms, on=today)

    def retain(self, i: int, j: int, today: dt.date) -> None:
        from gonghui.members import actions as m

        if ms := self._member(i):
            m.membership_retain(user=None, membership=ms, on=today, reason="retired")

    def restore(self, i: int, j: int, today: dt.date) -> None:
        from gonghui.members import actions as m
        from gonghui.members.models import Membership

        if ms := pick(i, list(Membership.objects.filter(status="retained").order_by("id"))):
            m.membership_restore(user=None, membership=ms, on=today)

    def card(self, i: int, j: int, today: dt.date) -> None:
        from gonghui.members import cards
        from gonghui.members.models import Card

        valid = list(Card.objects.filter(status="valid").order_by("id"))
        if j % 3 == 0 and valid:
            cards.card_revoke(user=None, card=pick(i, valid), reason="遗失")
        elif ms := self._member(i):
            cards.card_batch_issue(user=None, org=ms.org, membership_ids=[ms.pk], issued_on=today)

    def person_flag(self, i: int, j: int, today: dt.date) -> None:
        from gonghui.members import actions as m

        if ms := self._member(i):
            p = ms.person
            m.person_update(user=None, membership=ms, name=p.name, is_migrant=not p.is_migrant,
                            new_employment_group="" if p.new_employment_group else "truck_driver")  # fmt: skip


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPS), st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=25
    )
)
def test_counters_equal_a_recount_after_any_sequence(
    tree: dict[str, Any], steps: list[tuple[str, int, int]]
) -> None:
    try:
        with transaction.atomic():
            world = World()
            for op, i, j in steps:
                world.apply(op, i, j)
            diffs = counters.verify()
            assert diffs == [], (steps, diffs[:5])
            raise Rollback
    except Rollback:
        pass


def test_a_subtree_move_carries_its_figures(tree: dict[str, Any]) -> None:
    east_before = counters.subtree_figures(Org.objects.get(code="T0002").path)
    assert (
        east_before["employers"] == 3
        and east_before["grassroots"] == 1
        and east_before["joint_grassroots"] == 1
    )
    actions.org_move(user=None, org=Org.objects.get(code="T0004"), new_parent=Org.objects.get(code="T0005"))
    east = counters.subtree_figures(Org.objects.get(code="T0002").path)
    west = counters.subtree_figures(Org.objects.get(code="T0005").path)
    assert east["employers"] == 1 and east["joint_grassroots"] == 0
    assert west["employers"] == 4 and west["joint_grassroots"] == 1
    assert counters.subtree_figures(Org.objects.get(code="T0001").path)["employers"] == 6
    assert counters.verify() == []


def test_stats_verify_fails_on_a_tampered_counter(tree: dict[str, Any]) -> None:
    import io

    from django.core.management import CommandError, call_command

    from gonghui.reports.models import OrgCounter

    call_command("stats", "--verify", stderr=io.StringIO(), stdout=io.StringIO())
    OrgCounter.objects.filter(org__code="T0003").update(members=99)
    with pytest.raises(CommandError, match="不一致"):
        call_command("stats", "--verify", stderr=io.StringIO(), stdout=io.StringIO())
    call_command("stats", "--rebuild", "--verify", stderr=io.StringIO(), stdout=io.StringIO())


def test_member_acts_move_the_counters(tree: dict[str, Any]) -> None:
    """A fixed sequence, so the random one above is known to reach the member acts."""
    world = World()
    for k in range(6):
        world.apply("join", k, k + 1)
    root = Org.objects.get(code="T0001").path
    assert counters.subtree_figures(root)["members"] == 6, world.refused
    for op in ("transfer", "retain", "card", "person_flag", "leave", "merge", "move"):
        world.apply(op, 1, 2)
    figs = counters.subtree_figures(root)
    assert figs["members"] + figs["retained_members"] == 5
    assert counters.verify() == []

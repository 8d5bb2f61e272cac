"""A union's roll (members/roll.py): kept by the acts, checked and rebuilt by `gonghui stats`."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gonghui.members import actions, roll
from gonghui.members.models import RollEntry

pytestmark = pytest.mark.django_db


def _roll(org: Any) -> list[tuple[int, str]]:
    return list(
        RollEntry.objects.filter(org=org).order_by("member_no").values_list("membership_id", "member_no")
    )


def test_the_acts_keep_each_unions_roll(register: Any, tree: dict[str, Any]) -> None:
    east, west = tree["orgs"]["T0003"], tree["orgs"]["T0006"]
    a, b, c = register("T0003"), register("T0003"), register("T0003")
    assert _roll(east) == [(m.pk, m.member_no) for m in (a, b, c)]
    actions.membership_change_status(
        user=None, membership=a, change="retain", reason="retired", on=dt.date.today()
    )
    assert len(_roll(east)) == 3  # 保留会籍 is still a current membership
    actions.membership_change_status(
        user=None, membership=b, change="leave", reason="voluntary", on=dt.date.today()
    )
    t = actions.transfer_start(user=None, membership=c, to_org=west, side="from")
    actions.transfer_accept(user=None, transfer=t, on=dt.date.today())
    new = t.person.memberships.get(status="active")
    assert _roll(east) == [(a.pk, a.member_no)]
    assert _roll(west) == [(new.pk, new.member_no)]
    assert roll.verify() == []


def test_stats_verify_finds_a_wrong_roll_and_rebuild_repairs_it(register: Any, tree: dict[str, Any]) -> None:
    east = tree["orgs"]["T0003"]
    a, b, c = register("T0003"), register("T0003"), register("T0003")
    RollEntry.objects.filter(membership_id=a.pk).delete()  # missing
    RollEntry.objects.filter(membership_id=b.pk).update(member_no="X1")  # wrong number
    RollEntry.objects.create(org=east, membership_id=c.pk + 1000, person_id=c.person_id, member_no="X2",
                             joined_on=c.joined_on)  # fmt: skip  # one too many
    diffs = roll.verify()
    assert sorted((d["field"], d["stored"] is None, d["expected"] is None) for d in diffs) == sorted([
        (f"roll #{a.pk}", True, False), (f"roll #{b.pk}", False, False), (f"roll #{c.pk + 1000}", False, True),
    ])  # fmt: skip
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("stats", "--verify", stdout=out, stderr=out)
    assert f"roll #{a.pk}" in out.getvalue()
    call_command("stats", "--rebuild", stdout=StringIO())
    assert roll.verify() == [] and _roll(east) == [(m.pk, m.member_no) for m in (a, b, c)]


def test_persons_are_numbered_by_the_union_only_on_the_cluster(tree: dict[str, Any]) -> None:
    """SQLite and PostgreSQL number persons as before (None: no ids chosen); Citus picks them
    (tests/citus checks where they land)."""
    from gonghui.core import citus

    ids = citus.person_ids_near([tree["orgs"]["T0003"].pk] * 3)
    if citus.is_citus():
        assert ids is not None and len(set(ids)) == 3
    else:
        assert ids is None

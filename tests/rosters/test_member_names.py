"""Membership.name, the copy of the person's name the member search reads (issue 19): a roster
writes it on every membership it opens, a row that renames a member renames all their memberships
(a former member's ended ones too), and a union merge carries it to the new memberships."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.rosters.conftest import HEADER, new_id, person_row, write_xlsx_rows

from gonghui.members import actions, names
from gonghui.members.models import Membership
from gonghui.orgs import actions as org_actions

pytestmark = pytest.mark.django_db


def _copies(number_index: str) -> list[str]:
    return sorted(Membership.objects.filter(person__id_index=number_index).values_list("name", flat=True))


def test_a_roster_writes_and_renames_the_copy(tmp_path: Any, run_import: Any, tree: Any) -> None:
    a, b = new_id(), new_id()
    run_import(
        write_xlsx_rows(
            tmp_path / "1.xlsx", [HEADER, person_row(1, name="王甲", id=a), person_row(2, name="李乙", id=b)]
        )
    )
    assert sorted(Membership.objects.values_list("name", flat=True)) == ["李乙", "王甲"]
    lee = Membership.objects.get(name="李乙")
    actions.membership_leave(user=tree["users"]["east_clerk"], membership=lee, on=dt.date(2024, 1, 2))
    # a member renamed (update mode), a former member back under a new name
    run_import(
        write_xlsx_rows(
            tmp_path / "2.xlsx", [HEADER, person_row(1, name="王丙", id=a), person_row(2, name="李丁", id=b)]
        )
    )
    assert _copies(Membership.objects.get(name="王丙").person.id_index) == ["王丙"]
    assert _copies(lee.person.id_index) == ["李丁", "李丁"]  # the ended membership follows too
    assert names.verify() == []


def test_a_union_merge_carries_the_copy(tree: Any) -> None:
    actions.member_register(user=tree["users"]["county_admin"], org=tree["orgs"]["T0004"], name="赵一", id_number=new_id(),
                            phone="", hukou_type="agri", education="60", ethnicity="01")  # fmt: skip
    org_actions.org_merge(
        user=tree["users"]["county_admin"], source=tree["orgs"]["T0004"], target=tree["orgs"]["T0003"]
    )
    moved = Membership.objects.get(org=tree["orgs"]["T0003"])
    assert moved.name == "赵一" and names.verify() == []

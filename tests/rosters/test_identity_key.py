"""The ID number's blind index is keyed once, in core.Identity (issue 19; members/0013, core/0004).

"One person per ID number" is the identity table's primary key on every backend; the person's own
copy of the blind index has no index, and every write path that makes a person writes its identity
row in the same transaction. These tests hold the schema to that and check that lookups by ID number
still find the person however they were written (a roster, an approval).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from tests.members.conftest import person
from tests.rosters.conftest import HEADER, new_id, person_row, write_xlsx_rows

from gonghui.core.models import Identity
from gonghui.members import actions, selectors
from gonghui.members.models import Membership, Person

pytestmark = pytest.mark.django_db


def _indexed_columns(table: str) -> list[tuple[list[str], bool, bool]]:
    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, table)
    return [(c["columns"], bool(c["unique"]), bool(c["primary_key"])) for c in found.values() if c["columns"]]


def test_the_blind_index_is_keyed_once() -> None:
    person_keys = [cols for cols, _u, _p in _indexed_columns("members_person") if "id_index" in cols]
    assert person_keys == []  # no index of any kind on the person's copy
    assert [cols for cols, _u, pk in _indexed_columns("core_identity") if pk] == [["id_index"]]
    if connection.vendor == "sqlite":  # the key is the table's own B-tree
        with connection.cursor() as cur:
            cur.execute("SELECT sql FROM sqlite_master WHERE name = 'core_identity'")
            assert cur.fetchone()[0].rstrip().endswith("WITHOUT ROWID")


def test_a_second_identity_row_for_one_id_number_is_refused_by_the_database(tree: Any) -> None:
    m = actions.member_register(user=tree["users"]["county_admin"], org=tree["orgs"]["T0003"], **person())
    with pytest.raises(IntegrityError), transaction.atomic():
        Identity.objects.create(id_index=m.person.id_index, person_id=m.person_id + 1000)
    assert Identity.objects.filter(id_index=m.person.id_index).get().person_id == m.person_id


def test_every_path_that_makes_a_person_writes_its_identity(
    tmp_path: Any, run_import: Any, tree: Any
) -> None:
    a, b, c = new_id(), new_id(), new_id()
    run_import(write_xlsx_rows(tmp_path / "r.xlsx", [HEADER, person_row(1, name="王甲", id=a),
                                                   person_row(2, name="李乙", id=b)]))  # fmt: skip
    user, org = tree["users"]["county_admin"], tree["orgs"]["T0003"]
    actions.member_register(user=user, org=org, **person(name="赵丙", id_number=c))
    assert Person.objects.count() == 3
    assert not Person.objects.exclude(pk__in=Identity.objects.values("person_id")).exists()
    assert Identity.objects.count() == 3
    # lookups by ID number go through it: the current membership, the member search
    for number, code in ((a, "T0003"), (b, "T0003"), (c, "T0003")):
        found = selectors.current_membership(actions.id_index(number))
        assert found is not None and found.org.code == code
    hits = Membership.objects.filter(selectors._idp_filter(b))
    assert [m.person.name for m in hits] == ["李乙"]
    assert not Membership.objects.filter(selectors._idp_filter(new_id())).exists()
    # a row for a person already on the register reuses them: no second person, no second identity
    lee = Membership.objects.get(name="李乙")
    actions.membership_leave(user=user, membership=lee, on=dt.date(2024, 1, 2))
    run_import(
        write_xlsx_rows(tmp_path / "r2.xlsx", [HEADER, person_row(1, name="李乙", id=b)]), org=org.code
    )
    assert Person.objects.count() == 3 and Identity.objects.count() == 3
    assert Membership.objects.filter(person=lee.person).count() == 2

"""Helpers for formation and election tests (the gatekeeper walk's objects: gatekeeper.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from gonghui.core import ids, pii

_seq = itertools.count(1)


def new_id(*, born: dt.date | None = None, male: bool = True) -> str:
    """A fresh valid ID number (address code 530328, distinct from the register tests' 530326)."""
    n = next(_seq)
    born = born or dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000)
    return ids.make_id_number("530328", born, ((n * 2) + (1 if male else 0)) % 1000)


def add_members(org: Any, n: int, *, employer: Any = None, names: list[str] | None = None) -> list[Any]:
    """`n` active members of `org`, written straight to the register's tables (fast, for sizes
    such as 100/101); the register's own actions are tested in tests/members."""
    from gonghui.core.models import Identity
    from gonghui.members.actions import ID_CONTEXT
    from gonghui.members.models import Membership, Person

    numbers = [new_id(male=i % 2 == 0) for i in range(n)]
    infos = [ids.parse_id_number(x) for x in numbers]
    ciphers = pii.encrypt_many(numbers, ID_CONTEXT)
    indexes = pii.blind_index_many(numbers, ID_CONTEXT)
    # ids reserved first (rosters/engine.py): on Citus `INSERT … RETURNING` answers shard by shard,
    # so the ids bulk_create would read back belong to other rows
    from gonghui.rosters.engine import reserve_ids

    person_ids, membership_ids = reserve_ids(Person, n), reserve_ids(Membership, n)
    people = Person.objects.bulk_create([
        Person(pk=person_ids[i], name=(names[i] if names else f"会员{i + 1:03d}"), id_cipher=ciphers[i], id_index=indexes[i],
               id_masked=ids.mask_id_number(numbers[i]), gender=infos[i].gender, birth_date=infos[i].birth_date,
               birthplace_code=infos[i].address_code, province_code="53", employer=employer,
               employer_name=employer.name if employer else "")
        for i in range(n)
    ])  # fmt: skip
    # every person has its identity row, as the register's own writes keep it (core.Identity)
    Identity.objects.bulk_create([Identity(id_index=p.id_index, person_id=p.pk) for p in people])
    start = Membership.objects.filter(org=org).count()
    from gonghui.members import roll

    return roll.added(Membership.objects.bulk_create([
        Membership(pk=membership_ids[i], person=p, name=p.name, org=org, org_path=org.path, province_code="53", member_no=f"{org.code}{start + i + 1:06d}",
                   joined_on=dt.date(2020, 1, 1))
        for i, p in enumerate(people)
    ]))  # fmt: skip


@pytest.fixture
def members(tree: dict[str, Any]) -> Any:
    def _add(org_code: str, n: int, **kw: Any) -> list[Any]:
        return add_members(tree["orgs"][org_code], n, **kw)

    return _add


@pytest.fixture(autouse=True)
def _clean_codes_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield

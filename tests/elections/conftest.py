"""Helpers for formation and election tests, and the objects the gatekeeper walk needs.

The route-walking test (tests/accounts/test_gatekeeper.py) fills each URL's parameters from
`object_values`; this module registers the elections app's objects there (inside the east
township, or outside it in the west) and a plausible body for each API write.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.files.base import ContentFile

from gonghui.core import ids, pii
from tests.accounts import test_gatekeeper as gatekeeper

_seq = itertools.count(1)


def new_id(*, born: dt.date | None = None, male: bool = True) -> str:
    """A fresh valid ID number (address code 530328, distinct from the register tests' 530326)."""
    n = next(_seq)
    born = born or dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000)
    return ids.make_id_number("530328", born, ((n * 2) + (1 if male else 0)) % 1000)


def add_members(org: Any, n: int, *, employer: Any = None, names: list[str] | None = None) -> list[Any]:
    """`n` active members of `org`, written straight to the register's tables (fast, for sizes
    such as 100/101); the register's own actions are tested in tests/members."""
    from gonghui.members.actions import ID_CONTEXT
    from gonghui.members.models import Membership, Person

    numbers = [new_id(male=i % 2 == 0) for i in range(n)]
    infos = [ids.parse_id_number(x) for x in numbers]
    ciphers = pii.encrypt_many(numbers, ID_CONTEXT)
    indexes = pii.blind_index_many(numbers, ID_CONTEXT)
    people = Person.objects.bulk_create([
        Person(name=(names[i] if names else f"会员{i + 1:03d}"), id_cipher=ciphers[i], id_index=indexes[i],
               id_masked=ids.mask_id_number(numbers[i]), gender=infos[i].gender, birth_date=infos[i].birth_date,
               birthplace_code=infos[i].address_code, province_code="53", employer=employer,
               employer_name=employer.name if employer else "")
        for i in range(n)
    ])  # fmt: skip
    start = Membership.objects.filter(org=org).count()
    return Membership.objects.bulk_create([
        Membership(person=p, org=org, org_path=org.path, province_code="53", member_no=f"{org.code}{start + i + 1:06d}",
                   joined_on=dt.date(2020, 1, 1))
        for i, p in enumerate(people)
    ])  # fmt: skip


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


# --- the gatekeeper walk ----------------------------------------------------------------


def _gatekeeper_objects(tree: dict[str, Any], values: dict[str, dict[str, Any]], inside: bool) -> None:
    """One of each object, written directly (no audit lines: the viewer test counts them)."""
    from gonghui.elections.models import (
        DocKind,
        Document,
        Election,
        Formation,
        FormationStatus,
        Post,
        TermRequest,
        TermRequestKind,
    )  # fmt: skip

    orgs = tree["orgs"]
    upper = orgs["T0002"] if inside else orgs["T0005"]
    base = orgs["T0003"] if inside else orgs["T0006"]
    f = Formation.objects.create(parent=upper, org_path=upper.path, name=f"门禁测试工会{base.code}", region_code="530326",
                                 status=FormationStatus.SUBMITTED)  # fmt: skip
    e = Election.objects.create(
        org=base, org_path=base.path, term_number=2, meeting_date=dt.date(2027, 1, 1), due=10, present=9
    )
    Post.objects.create(election=e, kind="committee", seats=3)
    r = TermRequest.objects.create(
        org=base,
        org_path=base.path,
        kind=TermRequestKind.EARLY,
        reason="测试",
        proposed_date=dt.date(2027, 1, 1),
    )
    d = Document(
        kind=DocKind.OTHER, title="测试", original_name="t.pdf", sha256="0", org=base, org_path=base.path
    )
    d.file.save("gatekeeper.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    values["elections"] = {
        "code": base.code,
        "formation_id": f.pk,
        "election_id": e.pk,
        "request_id": r.pk,
        "doc_id": d.pk,
    }
    values["api"].update({"formation_id": f.pk, "election_id": e.pk, "request_id": r.pk, "document_id": d.pk})


if _gatekeeper_objects not in gatekeeper.EXTRA_VALUES:
    gatekeeper.EXTRA_VALUES.append(_gatekeeper_objects)

gatekeeper.API_BODIES.update({
    "formations": {"parent": "{code}", "name": "门禁测试新工会"},
    "formations/{formation_id}": {"name": "改名"},
    "formations/{formation_id}/roster/remove": {"ids": [1]},
    "formations/{formation_id}/decision": {"decision": "reject", "reason": "不符合条件"},
    "orgs/{code}/term-requests": {"kind": "postpone", "reason": "测试", "proposed_date": "2030-01-01"},
    "term-requests/{request_id}/decision": {"decision": "reject", "reason": "不同意"},
    "elections": {"org": "{code}", "meeting_date": "2027-01-01"},
    "elections/{election_id}": {"present": 5},
    "elections/{election_id}/posts": {"committee": 3, "chair": 1},
    "elections/{election_id}/candidates": {"post": "committee", "member_no": "X"},
    "elections/{election_id}/candidates/remove": {"ids": [1]},
    "elections/{election_id}/votes": {"post": "committee", "ballots": 1, "votes": {"1": 1}},
    "elections/{election_id}/close-post": {"post": "committee"},
    "elections/{election_id}/decision": {"decision": "return", "reason": "请补充材料"},
})  # fmt: skip

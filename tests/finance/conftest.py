"""Finance test helpers: members registered through the register's actions, and 财务 accounts."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from gonghui.core import ids
from tests.finance import gatekeeper  # noqa: F401  (request bodies for the route-walking test)

_seq = itertools.count(1)


def new_id() -> str:
    n = next(_seq)
    return ids.make_id_number("530326", dt.date(1980, 1, 1) + dt.timedelta(days=n * 41), (n * 2 + 1) % 1000)


@pytest.fixture
def fin(tree: dict[str, Any]) -> dict[str, Any]:
    """财务 accounts: east_fin (东镇), west_fin (西镇), county_fin (the county)."""
    from gonghui.accounts.models import Role, User

    out = {}
    for name, code in (("east_fin", "T0002"), ("west_fin", "T0005"), ("county_fin", "T0001")):
        u = User(username=name, org=tree["orgs"][code], role=Role.FINANCE)
        u.set_unusable_password()  # force_login in tests; no slow hashing
        u.save()
        out[name] = u
    return out


@pytest.fixture
def member(tree: dict[str, Any]) -> Any:
    from gonghui.members import actions

    def _member(
        org_code: str = "T0003", *, name: str = "张三", joined_on: dt.date = dt.date(2020, 5, 1), **kw: Any
    ) -> Any:
        number = kw.pop("id_number", None) or new_id()
        return actions.member_register(user=tree["users"]["county_admin"], org=tree["orgs"][org_code], joined_on=joined_on,
                                       name=name, id_number=number, hukou_type="agri", is_migrant=True, **kw)  # fmt: skip

    return _member

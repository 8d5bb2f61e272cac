"""Helpers for the campaign tests: members registered through the register's own actions (so
progress is counted from real 会籍变化 history), and campaigns through campaigns.actions.

The register of the test tree (see tests/conftest.py), used by `register_story`:
  before the period (2024-05-01): 东镇甲 T0003 4 members (3 migrant), 西镇丁 T0006 2, 第一中学 T0008 1
  in the period (2025-10-01 – 2026-09-30):
    T0003: 3 migrant joins on 2025-11-10 (one without a phone), one of the old members leaves 2026-01-15
    T0004: 2 non-migrant joins on 2026-02-01
    T0006: 1 migrant join on 2026-03-01; the 第一中学 member transfers in from T0008 on 2026-03-20
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest

from gonghui.core import ids
from tests.campaigns import gatekeeper  # noqa: F401  (registers path values for the route-walking test)

_seq = itertools.count(1)
START, END = dt.date(2025, 10, 1), dt.date(2026, 9, 30)


def new_id() -> str:
    n = next(_seq)
    born = dt.date(1984, 2, 1) + dt.timedelta(days=(n * 41) % 7000)
    return ids.make_id_number("530381", born, (n * 2 + 1) % 1000)


@pytest.fixture
def join(tree: dict[str, Any]) -> Any:
    """join("T0003", date, n=2, migrant=True, phone=True) → memberships, through members.actions."""
    from gonghui.members import actions

    def _join(code: str, on: dt.date, *, n: int = 1, migrant: bool = True, phone: bool = True) -> list[Any]:
        out = []
        for _ in range(n):
            k = next(_seq)
            out.append(actions.member_register(
                user=None, org=tree["orgs"][code], joined_on=on, name=f"会员{k}", id_number=new_id(),
                phone=f"139{k:08d}" if phone else "", hukou_type="agri" if migrant else "nonagri", employer_name="甲公司",
            ))  # fmt: skip
        return out

    return _join


@pytest.fixture
def register_story(tree: dict[str, Any], join: Any) -> dict[str, Any]:
    from gonghui.members import actions

    old = join("T0003", dt.date(2024, 5, 1), n=3) + join("T0003", dt.date(2024, 5, 1), migrant=False)
    join("T0006", dt.date(2024, 5, 1), n=2)
    teacher = join("T0008", dt.date(2024, 5, 1), migrant=False)[0]
    join("T0003", dt.date(2025, 11, 10), n=2)
    join("T0003", dt.date(2025, 11, 10), phone=False)
    actions.membership_leave(user=None, membership=old[0], on=dt.date(2026, 1, 15))
    join("T0004", dt.date(2026, 2, 1), n=2, migrant=False)
    join("T0006", dt.date(2026, 3, 1))
    t = actions.transfer_start(user=None, membership=teacher, to_org=tree["orgs"]["T0006"], side="from")
    actions.transfer_accept(user=None, transfer=t, on=dt.date(2026, 3, 20))
    return tree


@pytest.fixture
def make_campaign(tree: dict[str, Any]) -> Any:
    from gonghui.campaigns import actions

    def _make(code: str = "T0001", **kw: Any) -> Any:
        data: dict[str, Any] = {"name": "会员发展集中行动", "measure": "members", "starts_on": START, "ends_on": END,
                                "growth_rate": Decimal("50"), "net_minimum": 5}  # fmt: skip
        data.update(kw)
        return actions.campaign_create(user=tree["users"]["county_admin"], org=tree["orgs"][code], **data)

    return _make

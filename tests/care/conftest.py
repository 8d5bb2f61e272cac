"""Helpers for the care tests: members registered through the register's own actions, and one
hardship file (opened through care.actions) per call."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from gonghui.core import ids
from tests.care import gatekeeper  # noqa: F401  (registers path values for the route-walking test)

_seq = itertools.count(1)


def new_id(*, born: dt.date | None = None) -> str:
    n = next(_seq)
    born = born or dt.date(1982, 3, 1) + dt.timedelta(days=(n * 37) % 6000)
    return ids.make_id_number("530326", born, (n * 2 + 1) % 1000)


@pytest.fixture
def member(tree: dict[str, Any]) -> Any:
    """member("T0003", name=..., migrant=True) → a current Membership, through members.actions."""
    from gonghui.members import actions

    def _member(org_code: str, *, name: str = "张三", migrant: bool = True, **kw: Any) -> Any:
        data = {
            "name": name,
            "id_number": new_id(),
            "hukou_type": "agri" if migrant else "nonagri",
            "is_migrant": migrant,
            **kw,
        }
        return actions.member_register(
            user=tree["users"]["county_admin"],
            org=tree["orgs"][org_code],
            joined_on=dt.date(2015, 5, 1),
            **data,
        )

    return _member


@pytest.fixture
def hardship(tree: dict[str, Any], member: Any) -> Any:
    """hardship("T0003", children=1, causes=[...], category=...) → an open HardshipFile."""
    from gonghui.care import actions

    def _file(org_code: str, *, name: str = "李四", children: int = 0, causes: list[str] | None = None, category: str = "deep",
              size: int = 4, income: str = "1600", opened_on: dt.date = dt.date(2025, 3, 1)) -> Any:  # fmt: skip
        m = member(org_code, name=name)
        causes = causes or (["illness", "schooling"] if children else ["illness"])
        return actions.file_open(user=tree["users"]["county_admin"], membership=m, category=category, household_size=size,
                                 household_income=income, causes=causes, children_in_school=children, opened_on=opened_on)  # fmt: skip

    return _file

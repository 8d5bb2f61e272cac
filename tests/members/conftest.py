"""Helpers for the register tests: valid synthetic ID numbers and a one-call registration."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from gonghui.core import ids
from tests.members import gatekeeper  # noqa: F401  (registers path values for the route-walking test)

_seq = itertools.count(1)


def new_id(*, born: dt.date | None = None, male: bool = True, code: str = "530326") -> str:
    """A fresh valid 18-digit ID number (unique within the test run)."""
    n = next(_seq)
    born = born or dt.date(1985, 1, 1) + dt.timedelta(days=n % 5000)
    seq = (n * 2 + (1 if male else 0)) % 1000
    return ids.make_id_number(code, born, seq)


def person(**kw: Any) -> dict[str, Any]:
    data = {
        "name": "张三",
        "id_number": new_id(),
        "phone": "13800138000",
        "hukou_type": "agri",
        "education": "60",
        "ethnicity": "01",
    }
    data.update(kw)
    return data


@pytest.fixture
def register(tree: dict[str, Any]) -> Any:
    """register("T0003", **person fields) → Membership, through the real actions."""
    from gonghui.members import actions

    def _register(org_code: str, user: str = "county_admin", **kw: Any) -> Any:
        return actions.member_register(user=tree["users"][user], org=tree["orgs"][org_code], **person(**kw))

    return _register


@pytest.fixture
def apply(tree: dict[str, Any]) -> Any:
    """apply("T0003", **person fields) → pending Application (paper)."""
    from gonghui.members import actions

    def _apply(org_code: str, user: str = "east_clerk", **kw: Any) -> Any:
        return actions.application_create(user=tree["users"][user], org=tree["orgs"][org_code], channel="paper",
                                          consent_version="paper-signature", **person(**kw))  # fmt: skip

    return _apply


@pytest.fixture(autouse=True)
def _clear_caches() -> Any:
    from django.core.cache import cache

    from gonghui.members import codes

    codes.clear_cache()
    cache.clear()
    yield
    codes.clear_cache()

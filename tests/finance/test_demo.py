"""The demo's finance loader on the small test tree: it runs, its figures match a recount."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_demo_finance_loads_and_counts_exactly(tree: Any, member: Any) -> None:
    from gonghui.demo.finance import load_finance
    from gonghui.finance import counters
    from gonghui.finance.models import DuesPayment, FundsDeclaration

    for i in range(4):
        member("T0003", name=f"演示{i}", joined_on=dt.date(2024, 1, 1))
    result = load_finance(seed=1)
    assert result["dues"]["payments"] == DuesPayment.objects.count() > 0
    assert result["funds"]["declarations"] == FundsDeclaration.objects.count() > 0
    assert counters.verify() == []

"""Tests that run only on a Citus coordinator (GONGHUI_TEST_CITUS_URL, the same URL as
GONGHUI_DATABASE_URL; see scripts/citus.sh and scripts/test.sh: pytest runs with --reuse-db on the
cluster's prepared `test_gonghui` database)."""

from __future__ import annotations

import os

import pytest

CITUS_URL = os.environ.get("GONGHUI_TEST_CITUS_URL", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CITUS_URL:
        return
    skip = pytest.mark.skip(reason="no Citus cluster (set GONGHUI_TEST_CITUS_URL)")
    for item in items:
        if "citus" in item.keywords:
            item.add_marker(skip)

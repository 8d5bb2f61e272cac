"""Concurrent approvals: unique gap-free member numbers; one membership per person under a race.

SQLite: a subprocess on a fresh database *file* (threads need their own connections; pytest's
SQLite test database is in memory). PostgreSQL: in-process on the transactional test database,
when the suite runs there (GONGHUI_DATABASE_URL=postgres://…).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.members import concurrency

ROOT = Path(__file__).resolve().parents[2]


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GONGHUI_DATABASE_URL", "GONGHUI_SQLITE_PATH", "DJANGO_SETTINGS_MODULE")
    }
    env.update(GONGHUI_DATA_DIR=str(data_dir), GONGHUI_LOG_LEVEL="WARNING")
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file (with its keys), copied for each scenario."""
    template = tmp_path_factory.mktemp("sqlite-template")
    proc = subprocess.run([sys.executable, "-m", "gonghui.cli", "migrate", "-v0"], cwd=ROOT, env=_env(template),
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return template


def _sqlite_file(scenario: str, template: Path, tmp_path: Path) -> dict[str, Any]:
    for f in template.iterdir():
        if f.is_file():
            shutil.copy2(f, tmp_path / f.name)
    env = _env(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "tests.members.concurrency", scenario], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _check_approvers(out: dict[str, Any]) -> None:
    kinds = [k for k, _v in out["results"]]
    assert kinds == ["ok"] * concurrency.APPROVERS, out["results"]
    numbers = sorted(v for _k, v in out["results"])
    assert numbers == [
        f"{out['org']}{i:06d}" for i in range(1, concurrency.APPROVERS + 1)
    ]  # unique and gap-free
    assert out["counter"] == concurrency.APPROVERS


def _check_same_person(out: dict[str, Any]) -> None:
    results = out["results"]
    assert sorted(k for k, _v in results) == ["error", "ok"], results
    error = next(v for k, v in results if k == "error")
    assert error["code"] == "already_member" and error["status"] == 409
    assert (
        "会员" in error["message"] and "接转" in error["message"] and "**" in error["message"]
    )  # masked: no user scope
    assert out["current"] == 1


@pytest.mark.slow
def test_eight_concurrent_approvers_on_a_sqlite_file(migrated, tmp_path):
    _check_approvers(_sqlite_file("approvers", migrated, tmp_path))


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["same-person", "same-person-former"])
def test_two_unions_register_the_same_person_at_once_on_a_sqlite_file(migrated, tmp_path, scenario):
    _check_same_person(_sqlite_file(scenario, migrated, tmp_path))


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the suite runs on SQLite (set GONGHUI_DATABASE_URL)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_approvers_on_postgresql():
    _check_approvers(concurrency.approvers_race())


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("former", [False, True])
def test_two_unions_register_the_same_person_at_once_on_postgresql(former):
    _check_same_person(concurrency.same_person_race(former_member=former))

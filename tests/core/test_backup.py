from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "gonghui"


@pytest.mark.slow
def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    """A real `gonghui backup` and `restore` of a file database, through the command line."""
    env = dict(os.environ, GONGHUI_DATA_DIR=str(tmp_path / "var"))
    env.pop("GONGHUI_DATABASE_URL", None)  # this test is about the SQLite file path

    def gh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, check=check)

    gh("migrate", "-v", "0")
    gh("demo", "--seed", "5")
    before = gh("stats", "--json").stdout
    gh("backup", str(tmp_path / "b.sqlite3"))
    gh("orgs", "--json")
    # damage behind the application's back: the maintained counters no longer match a recount
    gh(
        "shell",
        "-c",
        "from django.db.models import F; from gonghui.orgs.models import Employer; "
        "Employer.objects.filter(union__isnull=True).update(employees=F('employees') + 1)",
    )
    assert gh("stats", "--verify", check=False).returncode != 0
    refused = gh("restore", str(tmp_path / "b.sqlite3"), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    out = gh("restore", str(tmp_path / "b.sqlite3"), "--yes").stdout
    assert "一致" in out
    assert gh("stats", "--json").stdout == before
    assert gh("stats", "--verify", check=False).returncode == 0
    bad = gh("restore", "/etc/hostname", "--yes", check=False)
    assert bad.returncode != 0 and "不是有效的" in bad.stderr

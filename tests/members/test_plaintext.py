"""No valid ID number in plain text: not in the SQLite file, not in the logs, not in a default export.

The demo county (102,922 members, synthetic but valid ID numbers) is loaded into a fresh data
directory by the real command line, then every byte is scanned for an 18-character string that
passes GB 11643 (checksum, real birth date, province prefix). A positive control proves the scan
finds a number that is there. The same run checks `gonghui stats --json` against seed 004.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from gonghui.core import ids

ROOT = Path(__file__).resolve().parents[2]
CANDIDATE = re.compile(rb"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
HEX_RUN = re.compile(rb"[0-9a-f]+")

pytestmark = pytest.mark.slow


def plaintext_ids(data: bytes) -> list[str]:
    """Valid ID numbers in `data`, skipping digit runs inside a 32-hex-character blind index."""
    found = []
    for m in CANDIDATE.finditer(data):
        start, end = m.span()
        lo = start
        while lo > 0 and data[lo - 1 : lo] in b"0123456789abcdef":
            lo -= 1
        hi = end
        while hi < len(data) and data[hi : hi + 1] in b"0123456789abcdef":
            hi += 1
        if hi - lo == 32:  # an HMAC blind index (core.pii, 32 hex characters)
            continue
        try:
            ids.parse_id_number(m.group().decode())
        except ids.IdNumberError:
            continue
        found.append(m.group().decode())
    return found


def _run(args: list[str], env: dict[str, str], log: list[str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "gonghui.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    log.append(proc.stdout)
    log.append(proc.stderr)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir = tmp_path_factory.mktemp("demo-county")
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("GONGHUI_DATABASE_URL", "GONGHUI_SQLITE_PATH", "GONGHUI_PII_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env.update(GONGHUI_DATA_DIR=str(data_dir), GONGHUI_LOG_LEVEL="DEBUG")
    log: list[str] = []
    _run(["migrate", "-v1"], env, log)
    _run(["demo", "--seed", "7"], env, log)
    stats = json.loads(_run(["stats", "--json"], env, log).stdout)
    con = sqlite3.connect(data_dir / "gonghui.sqlite3")
    area = con.execute(
        "select code from orgs_org where kind='township_union' order by path limit 1"
    ).fetchone()[0]
    sample_cipher = con.execute("select id_cipher from members_person limit 1").fetchone()[0]
    con.close()
    _run(["export", "members", "--org", area, "-o", str(data_dir / "export.xlsx")], env, log)
    _run(["export", "members", "--org", area, "-o", str(data_dir / "export.csv")], env, log)
    return {"dir": data_dir, "stats": stats, "log": "\n".join(log), "env": env, "cipher": sample_cipher}


def test_demo_figures_match_seed_004(demo):
    s = demo["stats"]
    assert s["members"] == 102_922 and s["migrant_members"] == 82_818
    assert s["orgs"] == 551 and s["township_unions"] == 23 and s["system_unions"] == 11
    assert 0 < s["female_members"] < s["members"] and s["new_employment_members"] > 0
    assert 0 < s["membership_rate"] <= 1 and 0 < s["migrant_membership_rate"] <= 1


def test_no_valid_id_number_in_the_sqlite_file(demo):
    files = [p for p in demo["dir"].iterdir() if p.name.startswith("gonghui.sqlite3")]
    assert files
    for f in files:
        assert plaintext_ids(f.read_bytes()) == [], f.name


def test_the_scan_finds_a_number_that_is_there(demo, tmp_path):
    """Positive control: the same scan on a copy with one number written in plain text."""
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(demo["dir"] / "gonghui.sqlite3", copy)
    number = ids.make_id_number("530326", dt.date(1979, 9, 9), 123)
    con = sqlite3.connect(copy)
    con.execute("create table leak (note text)")
    con.execute("insert into leak values (?)", (f"身份证 {number}",))
    con.commit()
    con.execute("pragma wal_checkpoint(TRUNCATE)")
    con.close()
    assert plaintext_ids(copy.read_bytes()) == [number]
    # …and the stored ciphertext really is one (it opens with the data directory's key)
    assert demo["cipher"].startswith("v1:") and not plaintext_ids(demo["cipher"].encode())


def test_no_valid_id_number_in_the_logs(demo):
    assert "102922" in demo["log"] or "102,922" in demo["log"]  # the logs were captured
    assert plaintext_ids(demo["log"].encode()) == []


def test_no_valid_id_number_in_a_default_export(demo):
    with zipfile.ZipFile(io.BytesIO((demo["dir"] / "export.xlsx").read_bytes())) as z:
        xml = b"".join(z.read(n) for n in z.namelist())
    assert b"**********" in xml  # masked numbers are there
    assert plaintext_ids(xml) == []
    csv = (demo["dir"] / "export.csv").read_bytes()
    assert csv.count(b"\n") > 100 and plaintext_ids(csv) == []


def test_a_revealed_export_does_contain_them(demo):
    """The converse: with --reveal the numbers are there (so the masked export is not just empty)."""
    out = demo["dir"] / "revealed.csv"
    con = sqlite3.connect(demo["dir"] / "gonghui.sqlite3")
    code = con.execute("select code from orgs_org where kind='grassroots' order by path limit 1").fetchone()[
        0
    ]
    con.close()
    _run(["export", "members", "--org", code, "-o", str(out), "--reveal"], demo["env"], [])
    assert len(plaintext_ids(out.read_bytes())) > 0

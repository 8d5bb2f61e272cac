"""Rate limits: one counter in the database, shared by every process (issue 12, finding 8)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from gonghui.accounts.models import RateCounter
from gonghui.core import ratelimit

WORKER = Path(__file__).with_name("ratelimit_worker.py")


def _request(ip: str = "203.0.113.7", xff: str | None = None) -> Any:
    meta = {"REMOTE_ADDR": ip}
    if xff:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/join/x/", **meta)


@pytest.mark.django_db
def test_limit_holds_exactly_at_n(settings: Any) -> None:
    settings.GONGHUI_PUBLIC_RATE_LIMITS = {"id_check": (3, 60)}
    answers = [ratelimit.hit(_request(), "id_check") for _ in range(5)]
    assert answers == [True, True, True, False, False]
    assert ratelimit.hit(_request("203.0.113.8"), "id_check")  # another client has its own count
    assert ratelimit.hit(_request(), "sms")  # and another scope


@pytest.mark.django_db
def test_members_module_keeps_its_api(settings: Any) -> None:
    from gonghui.members import ratelimit as old

    settings.GONGHUI_PUBLIC_RATE_LIMITS = {"card_check": (1, 60)}
    assert old.limit_for("card_check") == (1, 60) and old.limit_for("sms") == old.DEFAULT_LIMITS["sms"]
    assert old.hit(_request(), "card_check") and not old.hit(_request(), "card_check")


@pytest.mark.django_db
def test_the_stored_key_does_not_hold_the_address() -> None:
    ratelimit.hit(_request("198.51.100.23"), "status", extra="13800138000")
    (key,) = RateCounter.objects.values_list("key", flat=True)
    assert key.startswith("status:") and "198.51.100.23" not in key and "13800138000" not in key


@pytest.mark.django_db
def test_forwarded_for_does_not_buy_a_new_bucket_without_trusted_proxies(settings: Any) -> None:
    settings.GONGHUI_PUBLIC_RATE_LIMITS = {"sms": (2, 600)}
    assert ratelimit.hit(_request(xff="10.0.0.1"), "sms")
    assert ratelimit.hit(_request(xff="10.0.0.2"), "sms")
    assert not ratelimit.hit(_request(xff="10.0.0.3"), "sms")


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(settings: Any) -> None:
    settings.GONGHUI_PUBLIC_RATE_LIMITS = {"sms": (1, 600)}
    settings.GONGHUI_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ratelimit.hit(_request("10.0.0.5", xff="198.51.100.1"), "sms")
    assert ratelimit.hit(_request("10.0.0.5", xff="198.51.100.2"), "sms")
    assert not ratelimit.hit(_request("10.0.0.5", xff="198.51.100.1"), "sms")


@pytest.mark.django_db
def test_windows_that_are_over_are_deleted() -> None:
    RateCounter.objects.create(key="old", count=9, expires_at=timezone.now() - dt.timedelta(seconds=1))
    live = RateCounter.objects.create(key="live", count=1, expires_at=timezone.now() + dt.timedelta(hours=1))
    assert ratelimit.hit(_request(), "join_view")
    assert set(RateCounter.objects.values_list("key", flat=True)) >= {live.key}
    assert not RateCounter.objects.filter(key="old").exists()


def _run_processes(tmp_path: Path, mode: str, procs: int, each: int, limit: int) -> list[int]:
    env = dict(os.environ, GONGHUI_DATA_DIR=str(tmp_path), GONGHUI_SQLITE_PATH=str(tmp_path / "rl.sqlite3"))
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    go = tmp_path / f"go-{mode}"
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), mode, str(each), str(limit), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(procs)
    ]
    time.sleep(2)  # let every process start and connect before the first hit
    go.touch()
    outs = [w.communicate(timeout=120)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers)
    return [int(o.strip()) for o in outs]


@pytest.mark.slow
def test_separate_processes_share_one_counter(tmp_path: Path) -> None:
    """Four server-like processes on one database file, 40 requests each against a limit of 50:
    exactly 50 pass, whatever the interleaving (with per-process memory it was 4 × 40 = 160; the
    old add-then-incr on Django's database cache let 244 of 800 through a limit of 100)."""
    env = dict(os.environ, GONGHUI_DATA_DIR=str(tmp_path), GONGHUI_SQLITE_PATH=str(tmp_path / "rl.sqlite3"))
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    subprocess.run([sys.executable, str(WORKER), "setup"], env=env, check=True)
    passed = _run_processes(tmp_path, "db", procs=4, each=40, limit=50)
    assert sum(passed) == 50

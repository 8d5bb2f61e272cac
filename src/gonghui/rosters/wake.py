"""Waking the task worker when a job is queued (issue 19).

django-tasks' `db_worker` looks for work every `--interval` seconds (default 1 s): a clerk's
1,000-row roster then waits on average half a second, at worst a whole one, before it starts — a
third of the time the whole import should take. Polling faster would take SQLite's write lock ten
times a second (the worker claims a job in an exclusive transaction) against every page that writes.

So `gonghui worker` (the same worker, `scripts/run.sh` starts it) listens on a Unix datagram socket
in the data folder, `workers/<pid>.sock`, and sleeps until a datagram arrives or the interval ends;
`notify()` — called when a job is queued, after the commit — sends one byte to each socket there.
A worker that is gone leaves a socket nobody reads: the send fails and the file is removed. With no
worker listening (tests, `db_worker` run by hand) nothing happens and the interval applies.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
from pathlib import Path
from typing import Any

from django.conf import settings


def folder() -> Path:
    return Path(settings.DATA_DIR) / "workers"


def notify() -> int:
    """Wake every listening worker; returns how many were woken. Never raises."""
    woken = 0
    try:
        socks = list(folder().glob("*.sock"))
    except OSError:
        return 0
    if not socks:
        return 0
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.setblocking(False)
        for path in socks:
            try:
                s.sendto(b"!", str(path))
                woken += 1
            except BlockingIOError:
                woken += 1  # its queue is full: it has been woken already
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):
                    path.unlink()  # a worker that died without cleaning up
            except OSError:
                pass
    return woken


class Listener:
    """The worker's side: a socket to sleep on. `sleep(seconds)` returns early when woken."""

    def __init__(self) -> None:
        folder().mkdir(parents=True, exist_ok=True)
        self.path = folder() / f"{os.getpid()}.sock"
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.sock.setblocking(False)

    def sleep(self, seconds: float) -> None:
        ready, _, _ = select.select([self.sock], [], [], max(0.0, seconds))
        if ready:
            self._drain()

    def _drain(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while self.sock.recv(64):
                pass

    def close(self) -> None:
        self.sock.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class SleepOnSocket:
    """Stands in for the `time` module inside django-tasks' worker loop: `sleep` waits on the
    listener, everything else is the real `time`."""

    def __init__(self, listener: Listener, real: Any) -> None:
        self._listener = listener
        self._real = real

    def sleep(self, seconds: float) -> None:
        self._listener.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

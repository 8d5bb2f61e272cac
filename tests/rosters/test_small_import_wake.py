"""Small rosters start at once (issue 19): the worker sleeps on a socket that queuing a job writes
to, and the job page polls fast while a job is young."""

from __future__ import annotations

import time

from django.db import transaction

from gonghui.rosters import wake


def test_notify_wakes_a_listening_worker_and_forgets_a_dead_one(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert wake.notify() == 0  # nobody listening: nothing happens
    listener = wake.Listener()
    try:
        dead = wake.folder() / "999999999.sock"
        dead.touch()  # a socket file nobody binds (a worker that died)
        assert wake.notify() == 1
        assert not dead.exists()
        t = time.monotonic()
        listener.sleep(30)  # the datagram is waiting: returns at once
        assert time.monotonic() - t < 10
        shim = wake.SleepOnSocket(listener, time)
        assert shim.monotonic() > 0  # the rest of `time` passes through
    finally:
        listener.close()
    assert not listener.path.exists()


def test_enqueue_wakes_the_worker_after_the_commit(monkeypatch, db, django_capture_on_commit_callbacks):
    from gonghui.rosters import actions, tasks

    calls: list[str] = []
    monkeypatch.setattr(wake, "notify", lambda: calls.append("woken"))

    class Job:
        pk = 1

    class Task:
        def enqueue(self, **kw: object) -> None:
            calls.append("queued")

    monkeypatch.setattr(tasks, "run_import", Task())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        actions.enqueue(Job())  # type: ignore[arg-type]
        assert calls == ["queued"]  # not before the job row is visible to the worker
    assert calls == ["queued", "woken"]

"""gonghui worker [db_worker's options]: django-tasks' database worker, woken when a job is queued.

The same worker as `gonghui db_worker` (same options), except that between looks for work it sleeps
on a socket that `rosters.wake.notify()` writes to when a roster import is queued, so a job starts
within milliseconds instead of up to `--interval` seconds later (issue 19). The interval (default
here 5 s) still bounds the wait for anything queued without a wake-up (the nightly snapshot).
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands import db_worker

from gonghui.rosters import wake

log = logging.getLogger(__name__)


class Command(db_worker.Command):
    help = "运行后台任务（花名册导入、夜间快照）；有新任务时立即被唤醒"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(interval=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            listener = wake.Listener()
        except OSError as e:  # e.g. a data folder path too long for a socket name
            log.warning("worker wake-up socket unavailable (%s); polling every %s s", e, options["interval"])
            super().handle(*args, **options)
            return
        db_worker.time = wake.SleepOnSocket(listener, time)  # type: ignore[assignment]
        try:
            super().handle(*args, **options)
        finally:
            db_worker.time = time  # type: ignore[assignment]
            listener.close()

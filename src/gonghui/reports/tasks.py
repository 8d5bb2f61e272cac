"""The nightly snapshot (reports/snapshots.py), run by `gonghui db_worker`, rescheduling itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

RUN_AT = dt.time(0, 30)


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    at = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def schedule_daily() -> dt.datetime | None:
    """Enqueue the next nightly snapshot unless one is already waiting (idempotent: `make run`
    calls it at every start). None when the task backend cannot run tasks later (tests)."""
    if not daily_snapshot.get_backend().supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult

    waiting = (
        DBTaskResult.objects.filter(task_path=daily_snapshot.module_path, status="READY")
        .order_by("run_after")
        .first()
    )
    if waiting is not None:
        return timezone.localtime(waiting.run_after)
    when = next_run()
    daily_snapshot.using(run_after=when).enqueue()
    return when


@task()
def daily_snapshot() -> dict[str, Any]:
    from gonghui.reports import snapshots

    done = snapshots.ensure()
    schedule_daily()
    return done

"""The working life's nightly job (run by `gonghui db_worker`, rescheduling itself like
reports/tasks.py): contracts whose review period passed become effective, every union's figures
and idle score as of today, this month's point of the idle trend, then the reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django_tasks import task

RUN_AT = dt.time(1, 0)


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    at = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def schedule_daily() -> dt.datetime | None:
    """Enqueue the next run unless one is already waiting (idempotent). None when the task backend
    cannot run tasks later (tests)."""
    if not daily_worklife.get_backend().supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult

    waiting = (
        DBTaskResult.objects.filter(task_path=daily_worklife.module_path, status="READY")
        .order_by("run_after")
        .first()
    )
    if waiting is not None:
        return timezone.localtime(waiting.run_after)
    when = next_run()
    daily_worklife.using(run_after=when).enqueue()
    return when


def run_daily(today: dt.date | None = None) -> dict[str, Any]:
    from gonghui.worklife import counters, reminders, stats
    from gonghui.worklife.actions_contracts import settle_reviews

    today = today or timezone.localdate()
    settled = settle_reviews(today)
    changed = counters.refresh_all(today)
    trend = stats.record_trend(today)
    sent = reminders.run(today)
    return {"settled": settled, "scores_changed": changed, "trend": trend, "reminders": sent}


@task()
def daily_worklife() -> dict[str, Any]:
    done = run_daily()
    schedule_daily()
    return done


def backfill_demo(months: int = 6, today: dt.date | None = None) -> int:
    """After a bulk load (the demo): score every union as of the end of each of the last `months`
    months (the trend's points), then as of today. Returns today's idle unions."""
    from gonghui.worklife import counters, stats
    from gonghui.worklife.models_idle import LifeCounter

    today = today or timezone.localdate()
    first = today.replace(day=1)
    ends = []
    for _i in range(months):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        ends.append(nxt - dt.timedelta(days=1))
    for day in sorted(ends):
        counters.refresh_all(day)
        stats.record_trend(day)
    counters.refresh_all(today)
    stats.record_trend(today)
    root = LifeCounter.objects.order_by("path").first()
    return root.idle_unions if root else 0

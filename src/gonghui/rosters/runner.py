"""The loop of an import: batch after batch, each in one transaction with the job's counters and
resume point, and the SQLite session settings a long series of large transactions wants.

Problems are stored up to `Context.max_issues` per job (GONGHUI_IMPORT_MAX_ISSUES); the job's
`errors` counter keeps counting past it. A dry run stops once it has found that many ("capped"):
a file that is nothing but problems (a zip bomb of garbage rows, the wrong sheet) costs seconds,
not millions of stored rows.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from gonghui.core.audit import audit_record
from gonghui.rosters.engine import Context, apply_batch
from gonghui.rosters.models import ImportIssue, ImportJob
from gonghui.rosters.pipeline import Batch


@contextmanager
def bulk_session() -> Iterator[None]:
    """SQLite tuned for a long series of large transactions on this connection: a bigger page
    cache (the random blind-index keys touch pages all over the indexes) and a WAL checkpoint every
    256 MiB instead of 4 MiB (each checkpoint syncs both files, and index pages dirtied by batch
    after batch are written back once per checkpoint; figures in docs/decisions.md). Both are put
    back afterwards. Durability is unchanged (WAL, synchronous=NORMAL)."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        old_cache = cur.fetchone()[0]
        cur.execute("PRAGMA wal_autocheckpoint")
        old_ckpt = cur.fetchone()[0]
        cur.execute("PRAGMA cache_size = -196608")  # 192 MiB
        cur.execute("PRAGMA wal_autocheckpoint = 65536")  # pages of 4 KiB: 256 MiB of WAL
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(old_cache)}")
            cur.execute(f"PRAGMA wal_autocheckpoint = {int(old_ckpt)}")
            if not connection.in_atomic_block:
                cur.execute("PRAGMA wal_checkpoint(PASSIVE)")


class Superseded(Exception):
    """Another run took this job over (a resume after this one was thought dead)."""


def run_batches(
    ctx: Context, token: str, batches: Iterable[Batch], progress: Callable[[ImportJob], None] | None = None
) -> str:
    """Apply batches, each in one transaction with the job's counters. Returns 'done', 'cancelled'
    or 'capped' (a dry run that reached the cap on problems)."""
    # The batches' rows are plain tuples, freed as each batch ends; left on, the cyclic collector
    # would walk the growing heap every few thousand of them (a tenth of the writer's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_batches(ctx, token, batches, progress)
    finally:
        if collecting:
            gc.enable()


def _run_batches(
    ctx: Context, token: str, batches: Iterable[Batch], progress: Callable[[ImportJob], None] | None
) -> str:
    job = ctx.job
    for batch in batches:
        with transaction.atomic():
            j = ImportJob.objects.select_for_update().get(pk=job.pk)
            if j.run_token != token:
                raise Superseded
            if j.cancel_requested:
                return "cancelled"
            out = apply_batch(ctx, batch)
            room = max(0, ctx.max_issues - j.errors)  # stored so far: min(errors, max_issues)
            if out.issues and room:
                ImportIssue.objects.bulk_create(
                    [
                        ImportIssue(job_id=j.pk, row=r, column=c[:60], message=m[:300])
                        for r, c, m in out.issues[:room]
                    ],
                    batch_size=1000,
                )
            j.rows_done += batch.rows
            j.created += out.created
            j.updated += out.updated
            j.unchanged += out.unchanged
            j.refused += out.refused
            j.errors += len(out.issues)
            j.last_row = max(j.last_row, batch.last_row)
            j.total_rows = max(j.total_rows, j.rows_done)
            j.heartbeat_at = timezone.now()
            j.save(
                update_fields=[
                    "rows_done",
                    "created",
                    "updated",
                    "unchanged",
                    "refused",
                    "errors",
                    "last_row",
                    "total_rows",
                    "heartbeat_at",
                ]
            )
            if not ctx.dry and (out.created or out.updated):
                audit_record(user=ctx.user if getattr(ctx.user, "is_authenticated", False) else None, action="roster.import.batch",
                             obj=j, org_path=j.org_path, changes={"to_row": batch.last_row, "created": out.created, "updated": out.updated})  # fmt: skip
        ctx.job = j
        if progress is not None:
            progress(j)
        if ctx.dry and j.errors >= ctx.max_issues:
            return "capped"
    return "done"

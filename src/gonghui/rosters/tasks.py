"""Background jobs (django-tasks, run by `gonghui db_worker`): an import runs here, not in the
web request, so a million rows never time a browser out."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(job_id: int, resume: bool = False) -> dict[str, int]:
    """Run the job's current phase (dry run or import); progress is in the job row."""
    from gonghui.rosters.actions import roster_import_purge, roster_import_run

    roster_import_purge()  # files past the retention period go first (a cheap query when none)
    job = roster_import_run(job_id=job_id, resume=resume)
    return {**job.summary(), "errors": job.errors}

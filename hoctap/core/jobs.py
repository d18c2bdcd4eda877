"""What every background job's row records about its run, whatever the job does.

An export (`exports.ExportJob`), an Excel import (`registry.ImportJob`) and an official PDF
(`assessments.DocumentJob`) are each one row that one process works on; `core.liveness` reads
`worker` to tell whether that process is still alive. The job's own status, progress and result
stay on its model: they are worded for what it does.

A job whose process died would stay "running" for ever: `mark_if_abandoned` and
`recover_each` are the one way each kind of job is marked failed then (`core.liveness` tells,
for certain, that the process is gone); what the row says about it is worded by the job's own app.
"""

from collections.abc import Callable, Collection

from django.db import models

from hoctap.core import liveness


class BackgroundJob(models.Model):
    """A job run by one process, from its creation to its end."""

    # The process running it ("host:pid:start", core.liveness), recorded when it starts.
    worker = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class QueuedJob(BackgroundJob):
    """A job handed to the task worker (Django's tasks framework): the task's id, when the worker
    took it up, and why it failed."""

    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True


def mark_if_abandoned(job: BackgroundJob, *, kind: str, running: Collection[str], failed: dict) -> bool:
    """Mark `job` failed, writing `failed` (field: value) on its row, when it is running (its status
    in `running`) and the process recorded as its worker is certainly dead; `job` is then reloaded.
    `kind` is its `liveness` namespace. Returns whether this call marked it (the update is
    conditional, so two recoveries at once mark it once)."""
    if job.status not in running or not job.worker:
        return False
    with liveness.if_abandoned(kind, job.pk, job.worker) as dead:
        if not dead:
            return False
        # Under the job's lock on PostgreSQL: no new run starts while the row is marked.
        marked = type(job).objects.filter(pk=job.pk, status__in=running, worker=job.worker).update(**failed)
        job.refresh_from_db()
    return bool(marked)


def recover_each(running: models.QuerySet, recover: Callable[[BackgroundJob], BackgroundJob], failed: str) -> list[int]:
    """Every job of `running` (the rows whose status says they run) that has a worker, oldest first,
    through `recover` (the app's recover_if_abandoned); returns the ids of those now `failed`."""
    return [job.pk for job in running.exclude(worker="").order_by("pk") if recover(job).status == failed]

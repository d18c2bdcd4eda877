"""What every background job's row records about its run, whatever the job does.

An export (`exports.ExportJob`), an Excel import (`registry.ImportJob`) and an official PDF
(`assessments.DocumentJob`) are each one row that one process works on; `core.liveness` reads
`worker` to tell whether that process is still alive. The job's own status, progress and result
stay on its model: they are worded for what it does.
"""

from django.db import models


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

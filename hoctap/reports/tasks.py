"""Export tasks queued before the export job moved to hoctap.exports were enqueued under this
module's name; the worker still finds them here and runs them with the one runner."""

from __future__ import annotations

from django.tasks import task

from hoctap.exports.tasks import run_export as _run


@task()
def run_export(job_id: int) -> dict:
    return _run.call(job_id)

"""Background tasks of the assessments app (Django's tasks framework, run by `manage.py db_worker`)."""

from __future__ import annotations

from django.tasks import task

from hoctap.core import liveness

from . import document_jobs


@task()
def render_document(job_id: int) -> dict:
    """Render one official PDF (`document_jobs`); the worker holds the job while it runs, so a
    worker that dies leaves a job the next reader's page marks failed and offers to make again."""
    with liveness.holding("document", job_id) as worker:
        return {"status": document_jobs.run(job_id, worker)}

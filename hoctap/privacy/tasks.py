"""The retention job, for the background worker (django-tasks-db's `db_worker`)."""

from __future__ import annotations

import datetime

from django.tasks import task

from hoctap.audit.context import acting_as

from . import retention


@task()
def apply_retention(day: str | None = None) -> dict:
    today = datetime.date.fromisoformat(day) if day else None
    with acting_as(system="privacy_retention", job=f"retention {day or 'today'}"):
        summary = retention.run(today)
    return summary.as_dict()

"""The daily job, for the background worker (django-tasks-db's `db_worker`)."""

from __future__ import annotations

import datetime

from django.tasks import task

from hoctap.audit.context import acting_as

from . import services


@task()
def send_reminders(day: str | None = None) -> dict:
    """Record the day's notices and send what is pending. Safe to run any number of times a day."""
    today = datetime.date.fromisoformat(day) if day else services.job_today()
    with acting_as(system="send_reminders", job=f"reminders {today.isoformat()}"):
        summary = services.run(today)
    return {"day": today.isoformat(), "recorded": summary.recorded, "sent": summary.sent, "failed": summary.failed}

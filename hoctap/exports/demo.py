"""Demo: the commune officer's person list exported as a job (what a list above the streaming limit
becomes), finished, so that "Tệp đã xuất" and the home page's finished jobs show one, with its file
and its audit entry. Run by the worker's own code here, not by a worker: the demo needs no process."""

from __future__ import annotations

from hoctap.accounts.scoping import Scope

from . import jobs, kinds, tasks
from .models import ExportStatus

KIND = "registry.people"


def load(context, log):
    officer = context["users"].get("commune_officer")
    if officer is None:
        return
    kinds.get(KIND)  # registered by the registry: the step runs after it
    live = jobs.jobs_of(Scope(officer)).filter(kind=KIND, status=ExportStatus.DONE).exclude(file="")
    if live.exists():  # loading again changes nothing (a purged file is made again)
        return
    params = {"format": "xlsx"}
    job = jobs.request_job(kind=KIND, actor=officer, params=params)
    tasks.run_export.call(job.pk)
    job.refresh_from_db()
    log(f"Xuất danh sách nhân khẩu của {officer.username}: {job.rows_done} dòng ({job.get_status_display()})")

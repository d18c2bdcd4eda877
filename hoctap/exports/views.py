"""The export job's page (progress polled with htmx), its download, and the user's own jobs."""

import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse

from hoctap.accounts.scoping import scope_for
from hoctap.core.exports import XLSX_CONTENT_TYPE
from hoctap.web.shortcuts import is_htmx

from . import jobs
from .models import ExportStatus

CONTENT_TYPES = {".xlsx": XLSX_CONTENT_TYPE, ".csv": "text/csv; charset=utf-8"}


def job_file_response(job) -> FileResponse:
    """The finished job's file, streamed from storage (disk or bucket) after the caller's checks."""
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    suffix = "." + job.filename.rsplit(".", 1)[-1] if "." in job.filename else ""
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(job.filename)[0] or "application/octet-stream"
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def job_list(request):
    context = {"jobs": jobs.jobs_of(scope_for(request))[:50], "retention_hours": settings.HOCTAP_EXPORT_RETENTION_HOURS}
    return render(request, "exports/job_list.html", context)


def job_detail(request, job_id):
    job = jobs.recover_if_abandoned(jobs.job_for(scope_for(request), job_id))  # not polled for ever
    context = {
        "job": job,
        "poll_url": request.path,
        "download_url": reverse("exports:job_download", args=[job.pk]),
    }
    return render(request, "exports/_progress.html" if is_htmx(request) else "exports/job_detail.html", context)


def job_download(request, job_id):
    return job_file_response(jobs.job_for(scope_for(request), job_id))

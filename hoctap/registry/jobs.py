"""Import jobs: an upload is stored, checked (dry run), and imported on confirmation.

Small files run inside the request; larger ones run as a Django task on the database-backed
worker (`manage.py db_worker`), and the job page polls the job's progress with htmx. Progress is
written while checking; the writing pass is one transaction, whose progress no other database
connection could see, so the page then shows that it is writing.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hoctap.accounts.scoping import Scope
from hoctap.audit.context import acting_as
from hoctap.core import liveness
from hoctap.core.imports import WRITING, ImportResult, check_file, get_template, import_file, message_language
from hoctap.core.jobs import mark_if_abandoned, recover_each
from hoctap.core.storage import delete_strays
from hoctap.core.uploads import check_xlsx, store_upload

from .models import ImportJob

# About 3,000 rows of the household template: checked and imported while the user waits.
SYNC_MAX_BYTES = 256 * 1024
UPLOAD_FOLDER = "imports"

logger = logging.getLogger(__name__)


def create_job(scope, user, template, uploaded, *, request_id: str = "", language: str | None = None) -> ImportJob:
    """Check the upload's content (raises UploadRejected) and store it as a new job, with the
    uploader's language (default: the active one) for its messages."""
    check_xlsx(uploaded)
    units = [unit for unit in scope.home_units() if scope.can(template.capability, unit)]
    name = store_upload(uploaded, UPLOAD_FOLDER)
    return ImportJob.objects.create(
        template=template.code,
        file=name,
        original_name=(uploaded.name or "")[:255],
        uploaded_by=user,
        unit=units[0],
        request_id=request_id,
        language=message_language(language),
        status=ImportJob.Status.CHECKING,
    )


def start(job: ImportJob, *, commit: bool) -> None:
    """Run now if the file is small, else hand the job to the worker."""
    status = ImportJob.Status.IMPORTING if commit else ImportJob.Status.CHECKING
    ImportJob.objects.filter(pk=job.pk).update(status=status, rows_done=0, writing=False, worker="")
    # A template whose rows cost more than the registry's (each results row runs the workflow)
    # keeps less in the request.
    limit = min(SYNC_MAX_BYTES, getattr(get_template(job.template), "sync_max_bytes", SYNC_MAX_BYTES))
    if job.file.size <= limit:
        run_job(job.pk, commit=commit)
    else:
        # Enqueue only once the job row is committed, or the worker might not find it.
        transaction.on_commit(lambda: run_import_job.enqueue(job.pk, commit))


def run_job(job_id: int, *, commit: bool) -> ImportJob:
    # The process holds the job while it runs, so that a process that dies is seen as dead
    # (`recover_abandoned`) and its job is not left "running" for ever.
    with liveness.holding("import", job_id) as worker:
        ImportJob.objects.filter(pk=job_id).update(worker=worker)
        return _run_job(job_id, commit=commit)


def _run_job(job_id: int, *, commit: bool) -> ImportJob:
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    template = get_template(job.template)
    user = job.uploaded_by

    def progress(phase, done, total):
        # A one-pass import writes without knowing its size yet: the row count of the job's check stays.
        sized = {"rows_total": total} if total is not None or phase != WRITING else {}
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done, writing=phase == WRITING, **sized)

    # Messages in the uploader's language, whichever process runs the job.
    with translation.override(job.language):
        result = _checked_or_imported(job, template, user, progress, commit=commit)
    job.refresh_from_db()
    job.counts, job.errors, job.error_count = result.counts, result.errors, result.error_count
    job.notes = result.notes
    job.file_error = result.file_error
    job.rows_total = job.rows_done = result.rows
    job.writing = False
    job.worker = ""
    job.finished_at = timezone.now()
    if result.committed:
        job.status = ImportJob.Status.DONE
    elif not result.ok:
        job.status = ImportJob.Status.FAILED if commit else ImportJob.Status.INVALID
    else:
        job.status = ImportJob.Status.CHECKED
    job.save()
    if result.committed:
        # Imported rows live in the registry now; the upload is not kept as a second copy.
        default_storage.delete(job.file.name)
    return job


def _checked_or_imported(job: ImportJob, template, user, progress, *, commit: bool) -> ImportResult:
    try:
        # Audited as the uploader, under the id of the request that uploaded the file.
        with (
            acting_as(user, job=f"import {job.pk}", request_id=job.request_id or None),
            default_storage.open(job.file.name, "rb") as source,
        ):
            run = import_file if commit else check_file
            return run(
                source,
                template,
                scope=Scope(user),
                actor=user,
                progress=progress,
                request_id=job.request_id,
                language=job.language,
            )
    except Exception as error:
        # The job must not poll forever. Only the error's type is logged: database errors quote the
        # values they refused, and those may be ID numbers.
        logger.error("import job %s failed: %s", job.pk, type(error).__name__)
        return ImportResult(
            template.code,
            file_error=_(
                "Lỗi hệ thống khi xử lý tệp; chưa ghi gì. Hãy thử lại hoặc báo cán bộ quản trị (mã yêu cầu %(id)s)."
            )
            % {"id": job.request_id or job.pk},
        )


@task()
def run_import_job(job_id: int, commit: bool) -> None:
    run_job(job_id, commit=commit)


RUNNING = (ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING)


def abandoned_message() -> str:
    return _(
        "Việc xử lý tệp đã dừng giữa chừng vì máy chủ bị tắt hoặc khởi động lại; chưa ghi gì vào sổ. "
        "Hãy tải tệp lên lại để kiểm tra và nhập."
    )


def recover_if_abandoned(job: ImportJob) -> ImportJob:
    """A job whose process died is marked failed (nothing was written: the import is one
    transaction, which died with it) and says so to its uploader. Returns the job as it is now."""
    failed = {
        "status": ImportJob.Status.FAILED,
        "writing": False,
        "worker": "",
        "file_error": abandoned_message(),
        "finished_at": timezone.now(),
    }
    if mark_if_abandoned(job, kind="import", running=RUNNING, failed=failed):
        logger.warning("import job %s: its process died; marked failed", job.pk)
    return job


def recover_abandoned() -> list[int]:
    """Every import whose process died: marked failed. Returns their ids."""
    return recover_each(ImportJob.objects.filter(status__in=RUNNING), recover_if_abandoned, ImportJob.Status.FAILED)


def purge_uploads(now=None) -> list[int]:
    """Delete the uploads that are no longer needed, so full ID numbers do not stay on disk.

    An imported file is deleted at once (`_run_job`). A file that was never imported (errors found,
    checked but never confirmed, failed) is deleted `HOCTAP_UPLOAD_RETENTION_HOURS` after its job
    ended: long enough to download the marked error file and to confirm the next morning. The job
    keeps its counts and its error list (values masked). A stored file no job refers to (the process
    died between saving the file and creating its job) goes after the same delay. Returns the ids of
    the jobs whose file was deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.HOCTAP_UPLOAD_RETENTION_HOURS)
    stale = (
        ImportJob.objects.exclude(status__in=RUNNING)
        .exclude(file="")
        .filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff))
    )
    purged = []
    for job_id, name in stale.values_list("pk", "file"):
        default_storage.delete(name)
        ImportJob.objects.filter(pk=job_id).update(file="")
        purged.append(job_id)
    delete_strays(UPLOAD_FOLDER, set(ImportJob.objects.exclude(file="").values_list("file", flat=True)), cutoff)
    if purged:
        logger.info("deleted %d uploads never imported", len(purged))
    return purged

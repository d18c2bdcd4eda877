"""Official PDFs made by the background worker, never inside a request.

Rendering a decision or a page of certificates with WeasyPrint takes about a second of CPU (the
slowest request of the load test, bench/results/load.json). A page that needs a PDF renders only its
HTML (milliseconds), from what its reader may see, and asks `pdf_or_job`: the stored file if it was
made (`core.documents.stored_pdf` keeps every PDF by the hash of its HTML), or the queued job that
makes it, whose state the page shows ("đang tạo") until it is there. The same HTML makes the same
key, so a document is rendered once however many readers, app servers or clicks ask for it; a
changed record gives new HTML, so a new file, never a stale one.

What is kept: a decision's PDF is an administrative document, kept for good (and its job row, which
says it was made). Certificates are kept too while they are read; `purge_unread_certificates` deletes
the files nobody downloaded for a long time (a year by default): they are made again, identical in
what they show, from the certificate's frozen payload when someone asks, and a deleted file no longer
carries a person's name outside the record.
"""

from __future__ import annotations

import datetime
import logging

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.core.documents import document_key, document_path, made_pdf
from hoctap.core.jobs import mark_if_abandoned, recover_each

from .models import Decision, DocumentJob, DocumentKind, DocumentStatus

logger = logging.getLogger(__name__)

UNREAD_CERTIFICATES_KEPT = datetime.timedelta(days=365)
CERTIFICATE_KINDS = (DocumentKind.CERTIFICATES, DocumentKind.CERTIFICATE)


def pdf_or_job(html: str, *, kind: str, decision: Decision) -> tuple[bytes | None, DocumentJob | None]:
    """(the PDF, None) when it was made; otherwise (None, the job making it), queued if it was not.
    The caller checked the reader's scope and rendered `html` from what they may see."""
    key = document_key(html)
    data = made_pdf(key)
    if data is not None:
        DocumentJob.objects.filter(key=key).update(last_served_at=timezone.now())
        return data, None
    return None, queue(html, key=key, kind=kind, decision=decision)


def queue(
    html: str, *, kind: str, decision: Decision, key: str | None = None, retry_failed: bool = False
) -> DocumentJob:
    """The job that makes this document: the existing one while it is queued or running; run again
    when its file is gone (purged), and when it failed only if the reader asks (`retry_failed`:
    the page's «Tạo lại»), so a page reloading itself never loops over a failing render."""
    key = key or document_key(html)
    job = DocumentJob.objects.filter(key=key).first()
    if job is None:
        try:
            with transaction.atomic():
                job = DocumentJob.objects.create(key=key, kind=kind, decision=decision, html=html)
        except IntegrityError:  # another request queued it meanwhile
            return DocumentJob.objects.get(key=key)
        transaction.on_commit(lambda: enqueue(job.pk))
        return job
    job = recover_if_abandoned(job)
    if job.is_pending or (job.status == DocumentStatus.FAILED and not retry_failed):
        return job
    if job.status == DocumentStatus.DONE and default_storage.exists(document_path(key)):
        return job
    # Done but its file is gone, or failed and asked again: run again, once, whoever asks first.
    again = DocumentJob.objects.filter(pk=job.pk, status=job.status).update(
        status=DocumentStatus.QUEUED, html=html, error="", worker="", started_at=None, finished_at=None
    )
    if again:
        transaction.on_commit(lambda: enqueue(job.pk))
    job.refresh_from_db()
    return job


def enqueue(job_id: int) -> None:
    from .tasks import render_document  # the task module imports this one

    result = render_document.enqueue(job_id)
    DocumentJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def failure_message() -> str:
    return _("Lỗi hệ thống khi tạo tệp PDF. Hãy bấm «Tạo lại»; nếu vẫn lỗi, báo cán bộ quản trị.")


def abandoned_message() -> str:
    return _("Việc tạo tệp đã dừng giữa chừng vì máy chủ bị tắt hoặc khởi động lại. Hãy bấm «Tạo lại».")


def run(job_id: int, worker: str) -> str:
    """Render one queued document and keep it; returns the job's status. Run by the worker, as the
    live owner of the job (`liveness.holding`)."""
    from hoctap.core.documents import stored_pdf

    started = DocumentJob.objects.filter(pk=job_id, status=DocumentStatus.QUEUED).update(
        status=DocumentStatus.RUNNING, started_at=timezone.now(), worker=worker
    )
    if not started:  # made or failed meanwhile
        return DocumentJob.objects.get(pk=job_id).status
    job = DocumentJob.objects.get(pk=job_id)
    try:
        stored_pdf(job.html)
    except Exception as error:
        # The kind of failure only: the HTML holds names.
        logger.error("document job %s failed: %s", job_id, type(error).__name__)
        DocumentJob.objects.filter(pk=job_id).update(
            status=DocumentStatus.FAILED, error=failure_message(), finished_at=timezone.now()
        )
        raise
    DocumentJob.objects.filter(pk=job_id).update(status=DocumentStatus.DONE, html="", finished_at=timezone.now())
    return DocumentStatus.DONE


def recover_if_abandoned(job: DocumentJob) -> DocumentJob:
    """A running job whose worker died is marked failed (its page then offers to make it again)."""
    failed = {"status": DocumentStatus.FAILED, "error": abandoned_message(), "finished_at": timezone.now()}
    mark_if_abandoned(job, kind="document", running=[DocumentStatus.RUNNING], failed=failed)
    return job


def recover_abandoned() -> list[int]:
    """Every document whose worker died: marked failed (`manage.py recover_jobs`). Returns their ids."""
    return recover_each(
        DocumentJob.objects.filter(status=DocumentStatus.RUNNING), recover_if_abandoned, DocumentStatus.FAILED
    )


def jobs_of(decision: Decision) -> dict[str, DocumentJob]:
    """The latest job of each kind of this decision's documents (for its page to show their state)."""
    latest = {}
    for job in DocumentJob.objects.filter(decision=decision).order_by("created_at", "pk"):
        latest[job.kind] = recover_if_abandoned(job) if job.status == DocumentStatus.RUNNING else job
    return latest


def waiting_before(job: DocumentJob) -> int:
    """How many documents the worker makes before this one."""
    if job.status != DocumentStatus.QUEUED:
        return 0
    return DocumentJob.objects.filter(status=DocumentStatus.QUEUED, pk__lt=job.pk).count()


def purge_unread_certificates(*, now: datetime.datetime | None = None, kept=UNREAD_CERTIFICATES_KEPT) -> int:
    """Delete the certificate PDFs nobody has downloaded within `kept` (made again when asked for).
    Decisions are never purged. Returns how many files were deleted."""
    limit = (now or timezone.now()) - kept
    stale = DocumentJob.objects.filter(kind__in=CERTIFICATE_KINDS, status=DocumentStatus.DONE).filter(
        Q(last_served_at__lt=limit) | Q(last_served_at__isnull=True, finished_at__lt=limit)
    )
    purged = 0
    for job in stale.iterator():
        default_storage.delete(document_path(job.key))
        # Row and file go together; a request meanwhile either read the file or queues it again.
        DocumentJob.objects.filter(pk=job.pk, status=DocumentStatus.DONE).delete()
        purged += 1
    return purged

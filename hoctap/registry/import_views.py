"""Excel import pages: upload → check (dry run) → confirm → import, with progress for long files."""

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hoctap.accounts.scoping import scope_for
from hoctap.core.exports import XLSX_CONTENT_TYPE
from hoctap.core.imports import all_templates, error_report, get_template, template_workbook
from hoctap.core.uploads import UploadRejected
from hoctap.web.shortcuts import download

from . import jobs
from .forms import ImportForm
from .models import ImportJob

SHOWN_ERRORS = 200


def _templates_for(scope):
    return [template for template in all_templates() if template.permitted(scope)]


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return download(content, filename, XLSX_CONTENT_TYPE)


def _job(request, job_id):
    """Only the uploader sees a job (its error list quotes their file). A job whose process died is
    marked failed here, so its page never waits for it."""
    return jobs.recover_if_abandoned(
        scope_for(request).get_or_404(
            ImportJob.objects.filter(uploaded_by=request.user).select_related("unit"), pk=job_id
        )
    )


def import_start(request):
    scope = scope_for(request)
    templates = _templates_for(scope)
    if not templates:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        template = get_template(form.cleaned_data["template"])
        try:
            job = jobs.create_job(
                scope, request.user, template, form.cleaned_data["file"], request_id=getattr(request, "request_id", "")
            )
        except UploadRejected as rejected:
            form.add_error("file", rejected.messages[0])
        else:
            jobs.start(job, commit=False)
            return redirect("registry:import_job", job_id=job.pk)
    recent = scope.filter(ImportJob.objects.filter(uploaded_by=request.user))[:10]
    return render(request, "registry/import_start.html", {"form": form, "templates": templates, "recent": recent})


def import_template(request, code):
    template = get_template(code)
    if template is None or not template.permitted(scope_for(request)):
        raise Http404
    return _xlsx(template_workbook(template), f"mau-{template.code}.xlsx")


def import_job(request, job_id):
    job = _job(request, job_id)
    template = get_template(job.template)
    # A template that belongs to another page (a campaign's results) leads back there.
    back_url = template.return_url() if hasattr(template, "return_url") else ""
    return render(
        request,
        "registry/import_job.html",
        {
            "job": job,
            "template": template,
            "errors": job.errors[:SHOWN_ERRORS],
            "back_url": back_url,
            "counts": [
                (template.entities[entity], outcomes)
                for entity, outcomes in job.counts.items()
                if entity in template.entities
            ],
        },
    )


def import_progress(request, job_id):
    job = _job(request, job_id)
    response = render(request, "registry/_import_progress.html", {"job": job})
    if not job.is_running:
        response["HX-Refresh"] = "true"  # the finished job's page shows counts and errors
    return response


def import_commit(request, job_id):
    job = _job(request, job_id)
    if request.method != "POST":
        return redirect("registry:import_job", job_id=job.pk)
    if job.status != ImportJob.Status.CHECKED:
        messages.error(request, _("Chỉ nhập được tệp đã kiểm tra và không có lỗi."))
    elif not job.file:
        messages.error(
            request,
            _(
                "Tệp này đã được xoá vì để quá %(hours)d giờ mà chưa nhập (để không lưu số CCCD "
                "lâu hơn cần thiết). Hãy tải tệp lên lại để kiểm tra và nhập."
            )
            % {"hours": settings.HOCTAP_UPLOAD_RETENTION_HOURS},
        )
    else:
        jobs.start(job, commit=True)
    return redirect("registry:import_job", job_id=job.pk)


def import_report(request, job_id):
    job = _job(request, job_id)
    if not job.errors or not job.file or not default_storage.exists(job.file.name):
        raise Http404
    with default_storage.open(job.file.name, "rb") as source:
        content = error_report(source, get_template(job.template), job.errors, language=job.language)
    return _xlsx(content, "bao-cao-loi.xlsx")

"""`manage.py recover_jobs`: imports, exports and document PDFs whose process died are marked failed.

Run it when the server or the task worker starts (`make run` does, before `db_worker`); the job
pages also do it for the job they show. A job whose process is alive is never touched
(hoctap.core.liveness).
"""

from django.core.management.base import BaseCommand

from hoctap.assessments import document_jobs
from hoctap.exports import jobs as export_jobs
from hoctap.registry import jobs as import_jobs


class Command(BaseCommand):
    help = "Đánh dấu thất bại các lượt nhập, xuất dữ liệu và tạo tệp PDF mà tiến trình chạy chúng đã chết."

    def handle(self, *args, **options):
        imports = import_jobs.recover_abandoned()
        exports = export_jobs.recover_abandoned()
        documents = document_jobs.recover_abandoned()
        self.stdout.write(
            f"imports marked failed: {len(imports)} {imports}\nexports marked failed: {len(exports)} {exports}\n"
            f"documents marked failed: {len(documents)} {documents}"
        )

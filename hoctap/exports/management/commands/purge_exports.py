"""`manage.py purge_exports`: delete finished export files and their jobs HOCTAP_EXPORT_RETENTION_HOURS
after they finished (exports.jobs.purge_finished). Run it daily (cron or a systemd timer) beside
`purge_uploads`; `make run` runs it at start."""

from django.core.management.base import BaseCommand

from hoctap.audit.context import as_command
from hoctap.exports import jobs


class Command(BaseCommand):
    help = "Xoá các tệp đã xuất và yêu cầu xuất đã xong, sau thời hạn lưu giữ."

    def handle(self, *args, **options):
        with as_command(["manage.py", "purge_exports"]):
            purged = jobs.purge_finished()
        self.stdout.write(f"exports deleted: {len(purged)}")

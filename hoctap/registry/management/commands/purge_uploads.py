"""`manage.py purge_uploads`: delete uploaded Excel files that were never imported, after
HOCTAP_UPLOAD_RETENTION_HOURS (registry.jobs.purge_uploads). Run it daily (cron or a systemd timer);
`make run` runs it at start."""

from django.core.management.base import BaseCommand

from hoctap.audit.context import as_command
from hoctap.registry import jobs


class Command(BaseCommand):
    help = "Xoá các tệp Excel đã tải lên nhưng không nhập, sau thời hạn lưu giữ."

    def handle(self, *args, **options):
        with as_command(["manage.py", "purge_uploads"]):
            purged = jobs.purge_uploads()
        self.stdout.write(f"uploads deleted: {len(purged)}")

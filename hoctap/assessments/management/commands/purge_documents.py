"""`manage.py purge_documents`: delete the certificate PDFs nobody downloaded for a long time.

Run it from cron or a systemd timer next to privacy_retention (docs/deployment.md). Decisions are
never purged (administrative documents, `assessments.document_jobs`); a purged certificate is made
again by the worker when someone asks for it."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from ...document_jobs import UNREAD_CERTIFICATES_KEPT, purge_unread_certificates


class Command(BaseCommand):
    help = "Xóa tệp PDF giấy công nhận lâu không ai tải (tạo lại khi cần); không bao giờ xóa quyết định."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=UNREAD_CERTIFICATES_KEPT.days,
            help="Xóa tệp không ai tải trong số ngày này (mặc định %(default)s).",
        )

    def handle(self, *args, days, **options):
        if days < 30:
            raise CommandError("--days: ít nhất 30 ngày.")
        purged = purge_unread_certificates(kept=datetime.timedelta(days=days))
        self.stdout.write(f"Đã xóa {purged} tệp PDF giấy công nhận lâu không ai tải.")

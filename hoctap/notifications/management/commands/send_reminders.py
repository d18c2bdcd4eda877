"""The daily reminder job: `manage.py send_reminders` (now) or `--enqueue` (for the worker).

Production runs it once a day from cron or a systemd timer (docs/architecture.md, "Reminders");
running it again the same day records and sends nothing twice.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from hoctap.core.limits import is_year

from ... import services
from ...tasks import send_reminders


class Command(BaseCommand):
    help = "Gửi nhắc hạn và thông báo của ngày (chạy lại trong ngày không gửi trùng)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày xét (YYYY-MM-DD); mặc định hôm nay theo giờ Việt Nam.")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Đưa việc vào hàng đợi cho tiến trình nền (db_worker) thay vì chạy ngay.",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date: ngày không hợp lệ, dùng dạng YYYY-MM-DD.") from None
            if not is_year(day.year):
                raise CommandError("--date: năm nằm ngoài khoảng hệ thống ghi nhận.")
        else:
            day = services.job_today()
        if enqueue:
            result = send_reminders.enqueue(day.isoformat())
            self.stdout.write(f"Đã đưa việc nhắc hạn ngày {day:%d/%m/%Y} vào hàng đợi ({result.id}).")
            return
        summary = services.run(day)
        self.stdout.write(
            f"Ngày {day:%d/%m/%Y}: {summary.recorded} thông báo mới, {summary.sent} đã gửi, {summary.failed} gửi lỗi."
        )

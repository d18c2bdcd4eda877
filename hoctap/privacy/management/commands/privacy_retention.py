"""The retention job: `manage.py privacy_retention` (now) or `--enqueue` (for the worker).

Production runs it once a day (or week) from cron or a systemd timer, next to send_reminders; running
it again changes nothing more (docs/data-protection.md, "Retention")."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from hoctap.audit.context import acting_as
from hoctap.core.limits import is_year

from ... import retention
from ...tasks import apply_retention


class Command(BaseCommand):
    help = (
        "Khử nhận dạng người không còn hồ sơ hiện hành sau thời hạn lưu giữ; xóa yêu cầu đã trả lời và "
        "đăng ký công dân bị từ chối quá hạn lưu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày xét (YYYY-MM-DD); mặc định hôm nay.")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Đưa việc vào hàng đợi cho tiến trình nền (db_worker) thay vì chạy ngay.",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError("--date: ngày không hợp lệ, dùng dạng YYYY-MM-DD.") from None
            if not is_year(day.year):
                raise CommandError("--date: năm nằm ngoài khoảng hệ thống ghi nhận.")
        if enqueue:
            result = apply_retention.enqueue(day.isoformat() if day else None)
            self.stdout.write(f"Đã đưa việc lưu giữ dữ liệu vào hàng đợi ({result.id}).")
            return
        with acting_as(system="privacy_retention", job=f"retention {day.isoformat() if day else 'today'}"):
            summary = retention.run(day)
        self.stdout.write(
            f"Đã khử nhận dạng {summary.people} người; đã xóa {summary.requests} yêu cầu cũ; "
            f"đã xóa {summary.others.get('rejected_signups', 0)} đăng ký công dân bị từ chối."
        )

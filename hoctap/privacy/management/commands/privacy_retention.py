"""The retention job: `manage.py privacy_retention` (now) or `--enqueue` (for the worker).

Production runs it once a day (or week) from cron or a systemd timer, next to send_reminders; running
it again changes nothing more (docs/data-protection.md, "Retention")."""

from hoctap.audit.context import acting_as
from hoctap.core.commands import DailyJobCommand

from ... import retention
from ...tasks import apply_retention


class Command(DailyJobCommand):
    help = (
        "Khử nhận dạng người không còn hồ sơ hiện hành sau thời hạn lưu giữ; xóa yêu cầu đã trả lời và "
        "đăng ký công dân bị từ chối quá hạn lưu."
    )

    def handle(self, *args, date=None, enqueue=False, **options):
        day = self.day(date)
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

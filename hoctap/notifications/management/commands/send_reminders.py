"""The daily reminder job: `manage.py send_reminders` (now) or `--enqueue` (for the worker).

Production runs it once a day from cron or a systemd timer (docs/architecture.md, "Reminders");
running it again the same day records and sends nothing twice.
"""

from hoctap.core.commands import DailyJobCommand

from ... import services
from ...tasks import send_reminders


class Command(DailyJobCommand):
    help = "Gửi nhắc hạn và thông báo của ngày (chạy lại trong ngày không gửi trùng)."
    date_help = "Ngày xét (YYYY-MM-DD); mặc định hôm nay theo giờ Việt Nam."

    def handle(self, *args, date=None, enqueue=False, **options):
        day = self.day(date) or services.job_today()
        if enqueue:
            result = send_reminders.enqueue(day.isoformat())
            self.stdout.write(f"Đã đưa việc nhắc hạn ngày {day:%d/%m/%Y} vào hàng đợi ({result.id}).")
            return
        summary = services.run(day)
        self.stdout.write(
            f"Ngày {day:%d/%m/%Y}: {summary.recorded} thông báo mới, {summary.sent} đã gửi, {summary.failed} gửi lỗi."
        )

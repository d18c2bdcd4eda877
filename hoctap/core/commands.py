"""The shape of the daily jobs' commands (send_reminders, privacy_retention): run now, or `--enqueue`d
for the background worker; `--date` names the day judged, checked the same way by each."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from hoctap.core.limits import is_year


class DailyJobCommand(BaseCommand):
    date_help = "Ngày xét (YYYY-MM-DD); mặc định hôm nay."

    def add_arguments(self, parser):
        parser.add_argument("--date", help=self.date_help)
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Đưa việc vào hàng đợi cho tiến trình nền (db_worker) thay vì chạy ngay.",
        )

    @staticmethod
    def day(date: str | None) -> datetime.date | None:
        """The day given by --date, None without it; a date that is not one stops the command."""
        if not date:
            return None
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            raise CommandError("--date: ngày không hợp lệ, dùng dạng YYYY-MM-DD.") from None
        if not is_year(day.year):
            raise CommandError("--date: năm nằm ngoài khoảng hệ thống ghi nhận.")
        return day

"""Load the report types and the provincial deadlines shipped with the reports app."""

from django.core.management.base import BaseCommand

from hoctap.reports.loader import DEFAULT_FILE, load_schedules


class Command(BaseCommand):
    help = "Nạp các loại báo cáo và hạn báo cáo theo kế hoạch của các tỉnh (chạy lại không thay đổi gì)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        counts = load_schedules(file, log=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts['types']} loại báo cáo, {counts['schedules']} hạn báo cáo ({counts['skipped']} bỏ qua)."
            )
        )

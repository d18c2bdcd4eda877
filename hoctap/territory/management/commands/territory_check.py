"""Compare the loaded map with the official figures; exit non-zero on any difference."""

from django.core.management.base import BaseCommand, CommandError

from hoctap.territory.loader import check_map


class Command(BaseCommand):
    help = "Đếm đơn vị theo thời kỳ, cấp, loại và kiểm tra với số liệu chính thức và quan hệ kế thừa."

    def handle(self, *args, **options):
        result = check_map()
        for line in result.lines:
            self.stdout.write(line)
        if result.problems:
            for problem in result.problems:
                self.stderr.write(f"SAI: {problem}")
            raise CommandError(f"Bản đồ hành chính lệch số liệu chính thức ({len(result.problems)} điểm).")
        self.stdout.write(self.style.SUCCESS("Khớp số liệu chính thức."))

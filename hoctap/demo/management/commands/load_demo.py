"""Load the demo province (idempotent: a second run changes nothing) and print one login per role."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hoctap.demo.steps import DEMO_PASSWORD, run_all


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (tỉnh Hưng Yên) và in tài khoản mẫu cho từng vai trò."

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                context = run_all(log=self.stdout.write)
        except LookupError as error:
            raise CommandError(f"{error}. Chạy 'python manage.py load_territories' trước.") from error
        self.stdout.write(self.style.SUCCESS(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):"))
        for role, username, unit in context["logins"]:
            self.stdout.write(f"  {role:<20} {username:<22} {unit}")

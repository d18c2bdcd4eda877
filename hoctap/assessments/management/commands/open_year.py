"""`manage.py open_year [YEAR]`: the national default campaign of every title for YEAR (default:
the current year in Vietnam). The pages and the workflow open them on first need anyway; this is
the yearly task for a deployment that wants them there on 1 January (cron or a scheduler)."""

from django.core.management.base import BaseCommand, CommandError

from hoctap.assessments.campaigns import ensure_national_campaigns
from hoctap.core.limits import current_year, is_year


class Command(BaseCommand):
    help = "Mở đợt đánh giá mặc định toàn quốc của mọi danh hiệu cho một năm (mặc định: năm nay)."

    def add_arguments(self, parser):
        parser.add_argument("year", nargs="?", type=int)

    def handle(self, *args, year=None, **options):
        year = year or current_year()
        if not is_year(year):
            raise CommandError(f"Năm {year} nằm ngoài phạm vi hệ thống ghi nhận.")
        campaigns = ensure_national_campaigns(year)
        self.stdout.write(f"Năm {year}: {len(campaigns)} đợt mặc định toàn quốc.")

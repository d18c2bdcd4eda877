"""Load (or refresh) the administrative map of both eras and the lineage from vietnam-provinces."""

from django.core.management.base import BaseCommand

from hoctap.territory.loader import load_territories
from hoctap.territory.models import Era, Level

_LEVELS = [Level.NATION, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]


class Command(BaseCommand):
    help = "Nạp bản đồ hành chính hai thời kỳ (trước và từ 01/07/2025) và quan hệ kế thừa; chạy lại không đổi gì."

    def handle(self, *args, **options):
        result = load_territories()
        for era in (Era.CURRENT, Era.LEGACY):
            for level in _LEVELS:
                created, updated = result.created[(era, level)], result.updated[(era, level)]
                if created or updated:
                    self.stdout.write(f"{era:<8} {level:<9} thêm {created:>6,}  cập nhật {updated:>6,}")
        self.stdout.write(
            f"kế thừa: thêm {result.lineage_created:,}, cập nhật {result.lineage_updated:,}, xóa {result.lineage_deleted:,}"
        )
        if options["verbosity"] >= 2:
            self.stdout.write("Hiệu chỉnh dữ liệu gói khi nạp:")
            for note in result.notes:
                self.stdout.write(f"  - {note}")
        else:
            self.stdout.write(f"{len(result.notes)} hiệu chỉnh dữ liệu gói (xem với -v 2)")
        message = "Đã nạp" if result.changed else "Không có thay đổi"
        self.stdout.write(self.style.SUCCESS(f"{message} ({result.seconds:.1f} s)."))

"""`manage.py publish_shipped_sets`: store every shipped criteria set (hoctap/criteria/shipped.py)."""

from django.core.management.base import BaseCommand

from hoctap.criteria.shipped import publish_shipped_sets


class Command(BaseCommand):
    help = "Công bố các bộ tiêu chí đi kèm phần mềm (hoctap/criteria/sets/*.yaml); chạy lại không thay đổi gì."

    def handle(self, *args, **options):
        stored = publish_shipped_sets(log=self.stdout.write)
        self.stdout.write(f"{len(stored)} bộ tiêu chí đã có trong cơ sở dữ liệu.")

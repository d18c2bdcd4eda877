"""`python manage.py stats recompute [--year Y ...] [--unit CODE|ID]` rebuilds the counters from the
raw records; `stats verify [...]` compares them with a recount and exits non-zero on any difference,
printing each; `stats seed-targets` writes the provincial yearly steps of the domain notes."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from hoctap.territory.models import Era, Unit

from ... import recompute
from ...targets import seed_provincial_targets


def _unit(value):
    if value is None:
        return None
    query = Unit.objects.filter(era=Era.CURRENT)
    unit = query.filter(code=value).first() or (query.filter(pk=int(value)).first() if value.isdigit() else None)
    if unit is None:
        raise CommandError(f"no unit of the current map with id or code {value!r}")
    return unit


class Command(BaseCommand):
    help = "Live statistics: recompute or verify the counters, seed provincial targets."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["recompute", "verify", "seed-targets"])
        parser.add_argument("--year", type=int, action="append", help="limit to this year (repeatable)")
        parser.add_argument("--unit", help="limit to a unit of the current map (code or id), e.g. a province")
        parser.add_argument("--limit", type=int, default=50, help="verify: differences printed at most")

    def handle(self, action, year=None, unit=None, limit=50, **options):
        unit = _unit(unit)
        where = unit.name if unit else "toàn quốc"
        started = time.perf_counter()
        if action == "seed-targets":
            written = seed_provincial_targets()
            self.stdout.write(f"provincial targets: {written} new")
            return
        if action == "recompute":
            rows = recompute.recompute(year, unit)
            recompute.tidy_after_recompute()
            self.stdout.write(
                f"recomputed {where} {year or 'all years'}: {rows} rows in {time.perf_counter() - started:.1f} s"
            )
            return
        report = recompute.verify(year, unit)
        elapsed = time.perf_counter() - started
        if report.ok:
            self.stdout.write(
                f"verified {where} {year or 'all years'}: {report.rows} rows equal a recount ({elapsed:.1f} s)"
            )
            return
        for difference in report.differences[:limit]:
            self.stdout.write(str(difference))
        if len(report.differences) > limit:
            self.stdout.write(f"... and {len(report.differences) - limit} more")
        self.stderr.write(f"{len(report.differences)} differences between the live counters and a recount")
        sys.exit(1)

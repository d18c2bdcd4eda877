"""Import a households-with-members workbook of 10,000 and of 100,000 rows on SQLite.

For each size, in a fresh process on a fresh copy of a migrated database: the check pass alone (the
dry run: every row parsed and resolved, nothing written) and the import (check, then the writing
pass in one transaction). Each measurement records wall time and the process's peak resident set
(getrusage), next to its resident set before the import started; a third run of the check pass
under tracemalloc records the peak of Python allocations. The two sizes side by side show whether
memory grows with the rows. Writes bench/results/import.json.

    .venv/bin/python bench/bench_import.py            # files and databases under var/bench/import/
"""

from __future__ import annotations

import json
import os
import platform
import resource
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DIR = REPO / "var" / "bench" / "import"
RESULT_FILE = REPO / "bench" / "results" / "import.json"
SIZES = (10_000, 100_000)
VILLAGES = 20
MEMBERS_PER_HOUSEHOLD = 4
BASE_DB = BENCH_DIR / "base.sqlite3"


def _environment(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("MEDIA_ROOT", str(BENCH_DIR / "media"))
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # throwaway: DEBUG is off, nothing outlives the run
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory: it would measure Django, not the import
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoctap.settings")
    import django

    django.setup()


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- set-up (parent process) -------------------------------------------------------------------

def build_base() -> None:
    """A migrated database with one commune of VILLAGES villages and its commune officer."""
    from django.core.management import call_command

    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.accounts.roles import Role
    from hoctap.territory.models import Era, Level, Unit

    call_command("migrate", verbosity=0)

    def unit(level, code, name, parent=None):
        return Unit.objects.create(era=Era.CURRENT, level=level, code=code, name=name,
                                   short_name=name.split(" ", 1)[-1], division_type=name.split(" ", 1)[0],
                                   parent=parent)

    nation = unit(Level.NATION, "VN", "Việt Nam")
    province = unit(Level.PROVINCE, "BENCH", "Tỉnh Thử Nghiệm", nation)
    commune = unit(Level.COMMUNE, "B0001", "Xã Thử Nghiệm", province)
    for number in range(1, VILLAGES + 1):
        unit(Level.VILLAGE, f"B0001-{number:03d}", f"Thôn Số {number}", commune)
    officer = User.objects.create_user("bench_officer", password="bench-password-2026", full_name="Cán bộ thử")
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)


def write_workbook(path: Path, rows: int) -> None:
    """The households template's layout, written with openpyxl's write-only mode: households of
    four, a head each, a CCCD for every adult, a real date of birth for one person in two."""
    import datetime

    from openpyxl import Workbook

    from hoctap.core.imports import TEMPLATE_ID_PREFIX
    from hoctap.registry.imports import HOUSEHOLDS

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(HOUSEHOLDS.sheet_title)
    sheet.append([str(column.header) for column in HOUSEHOLDS.columns])
    for number in range(rows):
        household, member = divmod(number, MEMBERS_PER_HOUSEHOLD)
        year = 1940 + number % 80
        sheet.append([
            f"H{household:06d}", f"B0001-{household % VILLAGES + 1:03d}",
            f"Xóm {household % 30}" if member == 0 else None,
            f"Nguyễn Văn Thử {number}", "Nam" if member % 2 == 0 else "Nữ",
            datetime.date(year, 1 + number % 12, 1 + number % 28) if number % 2 else None, year, "Kinh",
            f"034{number:09d}" if year < 2008 else None, "Nông dân và lao động nông thôn", "Cơ bản",
            "x" if member == 0 else None,
        ])
    workbook.properties.identifier = TEMPLATE_ID_PREFIX + HOUSEHOLDS.code
    workbook.save(path)


# -- one measurement (child process) -----------------------------------------------------------

def _remove_database(path: Path) -> None:
    """The file and SQLite's write-ahead log beside it (a stale log would be replayed into a copy)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def measure(phase: str, rows: int, traced: bool) -> dict:
    database = BENCH_DIR / f"run-{phase}-{rows}.sqlite3"
    _remove_database(database)
    shutil.copyfile(BASE_DB, database)
    _environment(database)
    import tracemalloc

    from hoctap.accounts.models import User
    from hoctap.accounts.scoping import Scope
    from hoctap.core.imports import check_file, import_file
    from hoctap.registry.imports import HOUSEHOLDS
    from hoctap.registry.models import Household, Person

    officer = User.objects.get(username="bench_officer")
    scope = Scope(officer)
    source = BENCH_DIR / f"households-{rows}.xlsx"
    rss_before = rss_mib()
    load_before = os.getloadavg()[0]
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    run = import_file if phase == "import" else check_file
    result = run(str(source), HOUSEHOLDS, scope=scope, actor=officer)
    wall = time.perf_counter() - started
    traced_peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
    outcome = {
        "phase": phase, "rows": rows, "file_mib": round(source.stat().st_size / 2**20, 2),
        "wall_seconds": round(wall, 2), "rows_per_second": round(rows / wall),
        "rss_before_mib": round(rss_before, 1), "peak_rss_mib": round(peak_rss_mib(), 1),
        "peak_rss_growth_mib": round(peak_rss_mib() - rss_before, 1),
        # Other work on the machine stretches wall time (not memory): the 1-minute load, before and after.
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "errors": result.error_count, "file_error": result.file_error, "counts": result.counts,
        "written": {"households": Household.objects.count(), "people": Person.objects.count()},
    }
    if traced:
        outcome["tracemalloc_peak_mib"] = round(traced_peak, 1)
    from django.db import connection

    connection.close()
    _remove_database(database)
    return outcome


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] in ("check", "import"):
        print(json.dumps(measure(sys.argv[1], int(sys.argv[2]), sys.argv[3] == "traced")))
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    fresh = not BASE_DB.exists()
    _environment(BASE_DB)
    if fresh:
        from django.db import connection

        build_base()
        # Runs copy the database file: fold SQLite's write-ahead log into it first.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    for rows in SIZES:
        path = BENCH_DIR / f"households-{rows}.xlsx"
        if not path.exists():
            write_workbook(path, rows)
    runs = []
    for rows in SIZES:
        for phase, traced in (("check", False), ("import", False), ("check", True)):
            child = subprocess.run([sys.executable, __file__, phase, str(rows), "traced" if traced else "plain"],
                                   capture_output=True, text=True, cwd=REPO)
            if child.returncode:
                sys.exit(child.stderr)
            runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[-1], ensure_ascii=False))
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps({
        "what": "households-with-members template: check pass (dry run) and import (check + write in one "
                "transaction) on SQLite; peak RSS from getrusage, Python heap peak from tracemalloc (separate run)",
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "runs": runs,
    }, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()

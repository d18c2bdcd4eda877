"""Import a households-with-members workbook of 10,000 and of 100,000 rows, on SQLite and on PostgreSQL
side by side.

For each database and size, in a fresh process on a fresh copy of a migrated database: the check
pass alone (the dry run: every row parsed and resolved, nothing written) and the import (one pass
in one transaction, each chunk checked then written); at 100,000 rows the import runs once more under DEBUG=1 (what
`make run` uses), whose query log once took the process to 330 MB. Each measurement records wall
time, the process's CPU time (user + system, getrusage: the machine is shared, so wall time is
stretched by other work and CPU time is the steadier figure; PostgreSQL's own CPU is in its server
processes and not counted) and its peak resident set next to its resident set before the import.
Writes bench/results/import.json.

    .venv/bin/python bench/bench_import.py                      # both databases
    BENCH_DATABASES=sqlite .venv/bin/python bench/bench_import.py
    BENCH_SIZES=10000 .venv/bin/python bench/bench_import.py    # a quick run
    BENCH_PHASES=import,debug …                                 # leave out the check-only runs
    BENCH_RESULT=import-100000.json …                           # write another file of bench/results

PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/hoctap_importspeed_bench)
names the template database built once; each run copies it (CREATE DATABASE … TEMPLATE …).
Files and SQLite databases live under var/bench/import/.
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
RESULT_FILE = REPO / "bench" / "results" / os.environ.get("BENCH_RESULT", "import.json")
SIZES = tuple(int(size) for size in os.environ.get("BENCH_SIZES", "10000,100000").split(","))
DATABASES = tuple(os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(","))
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/hoctap_importspeed_bench")
VILLAGES = 20
MEMBERS_PER_HOUSEHOLD = 4
BASE_DB = BENCH_DIR / "base.sqlite3"


def _environment(database_url: str, debug: bool = False) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("MEDIA_ROOT", str(BENCH_DIR / "media"))
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # throwaway: nothing outlives the run
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "1" if debug else "0"
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
        return Unit.objects.create(
            era=Era.CURRENT,
            level=level,
            code=code,
            name=name,
            short_name=name.split(" ", 1)[-1],
            division_type=name.split(" ", 1)[0],
            parent=parent,
        )

    nation = unit(Level.NATION, "VN", "Việt Nam")
    province = unit(Level.PROVINCE, "BENCH", "Tỉnh Thử Nghiệm", nation)
    commune = unit(Level.COMMUNE, "B0001", "Xã Thử Nghiệm", province)
    for number in range(1, VILLAGES + 1):
        unit(Level.VILLAGE, f"B0001-{number:03d}", f"Thôn Số {number}", commune)
    officer = User.objects.create_user("bench_officer", password="bench-password-2026", full_name="Cán bộ thử")
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)


def write_workbook(path: Path, rows: int) -> None:
    """The households template's layout, written with openpyxl's write-only mode: households of
    four, a head each, a CCCD for every adult, a real date of birth for one person in two, no
    ethnicity (recording it needs each person's consent, which a new person has not given yet)."""
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
        sheet.append(
            [
                f"H{household:06d}",
                f"B0001-{household % VILLAGES + 1:03d}",
                f"Xóm {household % 30}" if member == 0 else None,
                f"Nguyễn Văn Thử {number}",
                "Nam" if member % 2 == 0 else "Nữ",
                datetime.date(year, 1 + number % 12, 1 + number % 28) if number % 2 else None,
                year,
                None,  # ethnicity: a new person's needs their own consent first (registry.sensitive)
                f"034{number:09d}" if year < 2008 else None,
                "Nông dân và lao động nông thôn",
                "Cơ bản",
                "x" if member == 0 else None,
            ]
        )
    workbook.properties.identifier = TEMPLATE_ID_PREFIX + HOUSEHOLDS.code
    workbook.save(path)


# -- one measurement (child process) -----------------------------------------------------------


def _remove_database(path: Path) -> None:
    """The file and SQLite's write-ahead log beside it (a stale log would be replayed into a copy)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _postgres(url: str, name: str | None = None) -> tuple[str, str]:
    """(the maintenance database's URL, the named database's URL) beside `url`."""
    base, _slash, current = url.rpartition("/")
    return f"{base}/postgres", f"{base}/{name or current}"


def _postgres_admin(sql: str) -> None:
    import psycopg

    maintenance, _url = _postgres(POSTGRES_URL)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(sql)


def _run_database(database: str, label: str) -> tuple[str, callable]:
    """A fresh copy of the base database for one run: its URL and how to drop it."""
    if database == "sqlite":
        path = BENCH_DIR / f"run-{label}.sqlite3"
        _remove_database(path)
        shutil.copyfile(BASE_DB, path)
        return f"sqlite:///{path}", lambda: _remove_database(path)
    template = POSTGRES_URL.rpartition("/")[2]
    name = f"{template}_run"
    _postgres_admin(f'DROP DATABASE IF EXISTS "{name}"')
    _postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return _postgres(POSTGRES_URL, name)[1], lambda: _postgres_admin(f'DROP DATABASE IF EXISTS "{name}"')


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(database: str, phase: str, rows: int, debug: bool) -> dict:
    url, drop = _run_database(database, f"{phase}-{rows}")
    _environment(url, debug)

    from django.db import connection

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
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    run = import_file if phase == "import" else check_file
    result = run(str(source), HOUSEHOLDS, scope=scope, actor=officer)
    wall = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    outcome = {
        "database": database,
        "phase": phase,
        "rows": rows,
        "debug": debug,
        "file_mib": round(source.stat().st_size / 2**20, 2),
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_second": round(rows / wall),
        "rss_before_mib": round(rss_before, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "peak_rss_growth_mib": round(peak_rss_mib() - rss_before, 1),
        # Other work on the machine stretches wall time (not CPU time or memory): the 1-minute load,
        # before and after.
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "queries_logged": len(connection.queries_log),
        "errors": result.error_count,
        "file_error": result.file_error,
        "counts": result.counts,
        "written": {"households": Household.objects.count(), "people": Person.objects.count()},
    }
    connection.close()
    drop()
    return outcome


def _build_postgres_base() -> None:
    """The template database, built once (drop it to rebuild: DROP DATABASE hoctap_importspeed_bench)."""
    import psycopg

    template = POSTGRES_URL.rpartition("/")[2]
    maintenance, _url = _postgres(POSTGRES_URL)
    with psycopg.connect(maintenance, autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            return
    _postgres_admin(f'CREATE DATABASE "{template}"')
    child = subprocess.run([sys.executable, __file__, "build-postgres"], capture_output=True, text=True, cwd=REPO)
    if child.returncode:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{template}"')
        sys.exit(child.stderr)


def _machine() -> dict:
    notes = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as info:
            notes["cpu"] = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
        with open("/proc/meminfo") as info:
            notes["memory_gib"] = round(int(info.readline().split()[1]) / 2**20, 1)
    except (OSError, StopIteration):
        pass
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL) as connection:
            notes["postgresql"] = connection.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - a note only
        pass
    import sqlite3

    notes["sqlite"] = sqlite3.sqlite_version
    return notes


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] == "build-postgres":
        _environment(POSTGRES_URL)
        build_base()
        return
    if len(sys.argv) == 5 and sys.argv[2] in ("check", "import"):
        print(json.dumps(measure(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "debug")))
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not BASE_DB.exists():
        _environment(f"sqlite:///{BASE_DB}")
        from django.db import connection

        build_base()
        # Runs copy the database file: fold SQLite's write-ahead log into it first.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    if "postgresql" in DATABASES:
        _build_postgres_base()
    for rows in SIZES:
        path = BENCH_DIR / f"households-{rows}.xlsx"
        if not path.exists():
            if "DJANGO_SETTINGS_MODULE" not in os.environ:  # the base databases were built by an earlier run
                _environment(f"sqlite:///{BASE_DB}")
            write_workbook(path, rows)
    runs = []
    phases = os.environ.get("BENCH_PHASES", "check,import,debug").split(",")
    plan = [(rows, phase, False) for rows in SIZES for phase in ("check", "import") if phase in phases]
    plan += [(max(SIZES), "import", True)] if "debug" in phases else []
    for rows, phase, debug in plan:
        for database in DATABASES:
            child = subprocess.run(
                [sys.executable, __file__, database, phase, str(rows), "debug" if debug else "plain"],
                capture_output=True,
                text=True,
                cwd=REPO,
            )
            if child.returncode:
                sys.exit(child.stderr)
            runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(
        json.dumps(
            {
                "what": "households-with-members template on SQLite and PostgreSQL side by side: check pass (dry run) "
                "and import (one pass: each chunk checked then written, in one transaction), each in a fresh process on a fresh copy of "
                "the database; wall and CPU seconds of the importing process (PostgreSQL's server CPU not "
                "counted), peak RSS from getrusage; the last runs repeat the largest import under DEBUG=1",
                "targets": {
                    "postgresql_import_100000_wall_seconds": 30,
                    "sqlite_import_100000_wall_seconds": 60,
                    "peak_rss_mib": 150,
                },
                "machine": _machine(),
                "runs": runs,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()

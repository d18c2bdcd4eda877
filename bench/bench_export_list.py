"""Export the person list of a province (350,000 persons) as xlsx through the list export job path:
the job row `hoctap.exports.lists` creates for a list above the streaming limit, the task enqueued
on django-tasks-db, the database worker run once (issue 15: this export took 88 s inside the web
request before it became a job).

Also measured: the same writer over 5,000 persons, the streaming limit (HOCTAP_EXPORT_STREAM_ROWS),
the time a user waits for a list streamed at once. Time and peak memory (resident set) are measured
in a fresh process per export, so building the synthetic province does not count.
Writes bench/results/export-list.json (SQLite) or export-list-postgresql.json.

    .venv/bin/python bench/bench_export_list.py        # SQLite under var/bench/ (built once, reused)
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_export_list.py

The province is 50 communes × 7 villages × 250 households × 4 persons, bulk inserted with the
derived columns the models compute in save(): about 2 minutes on SQLite on the 2-core machine.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DIR = REPO / "var" / "bench"
RESULTS = REPO / "bench" / "results"

COMMUNES = 50
VILLAGES_PER_COMMUNE = 7
HOUSEHOLDS_PER_VILLAGE = 250
PERSONS_PER_HOUSEHOLD = 4  # 50 × 7 × 250 × 4 = 350,000 persons
STREAMED_ROWS = 5_000
TARGET_MB = 300


def result_file(vendor: str) -> Path:
    return RESULTS / ("export-list.json" if vendor == "sqlite" else f"export-list-{vendor}.json")


def _environment() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'export-list.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(BENCH_DIR / "media"))
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # throwaway: DEBUG is off, nothing outlives the run
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory: it would measure Django, not the export
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoctap.settings")
    import django

    django.setup()


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    """The process's high-water resident set (VmHWM; not ru_maxrss, which Linux keeps across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def build() -> dict:
    import random

    from django.core.management import call_command
    from django.db import connection, transaction

    from hoctap.registry.models import Household, Person, Sex
    from hoctap.territory.models import Era, Level, Unit

    call_command("migrate", verbosity=0)
    expected = COMMUNES * VILLAGES_PER_COMMUNE * HOUSEHOLDS_PER_VILLAGE * PERSONS_PER_HOUSEHOLD
    province = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, code="BLIST").first()
    built_file = BENCH_DIR / f"export-list-build-{connection.vendor}.json"
    if province and Person.objects.filter(commune__parent=province).count() == expected and built_file.exists():
        return {**json.loads(built_file.read_text()), "province_id": province.pk, "reused": True}
    if province:
        raise SystemExit("A partial benchmark province is in the database: remove it and run again.")
    started = time.perf_counter()
    rng = random.Random(20261206)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
    middles = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang"]
    givens = ["An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Nga"]
    serial = 0
    with transaction.atomic():
        nation = Unit.objects.filter(era=Era.CURRENT, level=Level.NATION).first() or Unit.objects.create(
            era=Era.CURRENT, level=Level.NATION, code="VN", name="Việt Nam", short_name="Việt Nam", division_type=""
        )
        province = Unit.objects.create(
            era=Era.CURRENT,
            level=Level.PROVINCE,
            code="BLIST",
            name="Tỉnh Danh Sách",
            short_name="Danh Sách",
            division_type="tỉnh",
            parent=nation,
        )
        for c in range(1, COMMUNES + 1):
            commune = Unit.objects.create(
                era=Era.CURRENT,
                level=Level.COMMUNE,
                code=f"L{c:03d}",
                name=f"Xã Danh {c}",
                short_name=f"Danh {c}",
                division_type="xã",
                parent=province,
            )
            for v in range(1, VILLAGES_PER_COMMUNE + 1):
                village = Unit.objects.create(
                    era=Era.CURRENT,
                    level=Level.VILLAGE,
                    code=f"L{c:03d}-{v:02d}",
                    name=f"Thôn {v}",
                    short_name=str(v),
                    division_type="Thôn",
                    parent=commune,
                )
                households = []
                for h in range(1, HOUSEHOLDS_PER_VILLAGE + 1):
                    household = Household(
                        code=f"{v:02d}{h:04d}", village=village, commune=commune, address=f"Số {h}, thôn {v}"
                    )
                    household.refresh_derived(head_name="")
                    households.append(household)
                Household.objects.bulk_create(households, batch_size=1000)
                people = []
                for household in households:
                    for m in range(PERSONS_PER_HOUSEHOLD):
                        serial += 1
                        person = Person(
                            full_name=f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(givens)}",
                            sex=Sex.MALE if m % 2 else Sex.FEMALE,
                            birth_year=1950 + (serial % 60),
                            household=household,
                            unit=village,
                            commune=commune,
                            id_number=f"0{serial:011d}",
                        )
                        person.refresh_derived()
                        people.append(person)
                Person.objects.bulk_create(people, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = {"built_seconds": round(time.perf_counter() - started, 1), "persons": expected}
    built_file.write_text(json.dumps(built))
    return {**built, "province_id": province.pk, "reused": False}


def _officer(province):
    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.accounts.roles import Role

    officer, _ = User.objects.get_or_create(username="bench_list_officer")
    RoleAssignment.objects.get_or_create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    return officer


def export_as_job(province_id: int) -> dict:
    """Run by the child process: the job a request for the whole list creates, then the worker."""
    import signal

    from django.core.management import call_command
    from django.db import transaction

    from hoctap.accounts.scoping import Scope
    from hoctap.exports import jobs
    from hoctap.exports.models import ExportJob
    from hoctap.registry import exports
    from hoctap.territory.models import Unit

    officer = _officer(Unit.objects.get(pk=province_id))
    params = {"format": "xlsx"}
    baseline = rss_mib()
    samples: list[float] = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append(rss_mib())
            time.sleep(0.2)

    asked = time.perf_counter()
    with transaction.atomic():  # what the view does: count through the scope, create the job
        total = exports.PEOPLE.rows(Scope(officer), params).count()
        job = jobs.request_job(kind=exports.PEOPLE.key, actor=officer, params=params, rows_total=total)
    request_seconds = time.perf_counter() - asked
    sampler = threading.Thread(target=sample, daemon=True)
    load = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    sampler.start()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    stop.set()
    sampler.join()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    job = ExportJob.objects.get(pk=job.pk)
    size = job.file.size if job.file else 0
    if job.file:
        job.file.delete(save=False)  # benchmark output is not worth keeping
    quarter = max(1, len(samples) // 4)
    return {
        "rows": job.rows_done,
        "status": job.status,
        "progress": job.progress,
        "request_seconds": round(request_seconds, 2),
        "seconds": round(elapsed, 2),
        # Wall time depends on what else the machine runs; CPU time is the export's own cost.
        "cpu_seconds": round(cpu, 2),
        "load_average_at_start": round(load, 2),
        "rows_per_second": round(job.rows_done / elapsed) if elapsed else None,
        "file_mib": round(size / 2**20, 1),
        "rss_before_mib": round(baseline, 1),
        "rss_during_mib": {
            "first_quarter": round(max(samples[:quarter], default=baseline), 1),
            "last_quarter": round(max(samples[-quarter:], default=baseline), 1),
        },
        "peak_rss_mib": round(max([peak_rss_mib(), *samples]), 1),
    }


def streamed(province_id: int) -> dict:
    """Run by the child process: the writer a streamed export uses, over the streaming limit's rows."""
    from hoctap.accounts.scoping import Scope
    from hoctap.core.exports import write_xlsx
    from hoctap.registry import exports
    from hoctap.territory.models import Unit

    officer = _officer(Unit.objects.get(pk=province_id))
    records = exports.PEOPLE.rows(Scope(officer), {})[:STREAMED_ROWS]
    load = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        rows = write_xlsx(out, "Nhân khẩu", exports.PERSON_COLUMNS, records.iterator(chunk_size=2000))
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {
        "rows": rows,
        "seconds": round(elapsed, 2),
        # The database's own work runs in this process too (SQLite) or on the server (PostgreSQL).
        "cpu_seconds": round(cpu, 2),
        "load_average_at_start": round(load, 2),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def _child(mode: str, province_id: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, mode, str(province_id)], check=True, capture_output=True, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in ("--job", "--streamed"):
        _environment()
        run = export_as_job if sys.argv[1] == "--job" else streamed
        print(json.dumps(run(int(sys.argv[2]))))
        return
    _environment()
    from django.db import connection

    built = build()
    connection.close()
    small = _child("--streamed", built["province_id"])
    job = _child("--job", built["province_id"])
    report = {
        "benchmark": "person list of a province as xlsx, through the list export job (hoctap.exports)",
        "database": connection.vendor,
        "persons": job["rows"],
        "build": built,
        "as_job": job,
        "streamed_at_the_limit": small,
        "stream_limit_rows": STREAMED_ROWS,
        "before_in_the_request_seconds": 88,
        "target_peak_rss_mib": TARGET_MB,
        "meets_target": job["peak_rss_mib"] < TARGET_MB,
        "machine": {"cpu_cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out = result_file(connection.vendor)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{job['rows']} persons as a job in {job['seconds']} s ({job['cpu_seconds']} s CPU), "
        f"peak {job['peak_rss_mib']} MiB; the request itself {job['request_seconds']} s; "
        f"{small['rows']} rows streamed in {small['seconds']} s ({small['cpu_seconds']} s CPU) → {out.relative_to(REPO)}"
    )


if __name__ == "__main__":
    main()

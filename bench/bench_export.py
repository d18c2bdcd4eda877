"""Export the household list of a whole province (800,000 households) through the real job path:
an ExportJob row, the task enqueued on django-tasks-db, the database worker run once.

Time and peak memory (resident set) are measured in a fresh process per export, so building the
synthetic province does not count. A one-commune export (8,000 rows) runs the same way: the two
peaks side by side show that memory does not grow with the number of rows. Target: < 300 MB.
Writes bench/results/export.json.

    .venv/bin/python bench/bench_export.py              # SQLite under var/bench/ (built once, reused)
    DATABASE_URL=postgres://... .venv/bin/python bench/bench_export.py
"""

from __future__ import annotations

import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DIR = REPO / "var" / "bench"
RESULTS = REPO / "bench" / "results"


def result_file(vendor: str) -> Path:
    """export.json for SQLite (the embedded default), export-postgresql.json for PostgreSQL."""
    return RESULTS / ("export.json" if vendor == "sqlite" else f"export-{vendor}.json")


COMMUNES = 100
VILLAGES_PER_COMMUNE = 8
HOUSEHOLDS_PER_VILLAGE = 1_000  # 100 × 8 × 1,000 = 800,000 households
YEAR = 2025
TARGET_MB = 300


def _environment() -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'export.sqlite3'}")
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
    """The process's high-water resident set (VmHWM). Not getrusage's ru_maxrss: Linux keeps that
    across fork and exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


# -- the synthetic province ---------------------------------------------------------------------


def build() -> dict:
    """Nation → Tỉnh Thử Nghiệm → 100 communes → 8 villages → 1,000 households with a head each;
    60% of households registered for the 2025 learning-family title, most of them recognised.
    Bulk inserts with the derived columns the models compute in save()."""
    import random

    from django.core.management import call_command
    from django.db import connection, transaction

    from hoctap.assessments.campaigns import campaign_for, create_campaign
    from hoctap.assessments.models import Assessment
    from hoctap.assessments.states import State
    from hoctap.criteria.shipped import publish_shipped_sets
    from hoctap.criteria.titles import Title
    from hoctap.registry.models import Household, Person, Sex
    from hoctap.territory.models import Era, Level, Unit

    call_command("migrate", verbosity=0)
    province = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, code="BENCH").first()
    expected = COMMUNES * VILLAGES_PER_COMMUNE * HOUSEHOLDS_PER_VILLAGE
    from django.db import connection

    built_file = BENCH_DIR / f"export-build-{connection.vendor}.json"
    if province and Household.objects.filter(commune__parent=province).count() == expected and built_file.exists():
        return {**json.loads(built_file.read_text()), "province_id": province.pk, "reused": True}
    if province:
        raise SystemExit(
            f"A partial benchmark province is in the database: remove {BENCH_DIR / 'export.sqlite3'} "
            "(or the PostgreSQL database) and run again."
        )
    started = time.perf_counter()
    rng = random.Random(20251126)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
    middles = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang"]
    givens = [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hà",
        "Hạnh",
        "Hoa",
        "Hùng",
        "Lan",
        "Long",
        "Mai",
        "Nam",
        "Nga",
        "Phúc",
        "Quân",
        "Sơn",
        "Tâm",
        "Thảo",
        "Trang",
        "Tuấn",
        "Yến",
    ]
    with transaction.atomic():
        nation = Unit.objects.filter(era=Era.CURRENT, level=Level.NATION).first() or Unit.objects.create(
            era=Era.CURRENT, level=Level.NATION, code="VN", name="Việt Nam", short_name="Việt Nam", division_type=""
        )
        province = Unit.objects.create(
            era=Era.CURRENT,
            level=Level.PROVINCE,
            code="BENCH",
            name="Tỉnh Thử Nghiệm",
            short_name="Thử Nghiệm",
            division_type="tỉnh",
            parent=nation,
        )
        publish_shipped_sets(log=lambda *args: None)
        campaign = campaign_for(Title.FAMILY, YEAR, None) or create_campaign(Title.FAMILY, YEAR)
        criteria_set = campaign.criteria_sets.first()
        for c in range(1, COMMUNES + 1):
            commune = Unit.objects.create(
                era=Era.CURRENT,
                level=Level.COMMUNE,
                code=f"B{c:03d}",
                name=f"Xã Thử {c}",
                short_name=f"Thử {c}",
                division_type="xã",
                parent=province,
            )
            for v in range(1, VILLAGES_PER_COMMUNE + 1):
                village = Unit.objects.create(
                    era=Era.CURRENT,
                    level=Level.VILLAGE,
                    code=f"B{c:03d}-{v:02d}",
                    name=f"Thôn {v}",
                    short_name=str(v),
                    division_type="Thôn",
                    parent=commune,
                )
                people = []
                for h in range(HOUSEHOLDS_PER_VILLAGE):
                    person = Person(
                        full_name=f"{rng.choice(surnames)} {rng.choice(middles)} {rng.choice(givens)}",
                        sex=Sex.MALE if h % 2 else Sex.FEMALE,
                        birth_year=1950 + h % 50,
                        unit=village,
                        commune=commune,
                    )
                    person.refresh_derived()
                    people.append(person)
                Person.objects.bulk_create(people, batch_size=1000)
                households = []
                for h, person in enumerate(people, start=1):
                    household = Household(
                        code=f"{v:02d}{h:04d}",
                        village=village,
                        commune=commune,
                        address=f"Số {h}, thôn {v}",
                        head=person,
                    )
                    household.refresh_derived(head_name=person.full_name)
                    households.append(household)
                Household.objects.bulk_create(households, batch_size=1000)
                assessments = []
                for household in households:
                    if rng.random() < 0.6:
                        state = State.RECOGNISED if rng.random() < 0.7 else State.NOT_RECOGNISED
                        assessments.append(
                            Assessment(
                                campaign=campaign,
                                title=Title.FAMILY,
                                subject_kind="household",
                                household=household,
                                unit=village,
                                recorded_unit=village,
                                criteria_set=criteria_set,
                                state=state,
                                classification="achieved" if state == State.RECOGNISED else "not_achieved",
                            )
                        )
                Assessment.objects.bulk_create(assessments, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    built = {
        "built_seconds": round(time.perf_counter() - started, 1),
        "households": expected,
        "assessments": Assessment.objects.filter(household__commune__parent=province).count(),
    }
    built_file.write_text(json.dumps(built))
    return {**built, "province_id": province.pk, "reused": False}


# -- one export, in its own process -------------------------------------------------------------


def export_once(unit_id: int) -> dict:
    """Run by the child process: request the export as the web request does, then the worker."""
    import signal

    from django.core.management import call_command
    from django.db import transaction

    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.accounts.roles import Role
    from hoctap.accounts.scoping import Scope
    from hoctap.exports.models import ExportJob
    from hoctap.reports.jobs import request_export
    from hoctap.territory.models import Level, Unit

    unit = Unit.objects.get(pk=unit_id)
    province = unit if unit.level == Level.PROVINCE else unit.parent
    officer, _ = User.objects.get_or_create(username="bench_officer")
    RoleAssignment.objects.get_or_create(user=officer, role=Role.PROVINCE_OFFICER, unit=province)
    baseline = rss_mib()
    samples: list[float] = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            samples.append(rss_mib())
            time.sleep(0.2)

    with transaction.atomic():
        job = request_export(Scope(officer), kind="households", unit=unit, year=YEAR, actor=officer)
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
        job.file.delete(save=False)  # hundreds of megabytes of benchmark output are not worth keeping
    quarter = max(1, len(samples) // 4)
    return {
        "unit": unit.name,
        "rows": job.rows_done,
        "status": job.status,
        "progress": job.progress,
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


def _child(unit_id: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--export", str(unit_id)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--export":
        _environment()
        print(json.dumps(export_once(int(sys.argv[2]))))
        return
    _environment()
    from django.db import connection

    from hoctap.territory.models import Unit

    built = build()
    province = Unit.objects.get(pk=built["province_id"])
    commune = province.children.order_by("code").first()
    connection.close()
    one_commune = _child(commune.pk)
    whole_province = _child(province.pk)
    report = {
        "benchmark": "household list of a whole province as xlsx, through ExportJob + django-tasks-db worker",
        "database": connection.vendor,
        "households": whole_province["rows"],
        "build": built,
        "province": whole_province,
        "one_commune": one_commune,
        "target_peak_rss_mib": TARGET_MB,
        "meets_target": whole_province["peak_rss_mib"] < TARGET_MB,
        "machine": {"cpu_cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out = result_file(connection.vendor)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{report['households']} rows in {whole_province['seconds']} s ({whole_province['cpu_seconds']} s CPU), "
        f"peak {whole_province['peak_rss_mib']} MiB "
        f"(one commune: {one_commune['rows']} rows, peak {one_commune['peak_rss_mib']} MiB) → "
        f"{out.relative_to(REPO)}"
    )


if __name__ == "__main__":
    main()

"""Benchmark of the live statistics on PostgreSQL, at one scale per run, in the database `hoctap_bench`.

    .venv/bin/python bench/bench_stats.py --scale commune     # ~8,000 households with members
    .venv/bin/python bench/bench_stats.py --scale province    # ~800,000 households with members
    .venv/bin/python bench/bench_stats.py --scale nation      # ~27 million households (households only)

Steps, each in a fresh process (its peak resident set is that step's memory):

1. setup — drop and create `hoctap_bench`, migrate, load the map of both eras, publish the criteria
   sets, campaigns; write the synthetic registry and assessments with COPY (bench/synth.py).
2. recompute — `stats recompute` for the province (and for the nation at nation scale).
3. verify — `stats verify` of the same: must pass.
4. dashboards — server time of the national, provincial and commune dashboards (Django test client,
   in process: middleware, scope, queries, SVG, template), p50/p95; and the same figures by GROUP BY
   over the raw tables (assessments, registry), p50/p95, side by side.
5. decisions — recognition decisions through the real workflow (`workflow.transition`), alternately
   with and without the tally receiver connected; p50/p95 of each and the ratio. Then the commune
   is recomputed and verified again.

Prints one JSON document (bench/run_all.py collects it into bench/results/<name>.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/hoctap_bench"
SCALES = {
    # (communes: "one" | "province" | "nation", households per commune on average, people?, years)
    "commune": ("one", 8_000, True, (2024, 2025)),
    "province": ("province", None, True, (2024, 2025)),
    "nation": ("nation", 8_130, False, (2025,)),
}
PROVINCE_HOUSEHOLDS = 800_000
PROVINCE_NAME = "Hưng Yên"
YEAR = 2025


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stats_settings")
    import django

    django.setup()


def percentiles(samples):
    samples = sorted(samples)
    if not samples:
        return {}

    def at(q):
        return samples[min(len(samples) - 1, int(round(q * (len(samples) - 1))))]

    return {
        "p50_ms": round(at(0.5) * 1000, 2),
        "p95_ms": round(at(0.95) * 1000, 2),
        "mean_ms": round(statistics.mean(samples) * 1000, 2),
        "n": len(samples),
    }


# -- the steps (run in child processes) ------------------------------------------------------------


def _create_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _province():
    from hoctap.territory.models import Era, Level, Unit

    return Unit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, short_name=PROVINCE_NAME)


def step_setup(scale, url):
    started = time.perf_counter()
    _create_database(url)
    django_setup()
    from django.core.management import call_command

    from bench import synth
    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.accounts.roles import Role
    from hoctap.assessments.models import Campaign
    from hoctap.criteria.shipped import publish_shipped_sets
    from hoctap.criteria.titles import Title
    from hoctap.territory.loader import load_territories
    from hoctap.territory.models import Era, Level, Unit, UnitLineage

    call_command("migrate", verbosity=0)
    load_territories()
    timings = {"schema_and_map_s": round(time.perf_counter() - started, 1)}
    published = {v.title: v.pk for v in publish_shipped_sets(log=lambda _m: None)}
    # the family set the workflow scores with; any set of the title for the others
    kind, per_commune, people, years = SCALES[scale]
    campaigns = {}
    for title in Title.values:
        for year in years:
            campaigns[(title, year)] = Campaign.objects.create(
                year=year,
                title=title,
                registration_opens=f"{year}-01-01",
                registration_closes=f"{year}-03-31",
                self_assessment_deadline=f"{year}-11-30",
                review_deadline=f"{year}-12-15",
                recognition_deadline=f"{year}-12-31",
            ).pk
    province = _province()
    communes = list(Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE).order_by("pk"))
    if kind == "province":
        communes = [c for c in communes if c.parent_id == province.pk]
        per_commune = PROVINCE_HOUSEHOLDS // len(communes)
    elif kind == "one":
        communes = [c for c in communes if c.parent_id == province.pk][:1]
    legacy_of = {}
    sources = {}
    for new_id, old_id in UnitLineage.objects.filter(new_unit__level=Level.COMMUNE).values_list(
        "new_unit_id", "old_unit_id"
    ):
        sources.setdefault(new_id, []).append(old_id)
    for commune in communes:
        olds = sources.get(commune.pk, [])
        legacy_of[commune.pk] = olds[0] if len(olds) == 1 else None
    generated = time.perf_counter()
    counts = synth.generate(
        communes,
        per_commune,
        with_people=people,
        years=years,
        campaigns=campaigns,
        criteria_sets=published,
        legacy_of=legacy_of,
        log=lambda m: print(m, file=sys.stderr),
    )
    timings["generate_s"] = round(time.perf_counter() - generated, 1)
    admin = User.objects.create_user("bench_admin", password="bench-password-123", full_name="Bench")
    RoleAssignment.objects.create(user=admin, role=Role.CENTRAL_ADMIN, unit=Unit.objects.get(level=Level.NATION))
    with __import__("django").db.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["total_s"] = round(time.perf_counter() - started, 1)
    return {"counts": counts, "communes": len(communes), **timings}


def step_recompute(unit_code):
    django_setup()
    from hoctap.stats import recompute
    from hoctap.territory.models import Era, Level, Unit

    unit = (
        None
        if unit_code == "nation"
        else Unit.objects.get(era=Era.CURRENT, level__in=[Level.PROVINCE, Level.COMMUNE], code=unit_code)
    )
    started = time.perf_counter()
    rows = recompute.recompute(None, unit)
    recompute.tidy_after_recompute()  # as `manage.py stats recompute` does: part of the time measured
    elapsed = time.perf_counter() - started
    return {"seconds": round(elapsed, 2), "rows": rows}


def step_verify(unit_code):
    django_setup()
    from hoctap.stats import recompute
    from hoctap.territory.models import Era, Level, Unit

    unit = (
        None
        if unit_code == "nation"
        else Unit.objects.get(era=Era.CURRENT, level__in=[Level.PROVINCE, Level.COMMUNE], code=unit_code)
    )
    started = time.perf_counter()
    report = recompute.verify(None, unit)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "ok": report.ok,
        "rows": report.rows,
        "differences": [str(d) for d in report.differences[:10]],
    }


RAW_TITLES = """
SELECT {child}, k.year, a.title,
       count(*) AS registered,
       count(*) FILTER (WHERE a.state IN ('submitted','under_review','returned','proposed','recognised',
                                          'not_recognised','certified','revoked')) AS self_assessed,
       count(*) FILTER (WHERE a.state IN ('recognised','certified','revoked','not_recognised')) AS decided,
       count(*) FILTER (WHERE a.state IN ('recognised','certified')) AS recognised
FROM assessments_assessment a
JOIN assessments_campaign k ON k.id = a.campaign_id
JOIN territory_unit u ON u.id = a.unit_id
JOIN territory_unit c ON c.id = CASE WHEN u.level = 'village' THEN u.parent_id ELSE u.id END
WHERE k.year BETWEEN 2022 AND %s {where}
GROUP BY 1, 2, 3
"""
RAW_HOUSEHOLDS = """
SELECT {child}, count(*) FROM registry_household h JOIN territory_unit c ON c.id = h.commune_id
JOIN territory_unit u ON u.id = h.village_id WHERE true {where} GROUP BY 1
"""
RAW_ADULTS = """
SELECT {child}, count(*) FROM registry_person p JOIN territory_unit c ON c.id = p.commune_id
JOIN territory_unit u ON u.id = p.unit_id
WHERE p.household_id IS NOT NULL AND p.birth_year BETWEEN %s - 60 AND %s - 15 {where} GROUP BY 1
"""


def _raw(level, unit):
    """The same figures as a dashboard (per child: the four counts per title and year, households,
    working-age adults), by GROUP BY over the raw tables."""
    from django.db import connection

    child, where, params = {
        "nation": ("c.parent_id", "", []),
        "province": ("c.id", "AND c.parent_id = %s", [unit.pk]),
        "commune": ("u.id", "AND c.id = %s", [unit.pk]),
    }[level]
    with connection.cursor() as cursor:
        cursor.execute(RAW_TITLES.format(child=child, where=where), [YEAR, *params])
        rows = cursor.fetchall()
        cursor.execute(RAW_HOUSEHOLDS.format(child=child, where=where), params)
        rows += cursor.fetchall()
        cursor.execute(RAW_ADULTS.format(child=child, where=where), [YEAR, YEAR, *params])
        rows += cursor.fetchall()
    return rows


def step_dashboards(scale, repeats, raw_repeats):
    django_setup()
    from django.test import Client

    from hoctap.accounts.models import User
    from hoctap.territory.models import Era, Level, Unit

    client = Client()
    client.force_login(User.objects.get(username="bench_admin"))
    province = _province()
    commune = Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, parent=province).order_by("pk").first()
    units = {"nation": Unit.objects.get(level=Level.NATION), "province": province, "commune": commune}
    out = {}
    for level, unit in units.items():
        url = f"/stats/units/{unit.pk}/?year={YEAR}"
        for _ in range(3):
            assert client.get(url).status_code == 200
        samples, cpu = [], []
        for _ in range(repeats):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)  # the web process alone, less sensitive to load
            assert response.status_code == 200
        raw_samples = []
        _raw(level, unit)  # warm the cache the same way
        for _ in range(raw_repeats):
            started = time.perf_counter()
            _raw(level, unit)
            raw_samples.append(time.perf_counter() - started)
        dash, raw = percentiles(samples), percentiles(raw_samples)
        out[level] = {
            "unit": unit.name,
            "dashboard": dash,
            "dashboard_app_cpu": percentiles(cpu),
            "raw_group_by": raw,
            "raw_over_dashboard_p50": round(raw["p50_ms"] / dash["p50_ms"], 1),
        }
    out["national_over_commune_p50"] = round(
        out["nation"]["dashboard"]["p50_ms"] / out["commune"]["dashboard"]["p50_ms"], 2
    )
    out["national_over_commune_p95"] = round(
        out["nation"]["dashboard"]["p95_ms"] / out["commune"]["dashboard"]["p95_ms"], 2
    )
    return out


def step_decisions(count):
    django_setup()
    import datetime

    from django.db.models import Max

    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.accounts.roles import Role
    from hoctap.accounts.scoping import Scope
    from hoctap.assessments import workflow
    from hoctap.assessments.models import Assessment, Decision
    from hoctap.assessments.signals import assessment_transitioned
    from hoctap.stats import receivers, recompute
    from hoctap.territory.models import Era, Level, Unit

    province = _province()
    commune = Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, parent=province).order_by("pk").first()
    # get_or_create: the step can run again on the same database (e.g. after a code change)
    user = User.objects.filter(username="bench_approver").first() or User.objects.create_user(
        "bench_approver", password="bench-password-123", full_name="Chủ tịch"
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.COMMUNE_APPROVER, unit=commune)
    scope = Scope(user)
    proposed = list(
        Assessment.objects.filter(
            title="family", campaign__year=YEAR, state="proposed", unit__path__startswith=commune.path
        ).order_by("pk")[: 2 * count + 10]
    )
    campaign = proposed[0].campaign
    sequence = 1 + (Decision.objects.filter(issuer=commune, year=YEAR).aggregate(n=Max("sequence"))["n"] or 0)
    decision = Decision.objects.create(
        campaign=campaign,
        issuer=commune,
        year=YEAR,
        sequence=sequence,
        issued_on=datetime.date(YEAR, 12, 20),
        signer_name="Phạm Văn Đức",
        legal_bases="Luật Giáo dục",
        recipients="Lưu VT",
    )
    with_tallies, without = [], []
    for _ in range(5):  # warm up, both ways
        workflow.transition(scope, proposed.pop(), "recognise", decision=decision)
    for index, assessment in enumerate(proposed[: 2 * count]):
        maintained = index % 2 == 0
        if not maintained:
            assessment_transitioned.disconnect(dispatch_uid="stats-transition")
        try:
            started = time.perf_counter()
            workflow.transition(scope, assessment, "recognise", decision=decision)
            elapsed = time.perf_counter() - started
        finally:
            if not maintained:
                assessment_transitioned.connect(receivers.on_transition, dispatch_uid="stats-transition")
        (with_tallies if maintained else without).append(elapsed)
    a, b = percentiles(with_tallies), percentiles(without)
    # the undercounted decisions are put right, and the commune proved right again
    recompute.recompute(None, commune)
    report = recompute.verify(None, commune)
    return {
        "commune": commune.name,
        "with_tallies": a,
        "without_tallies": b,
        "ratio_p50": round(a["p50_ms"] / b["p50_ms"], 2),
        "ratio_p95": round(a["p95_ms"] / b["p95_ms"], 2),
        "verify_after": report.ok,
    }


# -- the driver -----------------------------------------------------------------------------------


def run_step(args, env):
    """Run one step in a child process; return its JSON and its peak resident set."""
    process = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, env=env, cwd=REPO)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"step {args} failed with exit code {process.returncode}")
    result = json.loads(output.decode().strip().splitlines()[-1])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    return result


def machine(url):
    import psycopg

    memory = None
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres") as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
        }
    return {
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "postgresql": version,
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def run(scale: str, url: str = DEFAULT_DB, log=print) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.stats_settings", "PYTHONPATH": str(REPO)}
    result = {
        "scale": scale,
        "database": url.rsplit("/", 1)[1],
        "machine": machine(url),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    log(f"[{scale}] setup (synthetic data with COPY)…")
    result["setup"] = run_step(["setup", "--scale", scale], env)
    log(f"[{scale}] {json.dumps(result['setup'], ensure_ascii=False)}")
    province_code = _province_code(env)
    targets = [province_code] + (["nation"] if scale == "nation" else [])
    for target in targets:
        log(f"[{scale}] stats recompute {target}…")
        result[f"recompute_{target}"] = run_step(["recompute", "--unit", target], env)
        log(f"[{scale}]   {result[f'recompute_{target}']}")
        log(f"[{scale}] stats verify {target}…")
        result[f"verify_{target}"] = run_step(["verify", "--unit", target], env)
        log(f"[{scale}]   {result[f'verify_{target}']}")
    repeats, raw_repeats = {"commune": (40, 20), "province": (40, 10), "nation": (30, 3)}[scale]
    log(f"[{scale}] dashboards vs GROUP BY over raw tables…")
    result["dashboards"] = run_step(
        ["dashboards", "--scale", scale, "--repeats", str(repeats), "--raw-repeats", str(raw_repeats)], env
    )
    log(f"[{scale}]   {json.dumps(result['dashboards'], ensure_ascii=False)}")
    log(f"[{scale}] recognition decisions with and without tally maintenance…")
    result["decisions"] = run_step(["decisions", "--count", "100"], env)
    log(f"[{scale}]   {json.dumps(result['decisions'], ensure_ascii=False)}")
    result["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


def _province_code(env):
    code = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; django.setup(); from bench.bench_stats import _province; print(_province().code)",
        ],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return code.stdout.strip().splitlines()[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "step", nargs="?", default="all", choices=["all", "setup", "recompute", "verify", "dashboards", "decisions"]
    )
    parser.add_argument("--scale", choices=list(SCALES), default="commune")
    parser.add_argument("--unit", default="nation")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--raw-repeats", type=int, default=5)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args(argv)
    if args.step == "all":
        result = run(args.scale, args.db)
        out = REPO / "bench" / "results" / f"stats-{args.scale}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"written {out}")
        return
    result = {
        "setup": lambda: step_setup(args.scale, os.environ.get("DATABASE_URL", args.db)),
        "recompute": lambda: step_recompute(args.unit),
        "verify": lambda: step_verify(args.unit),
        "dashboards": lambda: step_dashboards(args.scale, args.repeats, args.raw_repeats),
        "decisions": lambda: step_decisions(args.count),
    }[args.step]()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

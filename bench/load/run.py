"""Load test of the busy season, end to end: `make load` (or `.venv/bin/python bench/load/run.py`).

1. The database: the province base (bench/load/dataset.py: built once, ≈ 3 min, rebuilt when the
   generator changes) cloned as `hoctap_load` for this run, and migrated.
2. Static files collected as in production; a session per account (signed with this run's key).
3. Queries and CPU per request of each page of the mix, in process (Django's test client,
   CaptureQueriesContext): what a page costs before anything runs in parallel.
4. The production set-up on free ports: gunicorn (`--workers`, sync workers), `manage.py db_worker`,
   DEBUG off, PostgreSQL.
5. Locust headless (bench/load/locustfile.py) climbing `--steps` users, each held `--step-seconds`,
   while the CPU of gunicorn, the worker, this database's PostgreSQL backends and the whole machine
   is sampled.
6. Everything stopped (also on Ctrl-C or an error), the clone dropped, and bench/results/load.json
   written: per step the request rate, p50/p95/p99, errors, CPU by process group; per endpoint p95;
   the sustained rate (the highest step with p95 ≤ 500 ms and no error) and where it bends.

Options (the defaults are the run in bench/results/load.json): --steps 200,300,400,500,600
--step-seconds 45 --workers 4; --quick (a short smoke run: 10,20 users, 30 s each, nothing written to
bench/results).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
from bench.load import dataset  # noqa: E402

PYTHON = str(REPO / ".venv/bin/python")
RUN_DB = "hoctap_load"
VAR = REPO / "var" / "load"
P95_LIMIT_MS = 500
CHILDREN: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(port: int) -> dict:
    """Production settings (hoctap.settings, DEBUG off) on the run's database. No TLS proxy in front,
    so cookies are not marked Secure; one trusted proxy, so each simulated person's X-Forwarded-For
    is their address for the rate limits, as behind nginx."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hoctap.settings",
        "DATABASE_URL": f"{dataset.SERVER}/{RUN_DB}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "HOCTAP_TRUSTED_PROXIES": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "HOCTAP_VAR_DIR": str(VAR),
        "MEDIA_ROOT": str(VAR / "media"),
        "STATIC_ROOT": str(VAR / "static"),
        "CERTIFICATE_SIGNING_KEY": dataset.BENCH_SIGNING_KEY,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
        "LOAD_PORT": str(port),
    }


def start(args: list[str], env: dict, logfile: Path) -> subprocess.Popen:
    """A child in its own process group, so that stopping it stops its workers too."""
    process = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=open(logfile, "w"), stderr=subprocess.STDOUT, start_new_session=True
    )
    CHILDREN.append(process)
    return process


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def stop_all() -> None:
    for process in reversed(CHILDREN):
        stop(process)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


# -- CPU sampling -------------------------------------------------------------------------------------

CLOCK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            pass
    return found


def _machine_busy() -> tuple[float, float]:
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in parts]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK, sum(values) / CLOCK


class CpuSampler(threading.Thread):
    """Every second: cumulative CPU seconds of each group (a process's CPU is counted while it is
    alive; a dead process's last reading is kept), and of the whole machine."""

    def __init__(self, groups: dict[str, callable]):
        super().__init__(daemon=True)
        self.groups, self.samples, self.running = groups, [], True
        self.last: dict[str, dict[int, float]] = {name: {} for name in groups}

    def run(self):
        while self.running:
            sample = {"t": time.time()}
            for name, pids in self.groups.items():
                seen = self.last[name]
                for pid in pids():
                    seen[pid] = max(seen.get(pid, 0.0), _cpu_seconds(pid))
                sample[name] = sum(seen.values())
            sample["machine_busy"], sample["machine_total"] = _machine_busy()
            self.samples.append(sample)
            time.sleep(1)

    def between(self, start: float, end: float) -> dict:
        """Cores used by each group over [start, end]."""
        inside = [s for s in self.samples if start <= s["t"] <= end]
        if len(inside) < 2:
            return {}
        a, b = inside[0], inside[-1]
        wall = b["t"] - a["t"]
        out = {name: round((b[name] - a[name]) / wall, 2) for name in self.groups}
        out["machine"] = round((b["machine_busy"] - a["machine_busy"]) / wall, 2)
        out["others"] = round(max(0.0, out["machine"] - sum(out[name] for name in self.groups)), 2)
        return out


def postgres_backends() -> list[int]:
    import psycopg

    try:
        with psycopg.connect(f"{dataset.SERVER}/postgres", autocommit=True, connect_timeout=2) as conn:
            return [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [RUN_DB])]
    except psycopg.Error:
        return []


# -- analysis --------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def analyse(log_path: Path, steps: list[int], sampler: CpuSampler) -> dict:
    records = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    out = []
    for index, users in enumerate(steps):
        held = [r for r in records if r["step"] == index and r["phase"] == "hold"]
        if not held:
            continue
        start, end = min(r["t"] for r in held), max(r["t"] for r in held)
        seconds = max(1.0, end - start)
        times = [r["ms"] for r in held]
        errors = [r for r in held if not r["ok"]]
        by_name: dict[str, list[float]] = {}
        for r in held:
            by_name.setdefault(r["name"], []).append(r["ms"])
        error_kinds: dict[str, int] = {}
        for r in errors:
            key = f"{r['name']}: {(r['error'] or '')[:120]}"
            error_kinds[key] = error_kinds.get(key, 0) + 1
        out.append(
            {
                "users": users,
                "seconds": round(seconds, 1),
                "requests": len(held),
                "requests_per_s": round(len(held) / seconds, 2),
                "p50_ms": percentile(times, 0.5),
                "p95_ms": percentile(times, 0.95),
                "p99_ms": percentile(times, 0.99),
                "max_ms": round(max(times), 1),
                "errors": len(errors),
                "error_kinds": error_kinds,
                "cores": sampler.between(start, end),
                "endpoints": {
                    name: {
                        "n": len(v),
                        "p50_ms": percentile(v, 0.5),
                        "p95_ms": percentile(v, 0.95),
                        "max_ms": round(max(v), 1),
                    }
                    for name, v in sorted(by_name.items(), key=lambda kv: -percentile(kv[1], 0.95))
                },
            }
        )
    good = [s for s in out if s["p95_ms"] <= P95_LIMIT_MS and s["errors"] == 0]
    bent = next((s for s in out if s["p95_ms"] > P95_LIMIT_MS or s["errors"]), None)
    return {
        "steps": out,
        "sustained": {
            "users": good[-1]["users"],
            "requests_per_s": good[-1]["requests_per_s"],
            "p95_ms": good[-1]["p95_ms"],
        }
        if good
        else None,
        "bends_at": {
            "users": bent["users"],
            "requests_per_s": bent["requests_per_s"],
            "p95_ms": bent["p95_ms"],
            "errors": bent["errors"],
            "cores": bent["cores"],
            "slowest": dict(list(bent["endpoints"].items())[:5]),
        }
        if bent
        else None,
    }


# -- the run -----------------------------------------------------------------------------------------


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="200,300,400,500,600")
    parser.add_argument("--step-seconds", type=int, default=45)
    parser.add_argument("--ramp-seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10,20 users, 30 s each, no result file")
    parser.add_argument("--no-profile", action="store_true", help="skip the per-request queries and CPU")
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "load.json"))
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.step_seconds, args.ramp_seconds = "10,20", 30, 10
    steps = [int(n) for n in args.steps.split(",")]
    VAR.mkdir(parents=True, exist_ok=True)
    started = time.time()
    result = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": machine(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "set_up": {
            "server": f"gunicorn, {args.workers} sync workers",
            "worker": "manage.py db_worker",
            "database": "PostgreSQL",
            "settings": "hoctap.settings, DEBUG off",
        },
        "steps_asked": steps,
        "step_seconds": args.step_seconds,
        "ramp_seconds": args.ramp_seconds,
        "think_time_s": [5, 15],
        "p95_limit_ms": P95_LIMIT_MS,
    }
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    port = free_port()
    env = environment(port)
    try:
        log("database: the province base (built once)…")
        result["base"] = dataset.ensure_base(log)
        log(f"database: clone {RUN_DB}")
        dataset.clone(RUN_DB)
        log("migrations since the base, static files, sessions…")
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
        actors = VAR / "actors.json"
        subprocess.run(
            [PYTHON, str(REPO / "bench/load/dataset.py"), "actors", str(actors)], cwd=REPO, env=env, check=True
        )
        if not args.no_profile:
            log("queries and CPU per request (in process)…")
            profile = subprocess.run(
                [PYTHON, str(REPO / "bench/load/profile.py"), str(actors)],
                cwd=REPO,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            result["per_request"] = json.loads(profile.stdout.strip().splitlines()[-1])
        log(f"gunicorn ({args.workers} workers) on port {port}, db_worker…")
        gunicorn = start(
            [
                str(REPO / ".venv/bin/gunicorn"),
                "hoctap.wsgi",
                "--workers",
                str(args.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            env,
            VAR / "gunicorn.log",
        )
        worker = start([PYTHON, "manage.py", "db_worker", "--queue-name", "*"], env, VAR / "worker.log")
        wait_for(f"http://127.0.0.1:{port}/")
        sampler = CpuSampler(
            {
                "gunicorn": lambda: _descendants(gunicorn.pid),
                "worker": lambda: _descendants(worker.pid),
                "postgresql": postgres_backends,
                "locust": lambda: _descendants(locust.pid) if locust else [],
            }
        )
        locust = None
        sampler.start()
        requests_log = VAR / "requests.jsonl"
        total = len(steps) * args.step_seconds
        log(f"locust: {steps} users, {args.step_seconds} s each ({total // 60} min {total % 60} s)…")
        locust_env = {
            **env,
            "LOAD_ACTORS": str(actors),
            "LOAD_STEPS": ",".join(map(str, steps)),
            "LOAD_STEP_SECONDS": str(args.step_seconds),
            "LOAD_RAMP_SECONDS": str(args.ramp_seconds),
            "LOAD_LOG": str(requests_log),
        }
        locust = start(
            [
                str(REPO / ".venv/bin/locust"),
                "-f",
                str(REPO / "bench/load/locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "5",
            ],
            locust_env,
            VAR / "locust.log",
        )
        locust.wait(total + 120)
        sampler.running = False
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        result.update(analyse(requests_log, steps, sampler))
        result["background_exports"] = exports_done(env)
    finally:
        stop_all()
        try:
            dataset.drop(RUN_DB)
        except Exception as error:  # noqa: BLE001 (cleanup: report, never hide the run's own error)
            log(f"could not drop {RUN_DB}: {error}")
    result["minutes"] = round((time.time() - started) / 60, 1)
    summary(result)
    if not args.quick:
        Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        log(f"written {args.out}")


def exports_done(env) -> dict:
    code = (
        "import django, json; django.setup(); from hoctap.exports.models import ExportJob; "
        "from django.db.models import Count; "
        "print(json.dumps(dict(ExportJob.objects.values_list('status').annotate(n=Count('pk')))))"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}


def machine() -> dict:
    memory = next(
        (
            round(int(line.split()[1]) / 1024 / 1024, 1)
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        None,
    )
    import psycopg

    with psycopg.connect(f"{dataset.SERVER}/postgres") as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        pg = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in ("shared_buffers", "max_connections")}
    return {
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "postgresql": version,
        "postgresql_settings": pg,
        "python": sys.version.split()[0],
    }


def summary(result: dict) -> None:
    for step in result.get("steps", []):
        worst = next(iter(step["endpoints"].items()), ("", {}))
        log(
            f"{step['users']:>4} users: {step['requests_per_s']:>6} req/s, p50 {step['p50_ms']} ms, "
            f"p95 {step['p95_ms']} ms, errors {step['errors']}, cores {step['cores']}; slowest {worst[0]} "
            f"p95 {worst[1].get('p95_ms')} ms"
        )
    log(
        f"sustained: {result.get('sustained')}; bends at: "
        f"{ {k: v for k, v in (result.get('bends_at') or {}).items() if k != 'slowest'} }"
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        stop_all()
        sys.exit(130)

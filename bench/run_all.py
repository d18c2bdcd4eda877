"""`make bench`: the statistics benchmark at the scales asked for, then the other benchmarks found
in bench/ (criteria engine, imports, exports), side by side in one JSON file.

    .venv/bin/python bench/run_all.py                              # commune and province scale
    .venv/bin/python bench/run_all.py --scale nation               # ~27 M households (long)
    .venv/bin/python bench/run_all.py --scale commune --no-others --name quick

PostgreSQL is required for the statistics benchmark (database `hoctap_bench`, created and dropped
by the run; --db or BENCH_DATABASE_URL to point elsewhere). Writes bench/results/<name>.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import bench_stats  # noqa: E402

OTHERS = ["bench_engine.py", "bench_import.py", "bench_export.py", "bench_openrosa.py"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scale",
        action="append",
        choices=list(bench_stats.SCALES),
        help="commune, province, nation (repeatable; default: commune and province)",
    )
    parser.add_argument("--name", default="all", help="results go to bench/results/<name>.json")
    parser.add_argument("--db", default=None, help="PostgreSQL URL of the benchmark database")
    parser.add_argument("--no-others", action="store_true", help="only the statistics benchmark")
    args = parser.parse_args(argv)
    scales = args.scale or ["commune", "province"]
    url = args.db or __import__("os").environ.get("BENCH_DATABASE_URL", bench_stats.DEFAULT_DB)
    results = {
        "command": " ".join(["bench/run_all.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": bench_stats.machine(url),
        "stats": {},
        "others": {},
    }
    out = REPO / "bench" / "results" / f"{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    for scale in scales:
        started = time.perf_counter()
        results["stats"][scale] = bench_stats.run(scale, url)
        results["stats"][scale]["wall_s"] = round(time.perf_counter() - started, 1)
        (REPO / "bench" / "results" / f"stats-{scale}.json").write_text(
            json.dumps(results["stats"][scale], indent=2, ensure_ascii=False) + "\n"
        )
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if not args.no_others:
        for script in OTHERS:
            path = REPO / "bench" / script
            if not path.exists():
                continue
            print(f"== {script}", flush=True)
            started = time.perf_counter()
            completed = subprocess.run([sys.executable, str(path)], cwd=REPO)
            results["others"][script] = {
                "exit_code": completed.returncode,
                "wall_s": round(time.perf_counter() - started, 1),
            }
            out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(summary(results))
    print(f"written {out}")
    failed = [s for s, r in results["others"].items() if r["exit_code"]]
    return 1 if failed else 0


def summary(results) -> str:
    lines = []
    for scale, r in results["stats"].items():
        d = r["dashboards"]
        lines.append(
            f"[{scale}] households {r['setup']['counts']['households']:,}, "
            f"assessments {r['setup']['counts']['assessments']:,}"
        )
        for level in ("nation", "province", "commune"):
            lines.append(
                f"  {level:8} dashboard p50 {d[level]['dashboard']['p50_ms']} ms "
                f"p95 {d[level]['dashboard']['p95_ms']} ms | GROUP BY p50 {d[level]['raw_group_by']['p50_ms']} ms "
                f"(×{d[level]['raw_over_dashboard_p50']})"
            )
        lines.append(f"  national / commune p50 ×{d['national_over_commune_p50']}")
        for key in [k for k in r if k.startswith("recompute_")]:
            target = key.split("_", 1)[1]
            lines.append(
                f"  recompute {target}: {r[key]['seconds']} s (peak {r[key]['peak_rss_mb']} MB); "
                f"verify {r['verify_' + target]['seconds']} s ok={r['verify_' + target]['ok']}"
            )
        dec = r["decisions"]
        lines.append(
            f"  decision p50 {dec['with_tallies']['p50_ms']} ms with tallies, "
            f"{dec['without_tallies']['p50_ms']} ms without (×{dec['ratio_p50']})"
        )
    for script, r in results["others"].items():
        lines.append(f"{script}: exit {r['exit_code']} in {r['wall_s']} s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""Score a synthetic commune: 8,000 citizen answer sheets and 8,000 family sheets.

A large commune after the 2025 mergers has tens of thousands of residents; a year-end recount of
every sheet must stay a matter of seconds. Writes bench/results/engine.json.

    .venv/bin/python bench/bench_engine.py
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hoctap.criteria.engine import score  # noqa: E402  (after the sys.path line above)
from hoctap.criteria.loader import SHIPPED_SETS_DIR, load_file  # noqa: E402

SHEETS_PER_TITLE = 8_000
SEED = 20241125
RESULT_FILE = REPO / "bench" / "results" / "engine.json"


def memory_total_kib() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def citizen_sheets(criteria_set, rng: random.Random):
    groups = [g.code for g in criteria_set.applicability.subject_groups]
    for _ in range(SHEETS_PER_TITLE):
        # Half points, mostly 6 to 10, now and then one below the floor of 5: provinces report
        # between 43% and 87% of registered citizens reaching the title.
        answers = {
            i.code: Decimal(rng.randint(7, 9) if rng.random() < 0.02 else rng.randint(12, 20)) / 2
            for i in criteria_set.indicators
        }
        area = "disadvantaged" if rng.random() < 0.2 else "normal"
        yield answers, {}, area, rng.choice(groups)


def family_sheets(criteria_set, rng: random.Random):
    for _ in range(SHEETS_PER_TITLE):
        # Quarter points, weighted towards the top of each scale.
        answers = {
            i.code: Decimal(rng.randint(int(i.max_points) * 2, int(i.max_points) * 4)) / 4
            for i in criteria_set.indicators
        }
        facts = {"adults_citizen_share": Decimal(rng.randint(10, 100)) / 100}
        area = "disadvantaged" if rng.random() < 0.2 else "normal"
        yield answers, facts, area, None


def run() -> dict:
    rng = random.Random(SEED)
    citizen = load_file(SHIPPED_SETS_DIR / "citizen-677-2022.yaml")
    family = load_file(SHIPPED_SETS_DIR / "family-provisional-2021.yaml")
    workload = [(citizen, sheet) for sheet in citizen_sheets(citizen, rng)]
    workload += [(family, sheet) for sheet in family_sheets(family, rng)]

    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for criteria_set, (answers, facts, area, group) in workload:
        result = score(criteria_set, answers, facts, area_class=area, group=group)
        outcomes[f"{criteria_set.code}:{result.classification}"] += 1
    elapsed = time.perf_counter() - started

    return {
        "benchmark": "engine.score over a synthetic commune",
        "sheets": {"citizen-677-2022": SHEETS_PER_TITLE, "family-provisional-2021": SHEETS_PER_TITLE},
        "total_sheets": len(workload),
        "total_seconds": round(elapsed, 3),
        "microseconds_per_sheet": round(elapsed / len(workload) * 1_000_000, 1),
        "outcomes": dict(sorted(outcomes.items())),
        "seed": SEED,
        "machine": {
            "cpu_cores": os.cpu_count(),
            "memory_total_kib": memory_total_kib(),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def main() -> None:
    report = run()
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{report['total_sheets']} sheets in {report['total_seconds']} s "
        f"({report['microseconds_per_sheet']} µs per sheet) → {RESULT_FILE.relative_to(REPO)}"
    )


if __name__ == "__main__":
    main()

"""Queries and CPU per request of the pages of the load mix, in process (Django's test client on the
run's database, production settings): what each page costs on its own, before any concurrency.

    .venv/bin/python bench/load/profile.py var/load/actors.json            # JSON on the last line
    .venv/bin/python bench/load/profile.py var/load/actors.json --pyinstrument "/stats/units/[province]/"

Each page is requested 2 times to warm up, then `REPEATS` times: median CPU of this process
(middleware, scope, queries' Python side, template) and wall time, and the number of queries.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
REPEATS = 8


def pages(actors: dict) -> list[tuple[str, str, str | None]]:
    """(name, url, role whose session is used) for the mix's GET pages."""
    pools = actors["pools"]
    citizen = next(c for c in pools["citizen"] if c.get("assessment"))
    village = pools["village_officer"][0]
    commune = pools["commune_officer"][0]
    family = actors["campaigns"]["family"]
    return [
        ("/", "/", None),
        ("/verify/[code]", f"/verify/{actors['certificates'][0]}", None),
        ("/public/province/[code]/", f"/public/province/{actors['province_code']}/", None),
        ("/signup/", "/signup/", None),
        ("/my/", "/my/", citizen["session"]),
        (
            "/assessments/[id]/self-assessment/",
            f"/assessments/{citizen['assessment']}/self-assessment/",
            citizen["session"],
        ),
        ("/assessments/[id]/ (citizen)", f"/assessments/{citizen['assessment']}/", citizen["session"]),
        ("/ (village head)", "/", village["session"]),
        ("/registry/households/", "/registry/households/", village["session"]),
        ("/registry/households/?q=", "/registry/households/?q=Nguyễn", village["session"]),
        ("/registry/households/new/", "/registry/households/new/", village["session"]),
        (
            "/campaigns/[id]/units/[village]/review/ (village head)",
            f"/campaigns/{family}/units/{village['unit']}/review/",
            village["session"],
        ),
        ("/ (commune officer)", "/", commune["session"]),
        ("/units/[commune]/", f"/units/{commune['unit']}/", commune["session"]),
        (
            "/campaigns/[id]/units/[village]/review/ (commune officer)",
            f"/campaigns/{family}/units/{village['unit']}/review/",
            None,
        ),  # filled below with the commune officer of that village
        (
            "/campaigns/[id]/units/[village]/review/?show=waiting (commune officer)",
            f"/campaigns/{family}/units/{village['unit']}/review/?show=waiting",
            None,
        ),
        ("/stats/units/[commune]/", f"/stats/units/{commune['unit']}/", commune["session"]),
        ("/signups/", "/signups/", commune["session"]),
        (
            "/campaigns/[id]/decisions/new/",
            f"/campaigns/{family}/decisions/new/",
            pools["commune_approver"][0]["session"],
        ),
        ("/stats/units/[province]/", f"/stats/units/{actors['province']}/", pools["province_officer"][0]["session"]),
        (
            "/stats/units/[province]/export/children.xlsx",
            f"/stats/units/{actors['province']}/export/children.xlsx",
            pools["province_officer"][0]["session"],
        ),
        ("/exports/", "/exports/", pools["province_officer"][0]["session"]),
    ]


def main() -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoctap.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    actors = json.loads(Path(sys.argv[1]).read_text())
    listed = pages(actors)
    # the review board as the officer of the commune the village belongs to
    village = actors["pools"]["village_officer"][0]
    officer = next(o for o in actors["pools"]["commune_officer"] if o["unit"] == village["parent"])
    listed = [(n, u, officer["session"] if r is None and "commune officer" in n else r) for n, u, r in listed]
    only = sys.argv[sys.argv.index("--pyinstrument") + 1] if "--pyinstrument" in sys.argv else None
    out = {}
    for name, url, session in listed:
        if only and name != only:
            continue
        client = Client(HTTP_X_FORWARDED_FOR="10.200.0.1")
        if session:
            client.cookies["sessionid"] = session
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
        if only:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(REPEATS):
                client.get(url)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            return
        cpu, wall, queries = [], [], []
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            queries.append(len(captured.captured_queries))
        out[name] = {
            "queries": max(queries),
            "app_cpu_ms": round(statistics.median(cpu) * 1000, 1),
            "wall_ms": round(statistics.median(wall) * 1000, 1),
            "bytes": len(body),
        }
        print(
            f"{name:<62} {out[name]['queries']:>4} queries {out[name]['app_cpu_ms']:>7} ms CPU "
            f"{out[name]['wall_ms']:>7} ms wall",
            file=sys.stderr,
        )
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()

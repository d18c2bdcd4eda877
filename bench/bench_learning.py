"""Benchmark of the learning figures on PostgreSQL at the nation's scale, in the database named by
DATABASE_URL (default `hoctap_bench_learning`; it is migrated and filled, never dropped).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap_learning .venv/bin/python bench/bench_learning.py

Fills, for one year, every commune of the current map (3,321) with 20 centre classes and 3 Week
activities (about 66,000 and 10,000 rows), and a literacy declaration for nine communes in ten; then
times `services.figures` for the nation, a province and a commune (p50/p95 over 20 runs, queries
counted) and the province's page through the test client. Prints one JSON document and writes it to
bench/results/learning.json.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoctap_bench_learning")
YEAR = 2025
RUNS = 20


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.stats_settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.learning import services, topics
    from hoctap.learning.models import CentreClass, LiteracyDeclaration, WeekActivity
    from hoctap.territory.loader import load_territories
    from hoctap.territory.models import Era, Level, Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE).exists():
        load_territories()
    communes = list(Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE).order_by("pk"))
    codes = topics.codes()
    if not CentreClass.objects.filter(started_on__year=YEAR).exists():
        CentreClass.objects.bulk_create(
            [
                CentreClass(
                    commune=c,
                    topic=codes[n % len(codes)],
                    name=f"Lớp {n}",
                    started_on=datetime.date(YEAR, 1 + n % 12, 5),
                    sessions=1 + n % 4,
                    participants=20 + (c.pk + n) % 80,
                    held_by="Hội Khuyến học xã",
                )
                for c in communes
                for n in range(20)
            ],
            batch_size=5000,
        )
        WeekActivity.objects.bulk_create(
            [
                WeekActivity(
                    commune=c, date=datetime.date(YEAR, 10, 1 + n), activity=f"Hoạt động {n}", participants=100
                )
                for c in communes
                for n in range(3)
            ],
            batch_size=5000,
        )
        LiteracyDeclaration.objects.bulk_create(
            [
                LiteracyDeclaration(
                    commune=c,
                    year=YEAR,
                    population_15_35=2000,
                    literate_15_35=1980,
                    population_15_60=5000,
                    literate2_15_60=4700,
                    literacy_level=2 if i % 3 else 1,
                    primary_level=3,
                    lower_secondary_level=2,
                    preschool=True,
                    declared_by="Phó Chủ tịch UBND xã",
                    document="Báo cáo PCGD-XMC",
                    document_date=datetime.date(YEAR, 11, 20),
                )
                for i, c in enumerate(communes)
                if i % 10
            ],
            batch_size=5000,
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE learning_centreclass, learning_weekactivity, learning_literacydeclaration")
    nation = Unit.objects.get(era=Era.CURRENT, level=Level.NATION)
    province = max(Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE), key=lambda p: p.children.count())
    commune = communes[0]
    out = {
        "year": YEAR,
        "communes": len(communes),
        "classes": CentreClass.objects.filter(started_on__year=YEAR).count(),
        "week_activities": WeekActivity.objects.filter(date__year=YEAR).count(),
        "declarations": LiteracyDeclaration.objects.filter(year=YEAR).count(),
        "figures": {},
    }
    for name, unit in (("nation", nation), ("province", province), ("commune", commune)):
        samples = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                figures = services.figures(unit, YEAR)
                samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        out["figures"][name] = {
            "unit": unit.name,
            "queries": len(queries),
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
            "coverage": figures.total.literate_share().coverage,
        }
    user, _ = User.objects.get_or_create(username="bench-learning-province")
    RoleAssignment.objects.get_or_create(
        user=user, role="province_officer", unit=province, defaults={"valid_from": datetime.date(2020, 1, 1)}
    )
    client = Client()
    client.force_login(user)
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(f"/learning/units/{province.pk}/?year={YEAR}")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    out["province_page"] = {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
        "bytes": len(response.content),
    }
    text = json.dumps(out, ensure_ascii=False, indent=2)
    print(text)
    (REPO / "bench" / "results" / "learning.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

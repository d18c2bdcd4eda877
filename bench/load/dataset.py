"""The load test's database: a province in its busy season, built once and cloned for every run.

    .venv/bin/python bench/load/dataset.py base      # build hoctap_load_base (≈ 3 minutes), if out of date
    .venv/bin/python bench/load/dataset.py actors    # on the run's clone: sessions and the accounts file

`base` is the statistics benchmark's province (bench/bench_stats.py `setup --scale province`:
Hưng Yên, 104 communes, 826,000 households, 2.86 M people, 2 M assessments), moved to the current
year (its two years become last year and this one), then made ready for the season:

* this year's dossiers that have been submitted carry full self-scores (the generator writes
  states, not answers), so a reviewer can accept them;
* accounts at every level, all with one password hashed once: a village officer per village, an
  officer and an approver (chairman) per commune, three province officers, and 3,000 citizens linked
  to people who are registered for this year's learning-citizen title and have not self-assessed;
* one commune's recognition decision with 300 signed certificates, for the anonymous /verify lookups;
* counters recomputed, VACUUM ANALYZE.

It becomes a template database; each run clones it (`CREATE DATABASE … TEMPLATE`, seconds) so every
run starts from the same state. The base is rebuilt when the generator or BASE_VERSION change (a stamp
kept as the template's comment); migrations added since are applied to each clone.

`actors` runs on the clone with the run's SECRET_KEY: a session per account (signed with that key),
as users who signed in earlier in the season — a login is a deliberately slow PBKDF2 hash that a
user pays once, not on every visit — and writes the file the locustfile reads.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
SERVER = "postgres://postgres@127.0.0.1:5432"
BASE_DB = "hoctap_load_base"
PASSWORD = "mua-cao-diem-2026"  # every account of the synthetic province (one hash, computed once)
CITIZENS = 3000
CERTIFICATES = 300
GENERATED_YEAR = 2025  # the generator's "current" year (bench/synth.py)
# A public, bench-only signing key: it signs synthetic certificates of a throwaway database, so that
# a run's /verify lookups check against the key the base was built with.
BENCH_SIGNING_KEY = base64.b64encode(hashlib.sha256(b"hoctap load bench, synthetic certificates").digest()).decode()


# Raise it when step_season changes what the base holds.
BASE_VERSION = "1"


def stamp() -> str:
    """What the base depends on: the generator and BASE_VERSION. Later migrations are applied to each
    run's clone (run.py), so a new migration does not regenerate the province."""
    digest = hashlib.sha256(BASE_VERSION.encode())
    paths = [REPO / "bench/synth.py", REPO / "bench/bench_stats.py"]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def admin_connection():
    import psycopg

    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def base_stamp() -> str | None:
    with admin_connection() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [BASE_DB]
        ).fetchone()
    return row[0] if row else None


def clone(target: str) -> None:
    """A fresh copy of the base for one run."""
    with admin_connection() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [target],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{target}"')
        conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{BASE_DB}"')


def drop(target: str) -> None:
    with admin_connection() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [target],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{target}"')


def ensure_base(log=print) -> dict:
    """Build the base unless it is up to date; return what was done."""
    wanted = stamp()
    if base_stamp() == wanted:
        return {"built": False, "stamp": wanted}
    started = time.perf_counter()
    building = f"{BASE_DB}_building"
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{building}",
        "DJANGO_SETTINGS_MODULE": "bench.stats_settings",
        "PYTHONPATH": str(REPO),
        "CERTIFICATE_SIGNING_KEY": BENCH_SIGNING_KEY,
    }
    log("· province generator (bench/bench_stats.py setup --scale province)…")
    subprocess.run(
        [sys.executable, str(REPO / "bench/bench_stats.py"), "setup", "--scale", "province"],
        env=env,
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    log("· the busy season: this year's dossiers, accounts, certificates, counters…")
    subprocess.run([sys.executable, __file__, "season"], env=env, cwd=REPO, check=True)
    with admin_connection() as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [building],
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{BASE_DB}"')
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{BASE_DB}"')
        conn.execute(f"COMMENT ON DATABASE \"{BASE_DB}\" IS '{wanted}'")
    return {"built": True, "stamp": wanted, "seconds": round(time.perf_counter() - started, 1)}


# -- steps run inside Django (child processes) ------------------------------------------------------


def django_setup(settings="bench.stats_settings"):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def step_season() -> None:
    django_setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection, transaction

    from bench.bench_stats import PROVINCE_NAME
    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.accounts.roles import Role
    from hoctap.accounts.scoping import Scope
    from hoctap.assessments import decisions, workflow
    from hoctap.assessments.demo import _full_marks
    from hoctap.assessments.models import Assessment, Campaign
    from hoctap.assessments.states import State
    from hoctap.stats import recompute
    from hoctap.territory.models import Era, Level, Unit

    today = datetime.date.today()
    shift = today.year - GENERATED_YEAR
    # 1. the generator's years move so that its current year is this one
    for campaign in Campaign.objects.all():
        for name in Campaign.WINDOWS:
            value = getattr(campaign, name)
            setattr(campaign, name, value.replace(year=value.year + shift))
        campaign.year += shift
        campaign.save()
    year = today.year
    # 2. submitted dossiers of this year carry full self-scores (one engine result per title: the
    #    review screen shows it; the reviewer's acceptance scores again with the facts of that moment)
    busy = [State.SUBMITTED, State.UNDER_REVIEW, State.PROPOSED]
    for title in Assessment.objects.filter(campaign__year=year).values_list("title", flat=True).distinct():
        sample = Assessment.objects.filter(campaign__year=year, title=title, state__in=busy).first()
        if sample is None:
            continue
        answers = _full_marks(sample)
        result = workflow.score(sample, answers)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE assessments_assessment SET self_answers = %s, self_result = %s, submitted_at = %s "
                "WHERE title = %s AND state = ANY(%s) AND campaign_id IN (SELECT id FROM assessments_campaign WHERE year = %s)",
                [json.dumps(answers), json.dumps(result, default=str), f"{year}-11-20 09:00:00+07", title, busy, year],
            )
    # 3. accounts, one password hash for all
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    province = Unit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, short_name=PROVINCE_NAME)
    communes = list(Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, parent=province).order_by("pk"))
    villages = list(Unit.objects.filter(era=Era.CURRENT, level=Level.VILLAGE, parent__parent=province).order_by("pk"))
    users, roles = [], []

    def account(username, full_name, role, unit):
        users.append(User(username=username, full_name=full_name, password=hashed))
        roles.append((username, role, unit.pk))

    for n in range(3):
        account(f"tinh{n + 1}", f"Cán bộ tỉnh {n + 1}", Role.PROVINCE_OFFICER, province)
    for commune in communes:
        account(f"xa{commune.code}", f"Cán bộ {commune.short_name}", Role.COMMUNE_OFFICER, commune)
        account(f"ctxa{commune.code}", f"Chủ tịch {commune.short_name}", Role.COMMUNE_APPROVER, commune)
    for village in villages:
        account(f"thon{village.pk}", f"Trưởng {village.short_name}", Role.VILLAGE_OFFICER, village)
    # citizens registered for this year's title who have not self-assessed yet
    waiting = list(
        Assessment.objects.filter(
            campaign__year=year, title="citizen", state=State.REGISTERED, person__account__isnull=True
        )
        .order_by("pk")
        .values_list("person_id", "person__full_name", "person__commune_id")[:CITIZENS]
    )
    for person_id, full_name, commune_id in waiting:
        users.append(User(username=f"cd{person_id}", full_name=full_name, password=hashed))
        roles.append((f"cd{person_id}", Role.CITIZEN, commune_id))
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=2000)
        by_name = dict(User.objects.values_list("username", "pk"))
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=by_name[u], role=r, unit_id=unit) for u, r, unit in roles], batch_size=2000
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE registry_person p SET account_id = u.id FROM accounts_user u "
                "WHERE u.username = 'cd' || p.id::text AND p.id = ANY(%s)",
                [[w[0] for w in waiting]],
            )
    # 4. certificates of one commune for /verify: its approver recognises proposed dossiers, signs
    commune = communes[0]
    approver = User.objects.get(username=f"ctxa{commune.code}")
    scope = Scope(approver)
    campaign = Campaign.objects.get(year=year, title="family", province__isnull=True)
    proposed = list(decisions.proposed_for(scope, campaign, commune).order_by("pk")[:CERTIFICATES])
    decision = decisions.issue_decision(
        scope, campaign, proposed, issuer=commune, issued_on=today, signer_name=approver.full_name
    )
    certificates = decisions.issue_certificates(scope, decision)
    # 5. the counters of the moved years, and fresh planner statistics
    recompute.recompute(None, province)
    recompute.tidy_after_recompute()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        json.dumps(
            {
                "year": year,
                "accounts": len(users),
                "citizens": len(waiting),
                "certificates": len(certificates),
                "communes": len(communes),
                "villages": len(villages),
            }
        ),
        file=sys.stderr,
    )


def step_actors(out: str) -> None:
    """Sessions for the accounts (signed with this run's SECRET_KEY) and the pools the locustfile
    draws from: who works where, and what there is to look at."""
    django_setup("hoctap.settings")
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from bench.bench_stats import PROVINCE_NAME
    from hoctap.accounts.models import RoleAssignment
    from hoctap.assessments.models import Assessment, Campaign, Certificate
    from hoctap.territory.models import Era, Level, Unit

    year = datetime.date.today().year
    province = Unit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, short_name=PROVINCE_NAME)
    expiry = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions, pools = (
        [],
        {"citizen": [], "village_officer": [], "commune_officer": [], "commune_approver": [], "province_officer": []},
    )
    store = SessionStore()
    for assignment in (
        RoleAssignment.objects.select_related("user", "unit")
        .filter(unit__path__startswith=province.path)
        .exclude(user__username="bench_admin")
        .order_by("pk")
    ):
        user = assignment.user
        key = store._get_new_session_key()
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expiry))
        pools[assignment.role].append(
            {"username": user.username, "session": key, "unit": assignment.unit_id, "parent": assignment.unit.parent_id}
        )
    Session.objects.bulk_create(sessions, batch_size=2000)
    campaigns = dict(Campaign.objects.filter(year=year, province__isnull=True).values_list("title", "pk"))
    certificates = list(Certificate.objects.order_by("pk").values_list("code", flat=True))
    communes = list(
        Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, parent=province)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    own = dict(
        Assessment.objects.filter(campaign__year=year, title="citizen", person__account__isnull=False).values_list(
            "person__account__username", "pk"
        )
    )
    for citizen in pools["citizen"]:
        citizen["assessment"] = own.get(citizen["username"])
    Path(out).write_text(
        json.dumps(
            {
                "year": year,
                "province": province.pk,
                "province_code": province.code,
                "communes": communes,
                "campaigns": campaigns,
                "certificates": certificates,
                "pools": pools,
            },
            ensure_ascii=False,
        )
    )
    print(json.dumps({role: len(pool) for role, pool in pools.items()}), file=sys.stderr)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "base"
    if command == "base":
        print(json.dumps(ensure_base()))
    elif command == "season":
        step_season()
    elif command == "actors":
        step_actors(sys.argv[2])
    else:
        raise SystemExit(f"unknown step {command}")

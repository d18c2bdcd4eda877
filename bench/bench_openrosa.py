"""ODK Collect's side of a commune of 8,000 households: what a phone downloads and how long the
server takes, through the real OpenRosa views (Django test client, in process).

A fresh SQLite database under var/bench/ gets a small map (one commune, 8 villages × 1,000
households with their heads), the shipped criteria sets, the national family campaign of the year
and one open assessment per household (bulk-created: the setup is not what is measured). Then, as
the commune officer's phone with its device credential:

* form list, form download, manifest and subject list (`subjects.csv`): p50/p95 of 20 requests each,
  and the size of what the phone downloads;
* draft submissions (answers for every indicator and one photo) through the workflow: p50/p95 of 50.

Prints one JSON document and writes bench/results/openrosa.json.

    .venv/bin/python bench/bench_openrosa.py
"""

from __future__ import annotations

import base64
import io
import json
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DIR = REPO / "var" / "bench"
HOUSEHOLDS = 8_000
VILLAGES = 8
YEAR = 2025


def setup_django():
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / "openrosa.sqlite3"
    database.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.MEDIA_ROOT = BENCH_DIR / "openrosa-media"
    call_command("migrate", verbosity=0)


def build():
    from hoctap.accounts.models import RoleAssignment, User
    from hoctap.accounts.roles import Role
    from hoctap.assessments.campaigns import create_campaign
    from hoctap.assessments.models import Assessment, SubjectKind
    from hoctap.criteria.shipped import publish_shipped_sets
    from hoctap.criteria.titles import Title
    from hoctap.openrosa.models import DeviceCredential
    from hoctap.registry.models import Household, Person, Sex
    from hoctap.territory.models import Era, Level, Unit

    def unit(level, code, name, parent):
        return Unit.objects.create(
            era=Era.CURRENT,
            level=level,
            code=code,
            name=name,
            short_name=name.split(" ", 1)[-1],
            division_type=name.split(" ", 1)[0].lower(),
            parent=parent,
        )

    nation = unit(Level.NATION, "VN", "Việt Nam", None)
    province = unit(Level.PROVINCE, "33", "Tỉnh Hưng Yên", nation)
    commune = unit(Level.COMMUNE, "12001", "Xã An Lạc", province)
    villages = [unit(Level.VILLAGE, f"12001-{n:03}", f"Thôn Số {n}", commune) for n in range(1, VILLAGES + 1)]
    publish_shipped_sets(log=lambda *args: None)
    campaign = create_campaign(Title.FAMILY, YEAR)
    criteria_set = campaign.criteria_sets.get(title=Title.FAMILY)
    per_village = HOUSEHOLDS // VILLAGES
    households = []
    for v, village in enumerate(villages):
        for n in range(per_village):
            household = Household(code=f"H{v:02}{n:04}", village=village, commune=commune)
            household.refresh_derived(f"Nguyễn Văn Hộ H{v:02}{n:04}")
            households.append(household)
    households = Household.objects.bulk_create(households, batch_size=2000)
    people = []
    for household in households:
        person = Person(
            full_name=f"Nguyễn Văn Hộ {household.code}",
            sex=Sex.MALE,
            birth_year=1970,
            household=household,
            unit=household.village,
            commune=commune,
        )
        person.refresh_derived()
        people.append(person)
    heads = Person.objects.bulk_create(people, batch_size=2000)
    for household, head in zip(households, heads, strict=True):
        household.head = head
    Household.objects.bulk_update(households, ["head"], batch_size=2000)
    Assessment.objects.bulk_create(
        (
            Assessment(
                campaign=campaign,
                title=Title.FAMILY,
                subject_kind=SubjectKind.HOUSEHOLD,
                household=h,
                unit=h.village,
                recorded_unit=h.village,
                criteria_set=criteria_set,
            )
            for h in households
        ),
        batch_size=2000,
    )
    officer = User.objects.create_user("canboxa", password="x")
    RoleAssignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
    credential, secret = DeviceCredential.issue(officer, "Bench")
    return credential, secret, criteria_set


def timed(call, n):
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"n": n, "p50_ms": round(statistics.median(samples), 1), "p95_ms": round(samples[int(n * 0.95) - 1], 1)}


def main():
    setup_django()
    import xml.etree.ElementTree as ET

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from PIL import Image

    from hoctap.assessments.models import Assessment
    from hoctap.openrosa import xform

    started = time.perf_counter()
    credential, secret, criteria_set = build()
    setup_s = round(time.perf_counter() - started, 1)
    client = Client()
    headers = {
        "HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{credential.login}:{secret}".encode()).decode(),
        "HTTP_X_OPENROSA_VERSION": "1.0",
    }

    def get(url):
        response = client.get(url, secure=True, **headers)
        assert response.status_code == 200, (url, response.status_code)
        return response

    listing = ET.fromstring(get("/openrosa/formList").content)
    ns = "{http://openrosa.org/xforms/xformsList}"
    [item] = listing.findall(f"{ns}xform")
    download = item.find(f"{ns}downloadUrl").text
    manifest = item.find(f"{ns}manifestUrl").text
    subjects = download.replace("form.xml", "subjects.csv")
    sizes = {
        "form_xml_bytes": len(get(download).content),
        "subjects_csv_bytes": len(get(subjects).content),
        "subjects_rows": get(subjects).content.count(b"\n") - 1,
    }
    requests = {
        "form_list": timed(lambda: get("/openrosa/formList"), 20),
        "form_xml": timed(lambda: get(download), 20),
        "manifest": timed(lambda: get(manifest), 20),
        "subjects_csv": timed(lambda: get(subjects), 20),
    }

    definition = criteria_set.definition
    names = xform.field_names(definition)
    photo = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 120, 60)).save(photo, "JPEG", quality=85)
    ids = iter(Assessment.objects.order_by("pk").values_list("pk", flat=True)[:50])

    def submit():
        assessment_id = next(ids)
        code = definition.indicators[0].code
        answers = "".join(
            f"<{names[i.code]}>{1 if i.kind == 'pass_fail' else 1}</{names[i.code]}>" for i in definition.indicators
        )
        body = (
            f'<data id="{xform.form_id(criteria_set.campaigns.get().pk, criteria_set.pk)}" version="x">'
            f"<subject>{assessment_id}</subject><base_version>1</base_version>{answers}"
            f"<{xform.photo_name(names[code])}>p.jpg</{xform.photo_name(names[code])}>"
            f"<action>draft</action><meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>"
        ).encode()
        response = client.post(
            "/openrosa/submission",
            secure=True,
            **headers,
            data={
                "xml_submission_file": SimpleUploadedFile("i.xml", body, "text/xml"),
                "p.jpg": SimpleUploadedFile("p.jpg", photo.getvalue(), "image/jpeg"),
            },
        )
        assert response.status_code == 201, response.content

    requests["draft_submission_with_photo"] = timed(submit, 50)
    report = {
        "what": "OpenRosa server for one commune's officer (Django test client, SQLite)",
        "households": HOUSEHOLDS,
        "setup_s": setup_s,
        **sizes,
        "requests": requests,
        "photo_bytes": len(photo.getvalue()),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }
    out = REPO / "bench" / "results" / "openrosa.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

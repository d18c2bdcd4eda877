"""Every export writes one audit entry: who, which export, the filters, how many rows, and nothing
personal.

Every URL pattern and API route whose name says it hands out a file (export, xlsx, pdf, csv,
download, yaml, json, subjects, honours) must be in EXPORTS (how to ask for it as commune B's officer
and how many rows the file holds, counted from the file itself or from the data) or in NOT_EXPORTS
with the reason; a new export route that is neither fails `test_every_export_route_is_listed`.
"""

import io
import json
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.audit.exports import export_entries
from hoctap.awards import services as awards
from hoctap.awards.models import DecisionAction, NominationDecision
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.exports import tasks
from hoctap.exports.models import ExportJob, ExportStatus
from hoctap.registry.models import Household, Person
from hoctap.territory.models import Era
from tests import matrix_cases
from tests.conftest import make_user
from tests.test_scope_matrix import walk

pytestmark = pytest.mark.django_db

EXPORT_NAME = re.compile(r"export|xlsx|pdf|csv|download|yaml|json|subjects|honours")

NOT_EXPORTS = {
    "api:export_detail": "a job's status, not a file",
    "reports:export_detail": "a job's progress page",
    "exports:job_detail": "a job's progress page",
    "exports:job_list": "the user's list of jobs",
    "reports:export_list": "the form asking for a report export job (walked as reports.households)",
    "api:list_exports": "the user's list of jobs",
    "api:create_export": "asks for a job (walked as api.households, audited when the worker wrote it)",
    "exports:job_download": "a finished job's file: the export was audited when the worker wrote it",
    "reports:export_download": "a finished job's file: the export was audited when the worker wrote it",
    "api:export_download": "a finished job's file: the export was audited when the worker wrote it",
    "assessments:decision_pdf": "the signed paper of one decision (a document, stored by its hash)",
    "assessments:decision_certificates_pdf": "the certificates of one decision (documents)",
    "assessments:certificate_pdf": "one certificate (a document)",
    "api:openapi-json": "the API's schema",
    "assessments:register_subjects": "a page registering subjects for a campaign, no file",
}


def _xlsx_rows(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [row for row in sheet.iter_rows(values_only=True) if any(cell not in (None, "") for cell in row)]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _data_rows(response) -> int:
    """Rows below the header of a plain list file (the header is the first row)."""
    return len(_xlsx_rows(_body(response))) - 1


def _csv_rows(response) -> int:
    return len(_body(response).decode("utf-8-sig").splitlines()) - 1


def _registry_list(path, form=None, suffix="?format=xlsx", counted=_data_rows):
    def case(client, world):
        response = client.post(path + suffix, form or {})
        assert response.status_code == 200, response.status_code
        return counted(response)

    return case


def _registry_list_as_job(path, key):
    """Above the streaming limit the export is a job; the entry is written when the worker wrote it."""

    def case(client, world, settings):
        settings.HOCTAP_EXPORT_STREAM_ROWS = 0
        response = client.post(path + "?format=xlsx", {})
        job = ExportJob.objects.exclude(pk=world["list_export_b"].pk).get(kind=key)
        assert response.status_code == 302 and response["Location"] == reverse("exports:job_detail", args=[job.pk])
        tasks.run_export.call(job.pk)
        job.refresh_from_db()
        assert job.status == ExportStatus.DONE
        return _data_rows(client.get(reverse("exports:job_download", args=[job.pk])))

    return case


def _stats(table):
    def case(client, world):
        return _data_rows(client.get(reverse("stats:export", args=[world["commune_b"].pk, table])))

    return case


def _ethnicity(client, world):
    # The ethnic groups and the total, under the header; the explanatory note closes the sheet.
    return _data_rows(client.get(reverse("stats:ethnicity_export", args=[world["commune_b"].pk]))) - 1


def _learning(client, world):
    return _data_rows(client.get(reverse("learning:summary_xlsx", args=[world["commune_b"].pk])))


def _children_of(unit) -> int:
    return unit.children.filter(era=Era.CURRENT).count()


def _report_table(client, world):
    response = client.get(reverse("reports:table_xlsx", args=[world["report_b"].pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    return _children_of(world["commune_b"])


def _report_pdf(client, world):
    response = client.get(reverse("reports:pdf", args=[world["report_b"].pk]))
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    return _children_of(world["commune_b"])


def _report_job(client, world):
    response = client.post(
        reverse("reports:export_list"), {"kind": "households", "unit": world["commune_b"].pk, "year": 2025}
    )
    job = ExportJob.objects.filter(kind="households").exclude(pk=world["export_b"].pk).get()
    assert response.status_code == 302
    tasks.run_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    return Household.objects.filter(village__path__startswith=world["commune_b"].path).count()


def _api_report_job(client, world):
    _, token = ApiToken.issue(world["officer_b"], "audit")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = client.post(
        "/api/v1/exports/",
        json.dumps({"kind": "households", "unit_id": world["commune_b"].pk, "year": 2025}),
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 202
    tasks.run_export.call(created.json()["id"])
    assert client.get(f"/api/v1/exports/{created.json()['id']}/download", **auth).status_code == 200
    return Household.objects.filter(village__path__startswith=world["commune_b"].path).count()


def _criteria_set(world):
    return CriteriaSetVersion.objects.filter(pk=world["criteria_national"].pk).get()


def _criteria(route):
    def case(client, world):
        version = _criteria_set(world)
        response = client.get(reverse(route, args=[version.pk]))
        assert response.status_code == 200
        return len(version.definition.indicators)

    return case


def _criteria_api(client, world):
    version = _criteria_set(world)
    _, token = ApiToken.issue(world["officer_b"], "audit")
    url = reverse("api:criteria_set_yaml", kwargs={"set_id": version.pk})
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    return len(version.definition.indicators)


def _honours_query(world):
    return {"occasion": "congress-2025", "stage": world["nomination_b"].stage, "unit": world["commune_b"].pk}


def _honours_expected(world):
    query = _honours_query(world)
    return awards.honour_list(Scope(world["officer_b"]), query["occasion"], query["stage"], world["commune_b"]).count()


def _honours(client, world):
    response = client.get(reverse("awards:honours"), {**_honours_query(world), "format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    return _honours_expected(world)


def _honours_api(client, world):
    _, token = ApiToken.issue(world["officer_b"], "audit")
    query = _honours_query(world)
    response = client.get(
        "/api/v1/awards/honours.xlsx",
        {"occasion": query["occasion"], "stage": query["stage"], "unit_id": query["unit"]},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content[:300]
    return _honours_expected(world)


def _subjects(client, world):
    kwargs = matrix_cases.OBJECT_ROUTES["openrosa:subjects"](world)[0]
    response = client.get(reverse("openrosa:subjects", kwargs=kwargs), secure=True)
    assert response.status_code == 200
    return _csv_rows(response)


def _my_data(client, world):
    citizen = make_user("audit_citizen", Role.CITIZEN, world["village_b"])
    Person.objects.filter(pk=world["person_b"].pk).update(account=citizen)
    client.force_login(citizen)
    response = client.get(reverse("registry:my_data_download"))
    return len(json.loads(response.content)["people"])


# route name → (export key in the audit entry, how to ask for it, returning how many rows it holds)
EXPORTS = {
    "registry:household_export": ("registry.households", _registry_list("/registry/households/export/")),
    "registry:person_export": ("registry.people", _registry_list("/registry/people/export/")),
    "registry:clan_export": ("registry.clans", _registry_list("/registry/clans/export/")),
    "registry:organisation_export": ("registry.organisations", _registry_list("/registry/organisations/export/")),
    "registry:my_data_download": ("registry.my_data", _my_data),
    "stats:export": ("stats.indicators", _stats("indicators")),
    "stats:ethnicity_export": ("stats.ethnicity", _ethnicity),
    "learning:summary_xlsx": ("learning.summary", _learning),
    "reports:table_xlsx": ("reports.table", _report_table),
    "reports:pdf": ("reports.pdf", _report_pdf),
    "criteria:export_xlsx": ("criteria.set", _criteria("criteria:export_xlsx")),
    "criteria:export_yaml": ("criteria.set", _criteria("criteria:export_yaml")),
    "api:criteria_set_yaml": ("criteria.set", _criteria_api),
    "awards:honours": ("awards.honours", _honours),
    "api:honour_list_xlsx_download": ("awards.honours", _honours_api),
    "openrosa:subjects": ("openrosa.subjects", _subjects),
}
# More ways through the same routes: CSV, the other stats tables, lists and reports as jobs.
MORE_EXPORTS = {
    "registry.people as csv": (
        "registry.people",
        _registry_list("/registry/people/export/", suffix="?format=csv", counted=_csv_rows),
    ),
    "registry.people with ethnicity": (
        "registry.people_sensitive",
        _registry_list("/registry/people/export/", suffix="?format=xlsx&sensitive=1"),
    ),
    "stats children": ("stats.children", _stats("children")),
    "stats series": ("stats.series", _stats("series")),
    "registry.people as a job": (
        "registry.people",
        _registry_list_as_job("/registry/people/export/", "registry.people"),
    ),
    "registry.households as a job": (
        "registry.households",
        _registry_list_as_job("/registry/households/export/", "registry.households"),
    ),
    "reports.households job": ("households", _report_job),
    "api.households job": ("households", _api_report_job),
}


def test_every_export_route_is_listed():
    names = {name for name, _params in walk() if EXPORT_NAME.search(name)}
    unlisted = sorted(names - set(EXPORTS) - set(NOT_EXPORTS))
    assert not unlisted, f"export routes neither audited here nor explained in NOT_EXPORTS: {unlisted}"
    assert not (set(EXPORTS) | set(NOT_EXPORTS)) - names, "listed routes that no longer exist"


@pytest.fixture
def world(small_map, officer_a, officer_b):
    world = matrix_cases.build_world(small_map, officer_a, officer_b)
    # A few more people, so that counts are not all 1.
    for number in range(3):
        Person.objects.create(full_name=f"Đỗ Thị Mai {number}", sex="female", birth_year=1990, unit=world["village_b"])
    # Commune B honours its nomination: the honour list holds it.
    NominationDecision.objects.create(
        nomination=world["nomination_b"], stage=world["nomination_b"].stage, action=DecisionAction.HONOUR
    )
    return world


PERSONAL = ("Bình Minh ", "Đỗ Thị", "Nguyễn", "Trần", "Lê ", "034")


@pytest.mark.parametrize("case", sorted(EXPORTS) + sorted(MORE_EXPORTS))
def test_the_export_writes_one_audit_entry_with_its_rows(client, world, case, settings):
    key, ask = EXPORTS.get(case) or MORE_EXPORTS[case]
    client.force_login(world["officer_b"])
    before = set(export_entries().values_list("pk", flat=True))
    kwargs = {"settings": settings} if "settings" in ask.__code__.co_varnames else {}
    rows = ask(client, world, **kwargs)
    entries = list(export_entries().exclude(pk__in=before))
    assert len(entries) == 1, [entry.additional_data for entry in entries]
    entry = entries[0]
    data = entry.additional_data
    assert data["export"] == key
    assert data["rows"] == rows and rows > 0, (data, rows)
    assert entry.action == LogEntry.Action.ACCESS and entry.actor in (world["officer_b"], _citizen())
    # Nothing personal: no names, no ID numbers, no searched text.
    text = json.dumps(data, ensure_ascii=False)
    assert not any(marker in text for marker in PERSONAL), text


def _citizen():
    from hoctap.accounts.models import User

    return User.objects.filter(username="audit_citizen").first()


def test_a_search_is_recorded_as_a_search_without_its_text(client, world):
    client.force_login(world["officer_b"])
    client.post("/registry/people/export/?format=xlsx", {"q": "Đỗ Thị Mai", "village": world["village_b"].pk})
    data = export_entries().first().additional_data
    assert data["filters"] == {"search": True, "village": world["village_b"].pk}
    assert data["unit"] == world["village_b"].code and data["rows"] == 3
    assert "Mai" not in json.dumps(data, ensure_ascii=False)
    assert not DBTaskResult.objects.exists()  # 3 rows: streamed at once, no job

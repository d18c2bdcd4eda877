"""Cell errors, notes and the marked error file come in the uploader's interface language, whether
the file is checked inside the request or later by the background worker; the file itself (its
headers and list labels) stays Vietnamese."""

import io

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from hoctap.accounts.roles import Role
from hoctap.registry import jobs
from hoctap.registry.imports import HOUSEHOLDS
from hoctap.registry.models import ImportJob, Person
from tests.conftest import make_user
from tests.registry.conftest import household_row, xlsx

# An unknown village code (column B) and a sex outside the list (column E).
BAD_ROWS = [
    household_row("H1", "00000-000", "An", head=True),
    household_row("H2", "12001-001", "Bình", sex="X", head=True),
]

EXPECTED = {
    "en": {
        "B": "No unit with code 00000-000 on the current administrative map.",
        # The labels to choose from are the file's own, in Vietnamese.
        "E": "Value not in the list. Choose one of: Nam; Nữ.",
        "list header": ["Row", "Column", "Column header", "Value", "Reason"],
    },
    "vi": {
        "B": "Không có đơn vị mã 00000-000 trên bản đồ hiện hành.",
        "E": "Giá trị không có trong danh mục. Chọn một trong: Nam; Nữ.",
        "list header": ["Dòng", "Cột", "Tiêu đề cột", "Giá trị", "Lý do"],
    },
}


def _client_in(language: str, username: str, unit) -> Client:
    client = Client()
    client.force_login(make_user(username, Role.COMMUNE_OFFICER, unit))
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def _assert_messages_in(job: ImportJob, client: Client, language: str) -> None:
    expected = EXPECTED[language]
    assert job.language == language
    assert job.status == ImportJob.Status.INVALID and job.error_count == 2
    reasons = {error["column"]: error["reason"] for error in job.errors}
    assert reasons == {"B": expected["B"], "E": expected["E"]}
    # The column is named as the file names it, whatever the language.
    assert {error["header"] for error in job.errors} == {"Mã thôn, tổ dân phố", "Giới tính"}
    workbook = load_workbook(io.BytesIO(client.get(f"/registry/imports/{job.pk}/report/").content))
    listed = workbook["Lỗi"]
    assert [cell.value for cell in listed[1]] == expected["list header"]
    assert sorted(row[4].value for row in listed.iter_rows(min_row=2)) == sorted([expected["B"], expected["E"]])
    data = workbook["Hộ gia đình"]
    assert data["B2"].comment.text == expected["B"] and data["E3"].comment.text == expected["E"]
    assert Person.objects.count() == 0


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_file_checked_in_the_request_reports_in_the_uploaders_language(small_map, language):
    client = _client_in(language, f"officer_{language}", small_map["commune_a"])
    response = client.post("/registry/imports/", {"template": "households", "file": xlsx(HOUSEHOLDS, BAD_ROWS)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    _assert_messages_in(job, client, language)


@pytest.mark.parametrize(("language", "worker_language"), [("en", "vi"), ("vi", "en")])
def test_a_file_checked_by_the_worker_reports_in_the_uploaders_language(
    small_map, monkeypatch, django_capture_on_commit_callbacks, language, worker_language
):
    monkeypatch.setattr(jobs, "SYNC_MAX_BYTES", 0)
    client = _client_in(language, f"officer_{language}", small_map["commune_a"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/registry/imports/", {"template": "households", "file": xlsx(HOUSEHOLDS, BAD_ROWS)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKING and job.language == language
    # The worker's own language is not the uploader's.
    with translation.override(worker_language):
        jobs.run_import_job.call(job.pk, False)
    job.refresh_from_db()
    _assert_messages_in(job, client, language)


def test_two_uploaders_in_two_languages_each_read_their_own(small_map):
    english = _client_in("en", "officer_en", small_map["commune_a"])
    vietnamese = _client_in("vi", "officer_vi", small_map["commune_a"])
    for client in (english, vietnamese):
        client.post("/registry/imports/", {"template": "households", "file": xlsx(HOUSEHOLDS, BAD_ROWS)})
    by_language = {job.language: job for job in ImportJob.objects.all()}
    _assert_messages_in(by_language["en"], english, "en")
    _assert_messages_in(by_language["vi"], vietnamese, "vi")


def test_a_clean_file_from_an_english_uploader_writes_the_same_records(small_map):
    """What is written does not depend on the interface language."""
    client = _client_in("en", "officer_en", small_map["commune_a"])
    rows = [household_row("H1", "12001-001", "An", head=True, occupation="Nông dân và lao động nông thôn")]
    client.post("/registry/imports/", {"template": "households", "file": xlsx(HOUSEHOLDS, rows)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED and job.counts["person"]["create"] == 1
    client.post(f"/registry/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    person = Person.objects.get()
    assert (person.sex, person.occupation_group, person.digital_skill) == ("male", "farmer", "basic")

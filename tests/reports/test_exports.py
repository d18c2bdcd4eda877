import io
import json
import re
import signal
import zlib

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.reports import exports, services
from hoctap.reports.models import ExportJob, ExportStatus, Report
from hoctap.reports.pdf import report_pdf
from hoctap.reports.tables import METRICS, report_table_xlsx
from hoctap.reports.xlsx import MOTTO_LINE, MOTTO_NATION
from hoctap.registry.models import Household, Person, Sex
from tests.reports import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_province_report(annual, small_map, officer_a, officer_b, province_officer):
    builders.recognised_citizens(officer_a, small_map["village_a"], 3)
    builders.recognised_citizens(officer_b, small_map["village_b"], 1)
    builders.registered_citizen(officer_b, small_map["village_b"])
    report = services.start_report(Scope(province_officer), annual, 2025, small_map["province"], actor=province_officer)
    services.update_narrative(Scope(province_officer), report, {
        "results": "Toàn tỉnh có 4 công dân học tập được công nhận.\nCác xã triển khai đúng kế hoạch.",
        "difficulties": "Một số thôn chưa có Trung tâm học tập cộng đồng.",
        "proposals": "Đề nghị Trung ương Hội hỗ trợ tập huấn.",
    })
    return services.submit(Scope(province_officer), report, actor=province_officer,
                           outstanding_note="Xã An Lạc và xã Bình Minh chưa gửi báo cáo năm.")


def _sheet_rows(content: bytes):
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_table_xlsx_holds_exactly_the_frozen_figures(sent_province_report, small_map):
    report = sent_province_report
    table = report.snapshot["table"]
    content = report_table_xlsx(report, table)
    rows = _sheet_rows(content)
    flat = [cell for row in rows for cell in row if cell is not None]
    assert MOTTO_NATION in flat and MOTTO_LINE in flat
    assert "HỘI KHUYẾN HỌC TỈNH HƯNG YÊN" in flat
    titles = [t["label"] for t in table["titles"]]
    header = next(row for row in rows if row[:2] == ["STT", "Đơn vị"])
    # Titles head merged groups of four columns: the label sits on the group's first column.
    assert [cell for cell in header[2:] if cell] == titles
    sheet = load_workbook(io.BytesIO(content)).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    header_row = rows.index(header) + 1
    assert f"C{header_row}:F{header_row}" in merged and f"A{header_row}:A{header_row + 1}" in merged
    body = {row[1]: row[2:] for row in rows[header_row + 1:] if row[1]}
    for source in table["rows"] + [{"name": "Tổng cộng", "cells": table["total"]["cells"]}]:
        expected = []
        for title in table["titles"]:
            cell = source["cells"][title["code"]]
            expected.extend(None if cell[m] is None else float(cell[m]) if isinstance(cell[m], str) else cell[m]
                            for m, _label in METRICS)
        assert body[source["name"]] == expected, source["name"]
    citizen = [t["code"] for t in table["titles"]].index("citizen") * len(METRICS)
    assert body["Xã An Lạc"][citizen:citizen + 2] == [3, 3]
    assert body["Xã Bình Minh"][citizen:citizen + 2] == [2, 1]
    assert body["Tổng cộng"][citizen:citizen + 2] == [5, 4]


def test_table_xlsx_download_is_scoped(client, sent_province_report, officer_a, province_officer):
    client.force_login(officer_a)
    assert client.get(f"/reports/{sent_province_report.pk}/table.xlsx").status_code == 404
    client.force_login(province_officer)
    response = client.get(f"/reports/{sent_province_report.pk}/table.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def pdf_fonts(content: bytes) -> set[str]:
    """Font names embedded in a PDF (WeasyPrint puts them inside compressed object streams)."""
    fonts = set()
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            data = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        fonts |= {name.decode().split("+")[-1] for name in re.findall(rb"/BaseFont\s*/([A-Za-z+\-]+)", data)}
    return fonts


def test_pdf_carries_vietnamese_text_in_dejavu(client, sent_province_report, province_officer):
    content = report_pdf(sent_province_report, sent_province_report.snapshot["table"])
    assert content.startswith(b"%PDF")
    assert {"DejaVu-Serif", "DejaVu-Serif-Bold", "DejaVu-Sans"} <= pdf_fonts(content)
    client.force_login(province_officer)
    response = client.get(f"/reports/{sent_province_report.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def _households(village, count, prefix="Trần Văn"):
    for number in range(1, count + 1):
        household = Household.objects.create(code=f"H{number:04d}", village=village, address=f"Số {number}")
        head = Person.objects.create(full_name=f"{prefix} {number}", sex=Sex.MALE, birth_year=1970, household=household,
                                     unit=village)
        Household.objects.filter(pk=household.pk).update(head=head)


def run_worker():
    """The database backend's own worker, once over every queued task (as `make run` runs it).

    The worker closes connections that are not in autocommit mode between tasks, as a long-running
    process must; tests that run it therefore commit for real (`transaction=True`), or on
    PostgreSQL the worker would close the test's own transaction under it."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, queue_name="*", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_household_export_runs_in_the_worker_and_reaches_100(client, small_map, province_officer, officer_a,
                                                             monkeypatch, django_capture_on_commit_callbacks):
    _households(small_map["village_a"], 7)
    _households(small_map["village_b"], 5, prefix="Lê Thị")
    monkeypatch.setattr(exports, "BATCH", 3)  # several progress updates on a small list
    client.force_login(province_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/", {"kind": "households", "unit": small_map["province"].pk, "year": 2025})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    # The request only queued the work.
    assert job.status == ExportStatus.QUEUED and job.progress == 0
    assert DBTaskResult.objects.filter(id=job.task_id, status="READY").exists()
    page = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in page.content.decode()
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows_done, job.rows_total) == (ExportStatus.DONE, 100, 12, 12)
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    page = client.get(f"/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in page and "100%" in page
    download = client.get(f"/exports/{job.pk}/download/")
    rows = _sheet_rows(b"".join(download.streaming_content))
    header = rows.index(["STT", "Xã, phường", "Thôn, tổ dân phố", "Mã hộ", "Chủ hộ", "Địa chỉ", "Chi dòng họ",
                         "Trạng thái GĐHT", "Xếp loại"])
    body = rows[header + 1:]
    assert len(body) == 12 and [row[0] for row in body] == list(range(1, 13))
    assert {row[4] for row in body} == {f"Trần Văn {n}" for n in range(1, 8)} | {f"Lê Thị {n}" for n in range(1, 6)}
    # The file is served only inside the territory it covers.
    client.force_login(officer_a)
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert client.get(f"/exports/{job.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_export_api_and_a_commune_scope(client, small_map, officer_a, django_capture_on_commit_callbacks):
    _households(small_map["village_a"], 2)
    _households(small_map["village_b"], 4)
    _, token = ApiToken.issue(officer_a, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    refused = client.post("/api/v1/exports/", json.dumps({"kind": "households", "unit_id": small_map["commune_b"].pk,
                                                          "year": 2025}), content_type="application/json", **auth)
    assert refused.status_code == 404
    bad = client.post("/api/v1/exports/", json.dumps({"kind": "everything", "unit_id": small_map["commune_a"].pk,
                                                      "year": 2025}), content_type="application/json", **auth)
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/exports/", json.dumps({"kind": "households", "unit_id": small_map["commune_a"].pk,
                                                              "year": 2025}), content_type="application/json", **auth)
    assert created.status_code == 202 and created.json()["download_url"] is None
    run_worker()
    status = client.get(f"/api/v1/exports/{created.json()['id']}", **auth).json()
    assert (status["status"], status["progress"], status["rows_total"]) == ("done", 100, 2)
    download = client.get(status["download_url"], **auth)
    assert download.status_code == 200
    assert len(_sheet_rows(b"".join(download.streaming_content))) > 2


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_requester_lost_the_territory_is_not_written(small_map, officer_a,
                                                                     django_capture_on_commit_callbacks):
    from hoctap.reports.jobs import request_export

    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(Scope(officer_a), kind="households", unit=small_map["commune_a"], year=2025, actor=officer_a)
    officer_a.assignments.update(valid_to="2021-01-01")
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.file


def test_report_detail_shows_frozen_notice(client, sent_province_report, province_officer):
    client.force_login(province_officer)
    page = client.get(f"/reports/{sent_province_report.pk}/").content.decode()
    assert "Số liệu đã chốt khi gửi báo cáo" in page and "Xã Bình Minh" in page
    assert Report.objects.get(pk=sent_province_report.pk).snapshot["outstanding"]


def test_household_rows_carry_their_own_family_result_in_print_order(small_map, officer_a):
    """The list and the year's results are read as two ordered streams and merged: each household
    must get its own result, whatever order the households were created in."""
    from hoctap.assessments import workflow
    from hoctap.assessments.campaigns import create_campaign
    from hoctap.criteria.management.commands.publish_shipped_sets import publish_shipped_sets
    from hoctap.criteria.titles import Title

    village = small_map["village_a"]
    heads = ["Đỗ Văn Đức", "Bùi Thị Bích", "An Văn Bình", "Cao Thị Ca"]
    households = {}
    for number, name in enumerate(heads, start=1):
        household = Household.objects.create(code=f"H{number}", village=village)
        head = Person.objects.create(full_name=name, sex=Sex.MALE, birth_year=1970, household=household, unit=village)
        Household.objects.filter(pk=household.pk).update(head=head)
        household.refresh_from_db()
        household.save()  # stores the head's name, which orders the list
        households[name] = household
    publish_shipped_sets(log=lambda *args: None)
    create_campaign(Title.FAMILY, 2025)
    for name in ("Đỗ Văn Đức", "An Văn Bình"):
        workflow.register(Scope(officer_a), Title.FAMILY, households[name], 2025)
    rows = [(household[3], result[0]) for household, result in exports.merged(small_map["commune_a"], 2025)]
    assert rows == [("An Văn Bình", "registered"), ("Bùi Thị Bích", None), ("Cao Thị Ca", None),
                    ("Đỗ Văn Đức", "registered")]
    assert [row for row in exports.merged(small_map["commune_a"], 2024)] == [
        (household, (None, "")) for household, _result in exports.merged(small_map["commune_a"], 2025)
    ]

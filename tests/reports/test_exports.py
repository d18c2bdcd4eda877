import datetime
import io
import json
import os
import re
import signal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.exports.models import ExportJob, ExportStatus
from hoctap.registry.models import Household, Person, Sex
from hoctap.reports import exports, services
from hoctap.reports.models import Report, ReportSchedule, ReportType
from hoctap.reports.pdf import report_pdf
from hoctap.reports.tables import METRICS, report_table_xlsx
from hoctap.reports.xlsx import MOTTO_LINE, MOTTO_NATION
from tests.pdfs import pdf_fonts as pdf_fonts_embedded
from tests.pdfs import pdf_lines, pdf_text, save_png
from tests.reports import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_province_report(annual, small_map, officer_a, officer_b, province_officer):
    builders.recognised_citizens(officer_a, small_map["village_a"], 3)
    builders.recognised_citizens(officer_b, small_map["village_b"], 1)
    builders.registered_citizen(officer_b, small_map["village_b"])
    report = services.start_report(Scope(province_officer), annual, 2025, small_map["province"], actor=province_officer)
    services.update_narrative(
        Scope(province_officer),
        report,
        {
            "results": "Toàn tỉnh có 4 công dân học tập được công nhận.\nCác xã triển khai đúng kế hoạch.",
            "difficulties": "Một số thôn chưa có Trung tâm học tập cộng đồng.",
            "proposals": "Đề nghị Trung ương Hội hỗ trợ tập huấn.",
            "signer_name": "Nguyễn Thị Hoa",
        },
    )
    return services.submit(
        Scope(province_officer),
        report,
        actor=province_officer,
        outstanding_note="Xã An Lạc và xã Bình Minh chưa gửi báo cáo năm.",
    )


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
    body = {row[1]: row[2:] for row in rows[header_row + 1 :] if row[1]}
    for source in table["rows"] + [{"name": "Tổng cộng", "cells": table["total"]["cells"]}]:
        expected = []
        for title in table["titles"]:
            cell = source["cells"][title["code"]]
            expected.extend(
                None if cell[m] is None else float(cell[m]) if isinstance(cell[m], str) else cell[m]
                for m, _label in METRICS
            )
        assert body[source["name"]] == expected, source["name"]
    citizen = [t["code"] for t in table["titles"]].index("citizen") * len(METRICS)
    assert body["Xã An Lạc"][citizen : citizen + 2] == [3, 3]
    assert body["Xã Bình Minh"][citizen : citizen + 2] == [2, 1]
    assert body["Tổng cộng"][citizen : citizen + 2] == [5, 4]


def test_table_xlsx_download_is_scoped(client, sent_province_report, officer_a, province_officer):
    client.force_login(officer_a)
    assert client.get(f"/reports/{sent_province_report.pk}/table.xlsx").status_code == 404
    client.force_login(province_officer)
    response = client.get(f"/reports/{sent_province_report.pk}/table.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_pdf_is_an_administrative_document_in_liberation_serif(client, sent_province_report, province_officer):
    report = sent_province_report
    content = report_pdf(report, report.snapshot["table"])
    fonts = pdf_fonts_embedded(content)
    assert {font.name for font in fonts} <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }
    assert fonts and all(font.embedded for font in fonts)
    lines = pdf_lines(content)
    # The national heading on one line, beside the issuing body; the motto under it.
    heading = next(line for line in lines if "CỘNG HÒA" in line)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading and heading.startswith("TRUNG ƯƠNG HỘI KHUYẾN")
    assert any("Độc lập - Tự do - Hạnh phúc" in line for line in lines)
    text = pdf_text(content)
    if os.environ.get("HOCTAP_SAVE_PDF_PNG"):
        save_png(content, Path(os.environ["HOCTAP_SAVE_PDF_PNG"]))
    # Number, place and date (Nghị định 30: months from March on without a leading zero), title.
    assert f"Số: {report.number}" in text and report.number == "1/BC-HKH"
    assert f"Hưng Yên, ngày {report.dated.day:02d} tháng" in text and f"năm {report.dated.year}" in text
    assert "BÁO CÁO Kết quả xây dựng xã hội học tập năm 2025" in text
    # Recipients beside the signature block, then the signer's name.
    foot = " ".join(line.strip() for line in lines[next(i for i, line in enumerate(lines) if "Nơi nhận:" in line) :])
    assert re.search(
        r"Nơi nhận:\s+TM\. BAN CHẤP HÀNH .*- Trung ương Hội Khuyến học Việt Nam \(để báo\s+CHỦ TỊCH"
        r"\s+cáo\);\s+- Ủy ban nhân dân tỉnh Hưng Yên \(để báo cáo\);\s+- Ban Chỉ đạo xây dựng xã hội học"
        r" tập tỉnh Hưng Yên \(để báo cáo\);\s+- Thường trực Tỉnh ủy Hưng Yên \(để báo cáo\);\s+- Lưu: VT\."
        r"\s+Nguyễn Thị Hoa",
        foot,
    ), foot[:400]
    client.force_login(province_officer)
    response = client.get(f"/reports/{report.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_paper_is_set_on_the_report_and_checked_in_one_place(annual, small_map, officer_a):
    scope = Scope(officer_a)
    report = services.start_report(scope, annual, 2025, small_map["commune_a"], actor=officer_a)
    # Defaults: the place of the unit, the distribution list of the report type (the association
    # of the level above, then the commune's own bodies), the chair signs.
    assert report.place == "An Lạc" and report.signer_title == "Chủ tịch"
    assert report.recipient_lines() == [
        "Hội Khuyến học tỉnh Hưng Yên (để báo cáo);",
        "Ủy ban nhân dân xã An Lạc (để báo cáo);",
        "Ban Chỉ đạo xây dựng xã hội học tập xã An Lạc (để báo cáo);",
        "Đảng ủy xã An Lạc (để báo cáo);",
        "Lưu: VT.",
    ]
    for data, field in (
        ({"number": "15/QĐ-UBND"}, "number"),
        ({"number": "15 BC"}, "number"),
        ({"dated": datetime.date(2024, 12, 31)}, "dated"),
        ({"dated": "31/12/2025"}, "dated"),
        ({"signer_name": "Nông Văn\u200bDền"}, "signer_name"),
        ({"place": "x" * 101}, "place"),
    ):
        with pytest.raises(ValidationError) as error:
            services.update_narrative(scope, report, data)
        assert field in error.value.message_dict, data
    report.refresh_from_db()
    report = services.update_narrative(
        scope, report, {"results": "Đạt kế hoạch.", "signer_name": "", "recipients": "", "dated": ""}
    )
    with pytest.raises(ValidationError) as error:
        services.submit(scope, report, actor=officer_a)
    assert {"signer_name", "recipients"} <= set(error.value.message_dict)
    # The paper names every body the report is sent to in the system: a line removed is asked back.
    report = services.update_narrative(
        scope,
        report,
        {
            "signer_name": "Nông Văn Dền",
            "signer_title": "Phó Chủ tịch",
            "recipients": "- Hội Khuyến học tỉnh Hưng Yên (để báo cáo);\nỦy ban nhân dân xã An Lạc;",
        },
    )
    with pytest.raises(ValidationError) as error:
        services.submit(scope, report, actor=officer_a)
    assert "Đảng ủy xã An Lạc" in error.value.message_dict["recipients"][0]
    # A recipient list without its archive line gets one; the number is the unit's next.
    report = services.update_narrative(
        scope,
        Report.objects.get(pk=report.pk),
        {
            "recipients": "- Hội Khuyến học tỉnh Hưng Yên (để báo cáo);\nỦy ban nhân dân xã An Lạc;\n"
            "Ban Chỉ đạo xây dựng xã hội học tập xã An Lạc;\nĐảng ủy xã An Lạc (b/c);\nPhòng Văn hóa - Xã hội"
        },
    )
    assert report.recipient_lines()[-1] == "Lưu: VT."
    report = services.submit(scope, report, actor=officer_a)
    assert report.number == "1/BC-HKH" and report.dated == datetime.date.today()
    mid = ReportType.objects.create(code="mid", name="Sơ kết", heading="Báo cáo sơ kết {year}")
    ReportSchedule.objects.create(report_type=mid, level="commune", due_month=6, due_day=20)
    other = services.start_report(scope, mid, 2025, small_map["commune_a"], actor=officer_a)
    with pytest.raises(ValidationError) as error:
        services.update_narrative(scope, other, {"number": "1/bc-hkh"})
    assert "1/BC-HKH" in error.value.message_dict["number"][0]
    other = services.update_narrative(scope, other, {"results": "Sơ kết.", "signer_name": "Nông Văn Dền"})
    assert services.submit(scope, other, actor=officer_a).number == "2/BC-HKH"
    lines = pdf_lines(report_pdf(report, report.snapshot["table"]))
    assert any("KT. CHỦ TỊCH" in line for line in lines) and any("PHÓ CHỦ TỊCH" in line for line in lines)


def _households(village, count, prefix="Trần Văn"):
    for number in range(1, count + 1):
        household = Household.objects.create(code=f"H{number:04d}", village=village, address=f"Số {number}")
        head = Person.objects.create(
            full_name=f"{prefix} {number}", sex=Sex.MALE, birth_year=1970, household=household, unit=village
        )
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
def test_household_export_runs_in_the_worker_and_reaches_100(
    client, small_map, province_officer, officer_a, monkeypatch, django_capture_on_commit_callbacks
):
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
    header = rows.index(
        [
            "STT",
            "Xã, phường",
            "Thôn, tổ dân phố",
            "Mã hộ",
            "Chủ hộ",
            "Địa chỉ",
            "Chi dòng họ",
            "Trạng thái GĐHT",
            "Xếp loại",
        ]
    )
    body = rows[header + 1 :]
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
    refused = client.post(
        "/api/v1/exports/",
        json.dumps({"kind": "households", "unit_id": small_map["commune_b"].pk, "year": 2025}),
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 404
    bad = client.post(
        "/api/v1/exports/",
        json.dumps({"kind": "everything", "unit_id": small_map["commune_a"].pk, "year": 2025}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/exports/",
            json.dumps({"kind": "households", "unit_id": small_map["commune_a"].pk, "year": 2025}),
            content_type="application/json",
            **auth,
        )
    assert created.status_code == 202 and created.json()["download_url"] is None
    run_worker()
    status = client.get(f"/api/v1/exports/{created.json()['id']}", **auth).json()
    assert (status["status"], status["progress"], status["rows_total"]) == ("done", 100, 2)
    download = client.get(status["download_url"], **auth)
    assert download.status_code == 200
    assert len(_sheet_rows(b"".join(download.streaming_content))) > 2


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_requester_lost_the_territory_is_not_written(
    small_map, officer_a, django_capture_on_commit_callbacks
):
    from hoctap.reports.jobs import request_export

    with django_capture_on_commit_callbacks(execute=True):
        job = request_export(
            Scope(officer_a), kind="households", unit=small_map["commune_a"], year=2025, actor=officer_a
        )
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
    from hoctap.criteria.shipped import publish_shipped_sets
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
    assert rows == [
        ("An Văn Bình", "registered"),
        ("Bùi Thị Bích", None),
        ("Cao Thị Ca", None),
        ("Đỗ Văn Đức", "registered"),
    ]
    assert [row for row in exports.merged(small_map["commune_a"], 2024)] == [
        (household, (None, "")) for household, _result in exports.merged(small_map["commune_a"], 2025)
    ]

"""The yearly report on a phone: a commune officer drafts and sends it from the status board, the
province officer returns it with a reason, the commune completes and sends again, the province
accepts; each sees the state on the board, nothing wider than the screen."""

import re

import pytest

from hoctap.reports.models import Report, ReportState
from tests.browser.conftest import login
from tests.reports.conftest import annual  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_goes_up_is_returned_and_accepted_on_a_phone(
    phone, live_server, small_map, officer_a, province_officer, annual
):  # noqa: F811
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/reports/?year=2025")
    phone.get_by_role("button", name="Lập báo cáo").click()
    phone.wait_for_url(re.compile(r"/reports/\d+/$"))
    phone.fill("#id_results", "Tuyên truyền sâu rộng; 2 công dân học tập được công nhận.")
    phone.fill("#id_difficulties", "Thiếu kinh phí.")
    phone.fill("#id_proposals", "Tập huấn phần mềm.")
    phone.fill("#id_signer_name", "Nông Văn Dền")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Gửi báo cáo lên cấp trên").click()
    phone.wait_for_load_state()
    report = Report.objects.get(unit=small_map["commune_a"])
    assert report.state == ReportState.SUBMITTED and report.snapshot is not None

    phone.context.clear_cookies()
    login(phone, live_server, "province_officer", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/reports/{report.pk}/")
    phone.fill("#return-reason", "Thiếu số liệu thôn Đông.")
    phone.get_by_role("button", name="Trả lại để bổ sung").click()
    phone.wait_for_load_state()
    report.refresh_from_db()
    assert (report.state, report.return_reason) == (ReportState.RETURNED, "Thiếu số liệu thôn Đông.")

    phone.context.clear_cookies()
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/reports/{report.pk}/")
    assert "Thiếu số liệu thôn Đông." in phone.content()  # the reason is shown to the commune
    phone.fill("#id_results", "Đã bổ sung số liệu thôn Đông.")
    phone.get_by_role("button", name="Gửi báo cáo lên cấp trên").click()
    phone.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    phone.context.clear_cookies()
    login(phone, live_server, "province_officer", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/reports/{report.pk}/")
    phone.get_by_role("button", name="Tiếp nhận").click()
    phone.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    phone.goto(f"{live_server.url}/reports/?year=2025")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Xã An Lạc" in phone.locator("table").inner_text()

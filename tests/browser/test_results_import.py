"""The results import on a phone, as the commune officer: campaign page → upload → result page."""

import os

import pytest

from hoctap.assessments.campaigns import create_campaign
from hoctap.assessments.results_import import ResultsTemplate
from hoctap.criteria.titles import Title
from tests.assessments.conftest import full_answers, people, published, users  # noqa: F401  (fixtures)
from tests.assessments.test_results_import import THIS_YEAR, scores, sheet_file
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HOCTAP_SCREENSHOTS", "")


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_commune_officer_imports_results_on_a_phone(phone, live_server, tmp_path, published, people, users):  # noqa: F811
    campaign = create_campaign(Title.FAMILY, THIS_YEAR)
    template = ResultsTemplate(campaign)
    good = scores(template, full_answers(campaign.criteria_sets.get(), "9"))
    bad = {**good, f"i:{next(iter(good))[2:]}": 99}
    login(phone, live_server, "commune_officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/campaigns/{campaign.pk}/#results")
    assert phone.get_by_text("Nhập kết quả từ Excel").is_visible() and _fits(phone)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Tải mẫu kết quả").click()
    assert download.value.suggested_filename == f"mau-ket-qua-gia-dinh-hoc-tap-{THIS_YEAR}.xlsx"

    upload = tmp_path / "ket-qua-co-loi.xlsx"
    upload.write_bytes(
        sheet_file(
            template,
            [
                {"commune_code": "12001", "household_code": "H001", **good},
                {"commune_code": "12001", "household_code": "H009", **bad},
            ],
        ).getvalue()
    )
    phone.set_input_files("#id_file", str(upload))
    phone.get_by_role("button", name="Kiểm tra tệp").click()
    phone.wait_for_selector("text=Tải tệp đánh dấu lỗi")
    assert phone.get_by_role("cell", name="H009", exact=True).is_visible() and _fits(phone)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "results-import-errors-360.png"), full_page=True)

    phone.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    fixed = tmp_path / "ket-qua.xlsx"
    fixed.write_bytes(
        sheet_file(
            template, [{"commune_code": "12001", "household_code": code, **good} for code in ("H001", "H002")]
        ).getvalue()
    )
    phone.set_input_files("#id_file", str(fixed))
    phone.get_by_role("button", name="Kiểm tra tệp").click()
    phone.get_by_role("button", name="Ghi kết quả").click()
    phone.wait_for_selector("h2:has-text('Đã nhập')")
    assert _fits(phone)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "results-import-done-360.png"), full_page=True)


def test_the_chairman_records_an_earlier_years_recognitions_on_a_phone(
    phone, live_server, tmp_path, published, people, users
):  # noqa: F811
    from tests.assessments.test_results_import import YEAR, top_result

    campaign = create_campaign(Title.FAMILY, YEAR)
    template = ResultsTemplate(campaign)
    total, classification = top_result(campaign)
    login(phone, live_server, "commune_approver_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/campaigns/{campaign.pk}/#results")
    assert phone.get_by_text("Ghi kết quả các năm trước từ sổ sách", exact=False).is_visible() and _fits(phone)
    upload = tmp_path / "ket-qua-2025.xlsx"
    upload.write_bytes(
        sheet_file(
            template,
            [
                {
                    "commune_code": "12001",
                    "household_code": code,
                    "total": total,
                    "classification": classification,
                    "decision_number": "12/QĐ-UBND",
                    "decision_date": __import__("datetime").date(YEAR, 12, 20),
                }
                for code in ("H001", "H002")
            ],
        ).getvalue()
    )
    phone.set_input_files("#id_file", str(upload))
    phone.get_by_role("button", name="Kiểm tra tệp").click()
    phone.wait_for_selector("h2:has-text('Nếu nhập, hệ thống sẽ')")
    assert _fits(phone)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "results-import-past-checked-360.png"), full_page=True)
    phone.get_by_role("button", name="Ghi kết quả").click()
    phone.wait_for_selector("h2:has-text('Đã nhập')")

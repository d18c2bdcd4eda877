"""The province's personal-data page on a 360 × 740 phone, as the roles that use it, and the due dates
it sets as the commune officer and the citizen read them: the province officer chooses the People's
Committee and a checked time limit (a source is asked for), the public notice names the committee, the
central administrator picks a province first, the commune officer sees «tạm tính» only on provisional
dates. Nothing scrolls sideways."""

import pytest
from django.utils import timezone

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.privacy import services
from hoctap.territory.models import Level
from tests.browser.conftest import PHONE, login, open_menu, shoot
from tests.conftest import make_unit, make_user
from tests.privacy.conftest import household_a, person_a  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


def fits(phone, name):
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, f"privacy-province-{name}")


def test_the_province_officer_chooses_the_controller_and_a_checked_limit(
    phone, live_server, small_map, province_officer
):
    login(phone, live_server, province_officer.username, PASSWORD)
    open_menu(phone)
    phone.get_by_role("link", name="Dữ liệu cá nhân của tỉnh").click()
    phone.wait_for_selector("h1:has-text('Tỉnh Hưng Yên')")
    fits(phone, "officer-open")
    phone.get_by_label("Ủy ban nhân dân", exact=True).check()
    phone.locator("#id_contact").fill("Bộ phận một cửa UBND xã, phường")
    phone.locator("#id_delete-counting").select_option("working")
    phone.locator("#id_delete-provisional").uncheck()
    phone.get_by_role("button", name="Lưu").click()
    phone.wait_for_selector("text=Xóa dữ liệu của tôi: ghi căn cứ")
    fits(phone, "officer-source-asked")
    phone.locator("#id_delete-source").fill("Điều 14 Nghị định 356/2025/NĐ-CP")
    phone.get_by_role("button", name="Lưu").click()
    phone.wait_for_selector("text=Đã lưu cài đặt dữ liệu cá nhân của Tỉnh Hưng Yên")
    assert phone.locator("#id_kind_1").is_checked() and not phone.locator("#id_delete-provisional").is_checked()
    fits(phone, "officer-saved")
    phone.get_by_role("link", name="Xem thông báo công khai của tỉnh").click()
    phone.wait_for_selector("text=Nơi tiếp nhận yêu cầu về dữ liệu: Bộ phận một cửa UBND xã, phường.")
    assert "Ủy ban nhân dân xã, phường nơi bạn đăng ký" in phone.locator("main").inner_text()
    fits(phone, "public-notice")


def test_the_central_administrator_picks_a_province_first(phone, live_server, small_map, central_admin):
    make_unit(Level.PROVINCE, "04", "Tỉnh Cao Bằng", small_map["nation"])
    login(phone, live_server, central_admin.username, PASSWORD)
    phone.goto(f"{live_server.url}/privacy/province/")
    assert "Thời hạn xử lý" not in phone.locator("main").inner_text()
    phone.get_by_label("Tỉnh, thành phố").select_option(label="Tỉnh Cao Bằng")
    phone.get_by_role("button", name="Mở").click()
    phone.wait_for_selector("h1:has-text('Tỉnh Cao Bằng')")
    assert phone.get_by_text("Tỉnh chưa chọn: hiện dùng mặc định").is_visible()
    fits(phone, "admin")


def test_the_commune_officer_and_the_citizen_read_provisional_dates_as_such(
    phone,
    live_server,
    small_map,
    officer_a,
    province_officer,
    person_a,  # noqa: F811
):
    scope = Scope(officer_a)
    provisional = services.office_request(scope, person_a, kind="access")
    services.set_deadlines(
        Scope(province_officer),
        small_map["province"],
        {"correct": {"days": 10, "counting": "working", "provisional": False, "source": "Điều 14 NĐ 356/2025"}},
    )
    checked = services.office_request(scope, person_a, kind="correct", details="Sai năm sinh.")
    login(phone, live_server, officer_a.username, PASSWORD)
    todo = phone.locator("main").inner_text()
    assert "Xem, nhận bản sao dữ liệu của tôi · Nguyễn Văn An · hạn tạm tính" in todo
    assert "Sửa dữ liệu sai · Nguyễn Văn An" in todo and "Sửa dữ liệu sai · Nguyễn Văn An · hạn tạm tính" not in todo
    fits(phone, "todo")
    phone.goto(f"{live_server.url}/privacy/requests/")
    listed = phone.locator("main").inner_text()
    assert f"hạn {provisional.due_on.strftime('%d/%m/%Y')} (tạm tính)" in listed
    assert f"hạn {checked.due_on.strftime('%d/%m/%Y')}" in listed
    fits(phone, "request-list")
    phone.goto(f"{live_server.url}/privacy/requests/{provisional.pk}/")
    assert phone.locator(".badge", has_text="tạm tính").is_visible()
    fits(phone, "request-provisional")
    phone.goto(f"{live_server.url}/privacy/requests/{checked.pk}/")
    assert "tạm tính" not in phone.locator("main").inner_text()
    assert checked.due_on.strftime("%d/%m/%Y") in phone.locator("main").inner_text()
    fits(phone, "request-checked")


def test_the_citizen_reads_the_due_date_of_their_request_marked_provisional(
    phone,
    live_server,
    small_map,
    person_a,  # noqa: F811
):
    citizen = make_user("an", Role.CITIZEN, small_map["village_a"])
    person_a.account = citizen
    person_a.save()
    made = services.citizen_request(citizen, kind="access", details="Xin bản sao.")
    login(phone, live_server, "an", PASSWORD)
    phone.goto(f"{live_server.url}/privacy/mine/")
    assert f"hạn trả lời {made.due_on.strftime('%d/%m/%Y')} (tạm tính)" in phone.locator("main").inner_text()
    fits(phone, "citizen")


def test_a_visitor_picks_their_province_on_the_public_notice(phone, live_server, small_map):
    services.set_controller(
        Scope(make_user("tinh", Role.PROVINCE_OFFICER, small_map["province"])),
        small_map["province"],
        kind="committee",
        contact="Bộ phận một cửa UBND xã, phường",
    )
    phone.goto(f"{live_server.url}/privacy/")
    assert "mỗi tỉnh quy định là Hội Khuyến học hay Ủy ban nhân dân" in phone.locator("main").inner_text()
    phone.get_by_label("Tỉnh, thành phố của bạn (để biết ai kiểm soát dữ liệu)").select_option(label="Tỉnh Hưng Yên")
    phone.get_by_role("button", name="Xem").click()
    phone.wait_for_selector("text=Nơi tiếp nhận yêu cầu về dữ liệu: Bộ phận một cửa UBND xã, phường.")
    assert "Ủy ban nhân dân xã, phường nơi bạn đăng ký (Tỉnh Hưng Yên quy định)" in phone.locator("main").inner_text()
    fits(phone, "visitor-notice")


def test_the_commune_officer_records_ethnicity_only_after_the_consent_form(
    phone,
    live_server,
    small_map,
    officer_a,
    person_a,  # noqa: F811
):
    person_a.ethnicity = ""
    person_a.save()
    login(phone, live_server, officer_a.username, PASSWORD)
    phone.goto(f"{live_server.url}/registry/people/{person_a.pk}/edit/")
    assert phone.get_by_text("Chỉ ghi khi đã có phiếu đồng ý riêng").is_visible()
    phone.locator("#id_ethnicity").select_option(label="Tày")
    phone.get_by_role("button", name="Lưu").click()
    phone.wait_for_selector("text=Người này chưa có phiếu đồng ý riêng về việc ghi dân tộc")
    fits(phone, "person-ethnicity-refused")
    phone.goto(f"{live_server.url}/privacy/people/{person_a.pk}/basis/")
    phone.get_by_label("Đồng ý bằng văn bản giấy").check()
    phone.get_by_label("Dân tộc (dữ liệu nhạy cảm)").check()
    phone.get_by_label("Cán bộ nhận phiếu đồng ý").fill("Hoàng Văn Cán")
    phone.get_by_label("Ngày người dân đồng ý (ngày trên phiếu)").fill(timezone.localdate().isoformat())
    phone.get_by_role("button", name="Ghi").click()
    phone.wait_for_selector("text=Đã ghi căn cứ xử lý dữ liệu")
    phone.goto(f"{live_server.url}/registry/people/{person_a.pk}/edit/")
    phone.locator("#id_ethnicity").select_option(label="Tày")
    phone.get_by_role("button", name="Lưu").click()
    phone.wait_for_url(f"{live_server.url}/registry/people/{person_a.pk}/")
    person_a.refresh_from_db()
    assert person_a.ethnicity == "02"
    fits(phone, "person-ethnicity-recorded")

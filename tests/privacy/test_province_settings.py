"""The province's choices about its people's data (issue 19): who controls them, shown on the public
notice, and the time limit of each kind of request — provisional ("tạm tính") until checked, in
calendar or working days — from which ONE function computes the due date that the to-do list, the
request page, the API and the reminders show."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.core import workdays
from hoctap.notifications import text, triggers
from hoctap.notifications.models import Kind, Notification
from hoctap.privacy import services
from hoctap.privacy.models import Controller, DataRequest, RequestDeadline
from hoctap.territory.models import Level
from hoctap.web.navigation import menu_for
from tests.conftest import make_unit, make_user

pytestmark = pytest.mark.django_db

SETTINGS = "/privacy/province/"


def settings_post(province, **overrides):
    data = {"province": province.pk, "kind": "committee", "contact": "Bộ phận một cửa UBND xã, phường"}
    for kind, days in {"access": 10, "correct": 10, "delete": 20, "withdraw": 15}.items():
        data.update({f"{kind}-days": days, f"{kind}-counting": "calendar", f"{kind}-provisional": "on"})
    data.update(overrides)
    return data


def entries(scope):
    return {item["url"] for group in menu_for(scope) for item in group.items}


def test_the_page_is_in_the_menu_of_the_province_officer_and_the_central_administrator_only(
    small_map, officer_a, province_officer, central_admin
):
    assert SETTINGS in entries(Scope(province_officer)) and SETTINGS in entries(Scope(central_admin))
    assert SETTINGS not in entries(Scope(officer_a))


def test_the_province_officer_chooses_the_committee_and_the_public_notice_names_it(client, small_map, province_officer):
    province = small_map["province"]
    client.force_login(province_officer)
    page = client.get(SETTINGS).content.decode()  # their only province opens at once
    assert "Tỉnh Hưng Yên" in page and "đang dùng mặc định" in page
    before = client.get(f"/privacy/?province={province.pk}").content.decode()
    assert "Hội Khuyến học xã, phường nơi bạn đăng ký" in before
    response = client.post(SETTINGS, settings_post(province))
    assert response.status_code == 302
    chosen = Controller.objects.get(province=province)
    assert (chosen.kind, chosen.contact, chosen.updated_by) == (
        "committee",
        "Bộ phận một cửa UBND xã, phường",
        province_officer,
    )
    assert LogEntry.objects.get_for_object(chosen).get().actor == province_officer
    notice = client.get(f"/privacy/?province={province.pk}").content.decode()
    assert "Ủy ban nhân dân xã, phường nơi bạn đăng ký" in notice
    assert "Nơi tiếp nhận yêu cầu về dữ liệu: Bộ phận một cửa UBND xã, phường." in notice
    assert services.controller_name(small_map["commune_a"]) == "Ủy ban nhân dân Xã An Lạc"
    client.post(SETTINGS, settings_post(province))  # the same again: nothing changes, nothing audited
    assert LogEntry.objects.get_for_object(chosen).count() == 1


def test_other_roles_and_other_provinces_are_refused(client, small_map, officer_a, province_officer, central_admin):
    other = make_unit(Level.PROVINCE, "04", "Tỉnh Cao Bằng", small_map["nation"])
    client.force_login(officer_a)
    assert client.get(SETTINGS).status_code == 404
    assert client.post(SETTINGS, settings_post(small_map["province"])).status_code == 404
    client.force_login(province_officer)
    assert client.get(f"{SETTINGS}?province={other.pk}").status_code == 404
    assert client.post(SETTINGS, settings_post(other)).status_code == 404
    assert not Controller.objects.exists()
    with pytest.raises(Exception, match="Chỉ cán bộ tỉnh"):
        services.set_controller(Scope(province_officer), other, kind="committee")
    client.force_login(central_admin)
    listed = client.get(SETTINGS).content.decode()
    assert "Tỉnh Cao Bằng" in listed and "Tỉnh Hưng Yên" in listed and "Thời hạn xử lý" not in listed
    assert client.post(SETTINGS, settings_post(other)).status_code == 302
    assert Controller.objects.get().province == other


def test_a_limit_no_longer_provisional_names_its_source_and_bad_numbers_name_the_kind(
    client, small_map, province_officer
):
    province = small_map["province"]
    client.force_login(province_officer)
    data = settings_post(province)
    data.pop("delete-provisional")
    page = client.post(SETTINGS, data).content.decode()
    assert "Xóa dữ liệu của tôi: ghi căn cứ" in page
    assert not RequestDeadline.objects.exists() and not Controller.objects.exists()  # nothing half-written
    page = client.post(SETTINGS, settings_post(province, **{"access-days": 0})).content.decode()
    assert "Ghi số ngày là một số nguyên từ 1 đến 90." in page
    assert not RequestDeadline.objects.exists()


def test_working_days_leave_out_weekends_tet_and_the_solar_holidays():
    assert workdays.add_working_days(datetime.date(2026, 2, 13), 1) == datetime.date(2026, 2, 23)  # Tết Bính Ngọ
    assert workdays.add_working_days(datetime.date(2026, 4, 29), 1) == datetime.date(2026, 5, 4)  # 30/4, 1/5
    assert workdays.add_working_days(datetime.date(2026, 12, 4), 10) == datetime.date(2026, 12, 18)
    assert workdays.add_working_days(datetime.date(2031, 8, 29), 2) == datetime.date(2031, 9, 3)  # 01/09 Mon, 02/09


def test_one_due_date_for_the_to_do_list_the_request_page_the_api_and_the_reminders(
    client, small_map, officer_a, province_officer, person_a
):
    from hoctap.web.todo import todo_for

    province, commune = small_map["province"], small_map["commune_a"]
    default = services.office_request(Scope(officer_a), person_a, kind="access")
    assert default.due_provisional and default.due_on == timezone.localdate(default.received_at) + datetime.timedelta(
        days=10
    )
    client.force_login(province_officer)
    client.post(
        SETTINGS,
        settings_post(
            province,
            **{"delete-days": 20, "delete-counting": "working", "delete-source": "Điều 14 Nghị định 356/2025/NĐ-CP"},
        )
        | {"delete-provisional": ""},
    )
    rule = RequestDeadline.objects.get(province=province, kind="delete")
    assert (rule.counting, rule.provisional) == ("working", False)
    assert services.due_date(commune, "delete", datetime.date(2026, 2, 13)) == (datetime.date(2026, 3, 20), False)
    checked = services.office_request(Scope(officer_a), person_a, kind="delete")
    received = timezone.localdate(checked.received_at)
    assert (checked.due_on, checked.due_provisional) == (services.due_date(commune, "delete", received)[0], False)
    assert checked.due_on >= received + datetime.timedelta(days=26)  # 20 working days: four weeks at least
    client.force_login(officer_a)
    day = checked.due_on.strftime("%d/%m/%Y")
    [item] = [item for item in todo_for(Scope(officer_a)) if item.key == "data_requests"]
    lines = {line.url: line for line in item.lines}
    assert lines[f"/privacy/requests/{checked.pk}/"].date == checked.due_on
    assert "tạm tính" not in lines[f"/privacy/requests/{checked.pk}/"].text
    assert "hạn tạm tính" in lines[f"/privacy/requests/{default.pk}/"].text
    page = client.get(f"/privacy/requests/{checked.pk}/").content.decode()
    assert day in page and "tạm tính" not in page
    assert "tạm tính" in client.get(f"/privacy/requests/{default.pk}/").content.decode()
    listed = client.get("/privacy/requests/").content.decode()
    assert f"hạn {day}" in listed and "(tạm tính)" in listed
    answers = {r["id"]: r for r in client.get("/api/v1/privacy/requests").json()}
    assert answers[checked.pk]["due_on"] == checked.due_on.isoformat()
    assert (answers[checked.pk]["due_provisional"], answers[default.pk]["due_provisional"]) == (False, True)
    # Reminders: a week before, the day before, once overdue; the notice names the kind, not the person.
    week_before = checked.due_on - datetime.timedelta(days=5)
    [planned] = [p for p in triggers.data_requests_due(week_before) if p.key.startswith(f"data_request:{checked.pk}:")]
    assert (planned.user, planned.key, planned.params["due"]) == (
        officer_a,
        f"data_request:{checked.pk}:week",
        checked.due_on.isoformat(),
    )
    worded = text.render(Notification(kind=Kind.DATA_REQUEST_DUE, params=planned.params))
    assert f"Hạn trả lời yêu cầu «Xóa dữ liệu của tôi» của người dân tại Xã An Lạc: {day}" in worded
    assert person_a.full_name not in worded
    late = triggers.data_requests_due(checked.due_on + datetime.timedelta(days=3))
    assert {p.key for p in late} >= {f"data_request:{checked.pk}:overdue"}
    assert DataRequest.objects.count() == 2


def test_a_village_officer_does_not_hear_of_requests(small_map, person_a, officer_a):
    make_user("village_a", Role.VILLAGE_OFFICER, small_map["village_a"])
    data_request = services.office_request(Scope(officer_a), person_a, kind="access")
    planned = triggers.data_requests_due(data_request.due_on)
    assert {p.user for p in planned} == {officer_a}

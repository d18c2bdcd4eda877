"""The inbox, the menu's unread count and the preferences page, as the user."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoctap.accounts.roles import Role
from hoctap.notifications.models import Kind, Muted, Notification
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def notice(user, n, **extra):
    return Notification.objects.create(
        user=user,
        kind=Kind.REPORT_RETURNED,
        key=f"report_returned:{n}",
        created_at=timezone.now(),
        params={"report": "Báo cáo năm", "year": 2026, "unit": "Xã An Lạc"},
        url="/reports/",
        **extra,
    )


@pytest.fixture
def officer(small_map):
    return make_user("inbox_officer", Role.COMMUNE_OFFICER, small_map["commune_a"])


def test_inbox_lists_own_notices_and_the_menu_counts_unread(client, officer, small_map):
    other = make_user("other_officer", Role.COMMUNE_OFFICER, small_map["commune_b"])
    mine = notice(officer, 1)
    notice(officer, 2, read_at=timezone.now())
    theirs = notice(other, 3)
    client.force_login(officer)
    page = client.get("/notifications/").content.decode()
    assert page.count("Báo cáo năm 2026 của Xã An Lạc bị cấp trên trả lại") == 2
    assert 'class="menu-count"' in page and ">1<" in page
    home = client.get("/").content.decode()
    assert "Thông báo: 1 chưa đọc" in home and 'href="/notifications/"' in home
    # opening a notice marks it read and goes to the page it is about; another's notice is a 404
    response = client.get(f"/notifications/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/reports/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert "Thông báo: 1 chưa đọc" not in client.get("/").content.decode()


def test_mark_all_read(client, officer):
    for n in range(3):
        notice(officer, n)
    client.force_login(officer)
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(user=officer, read_at__isnull=True).exists()


def test_inbox_costs_the_same_queries_whatever_the_count(client, officer):
    client.force_login(officer)
    notice(officer, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/notifications/").status_code == 200
    for n in range(1, 40):
        notice(officer, n)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/notifications/").status_code == 200
    assert len(many) == len(few)


def test_preferences_page_saves_choices(client, officer):
    client.force_login(officer)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Hạn gửi báo cáo" in page and "Thư điện tử" in page and "chưa có địa chỉ" in page
    wanted = [f"{kind}:inbox" for kind in Kind.values] + [f"{Kind.REPORT_DEADLINE}:email", "bogus:email"]
    assert client.post("/notifications/preferences/", {"on": wanted}).status_code == 302
    assert set(Muted.objects.filter(user=officer).values_list("kind", "channel")) == {
        (kind, "email") for kind in Kind.values if kind != Kind.REPORT_DEADLINE
    }
    # turning one back on removes its mute only
    client.post("/notifications/preferences/", {"on": wanted + [f"{Kind.REPORT_RETURNED}:email"]})
    assert Muted.objects.filter(user=officer).count() == len(Kind.values) - 2


def test_own_address_needs_the_password(client, officer):
    client.force_login(officer)
    page = client.post(
        "/notifications/preferences/", {"form": "email", "email": "x@example.vn", "password": "wrong"}
    ).content.decode()
    assert "Mật khẩu không đúng" in page
    officer.refresh_from_db()
    assert officer.email == ""
    client.post("/notifications/preferences/", {"form": "email", "email": "x@example.vn", "password": PASSWORD})
    officer.refresh_from_db()
    assert officer.email == "x@example.vn"
    page = client.post(
        "/notifications/preferences/", {"form": "email", "email": "not-an-address", "password": PASSWORD}
    ).content.decode()
    assert "Nhập địa chỉ email" in page
    officer.refresh_from_db()
    assert officer.email == "x@example.vn"


def test_the_inbox_speaks_english_too(client, officer):
    notice(officer, 1)
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Notifications" in page and "returned" in page


def test_a_person_chooses_only_among_the_notices_they_can_be_sent(client, small_map, officer):
    """A citizen is sent a returned dossier of their own and nothing about reports, requests or
    campaigns; the page offers them that kind alone, and saving keeps what it did not offer."""
    citizen = make_user("citizen_prefs", Role.CITIZEN, small_map["village_a"])
    Muted.objects.create(user=citizen, kind=Kind.REPORT_DEADLINE, channel="inbox")
    client.force_login(citizen)
    page = client.get("/notifications/preferences/")
    assert [row["kind"] for row in page.context["rows"]] == [Kind.DOSSIER_RETURNED]
    assert "Hạn gửi báo cáo" not in page.content.decode()
    client.post("/notifications/preferences/", {"on": [f"{Kind.DOSSIER_RETURNED}:inbox"]})
    assert set(Muted.objects.filter(user=citizen).values_list("kind", "channel")) == {
        (Kind.REPORT_DEADLINE, "inbox"),  # not offered: kept as it was
        (Kind.DOSSIER_RETURNED, "email"),
    }
    # A commune officer is offered every kind the commune's work brings.
    client.force_login(officer)
    offered = [row["kind"] for row in client.get("/notifications/preferences/").context["rows"]]
    assert offered == list(Kind.values)

from django.test import override_settings

from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Role


def test_login_is_throttled_after_repeated_failures(client, officer_a):
    for _ in range(5):
        client.post("/login/", {"username": "officer_a", "password": "wrong"})
    response = client.post("/login/", {"username": "officer_a", "password": "correct-horse-battery-9"})
    assert response.status_code in (403, 429)
    assert "Tạm khoá" in response.content.decode()


def test_login_works_and_shows_territory(client, officer_a):
    response = client.post("/login/", {"username": "officer_a", "password": "correct-horse-battery-9"}, follow=True)
    assert "Xã An Lạc" in response.content.decode()


def test_csp_and_security_headers(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-Id"]


def test_officer_creates_account_inside_own_territory_only(client_a, small_map):
    ok = client_a.post(
        "/accounts/new/",
        {
            "username": "thon_dong",
            "full_name": "Cán bộ thôn Đông",
            "password": "mat-khau-dai-2026",
            "role": Role.VILLAGE_OFFICER,
            "unit": small_map["village_a"].pk,
        },
    )
    assert ok.status_code == 302
    assert RoleAssignment.objects.get(user__username="thon_dong").unit == small_map["village_a"]
    refused = client_a.post(
        "/accounts/new/",
        {
            "username": "thon_doai",
            "full_name": "x",
            "password": "mat-khau-dai-2026",
            "role": Role.VILLAGE_OFFICER,
            "unit": small_map["village_b"].pk,
        },
    )
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors
    assert not User.objects.filter(username="thon_doai").exists()


def test_officer_cannot_grant_a_province_role(client_a, small_map):
    response = client_a.post(
        "/accounts/new/",
        {
            "username": "sneaky",
            "full_name": "x",
            "password": "mat-khau-dai-2026",
            "role": Role.PROVINCE_APPROVER,
            "unit": small_map["commune_a"].pk,
        },
    )
    assert "role" in response.context["form"].errors


def test_weak_password_is_refused_with_the_field_named(client_a, small_map):
    response = client_a.post(
        "/accounts/new/",
        {
            "username": "weak",
            "full_name": "x",
            "password": "123",
            "role": Role.VILLAGE_OFFICER,
            "unit": small_map["village_a"].pk,
        },
    )
    assert "password" in response.context["form"].errors


@override_settings(LANGUAGE_CODE="vi")
def test_interface_is_vietnamese_by_default_and_english_on_request(client, officer_a):
    client.force_login(officer_a)
    assert "Địa bàn" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/").content.decode()


def test_citizen_menu_shows_own_records_only(client, small_map):
    from tests.conftest import make_user

    citizen = make_user("citizen_nav", Role.CITIZEN, small_map["village_a"])
    client.force_login(citizen)
    page = client.get("/").content.decode()
    assert "Hồ sơ của tôi" in page and "Tài khoản</a>" not in page

"""A forgotten password: by e-mail where mail is configured, otherwise by a one-time code from an
officer of the level above, audited. Either way the new password ends sessions and tokens."""

import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.test import Client

from hoctap.accounts.models import ApiToken, PasswordResetCode
from hoctap.accounts.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
NEW = "mot-mat-khau-moi-2026"


@pytest.fixture
def village_officer(small_map):
    return make_user("village_a_officer", Role.VILLAGE_OFFICER, small_map["village_a"])


def issue_code(client, officer, account) -> str:
    client.force_login(officer)
    page = client.post(f"/accounts/{account.pk}/reset-code/").content.decode()
    return re.search(r'class="one-time-code">([^<]+)<', page).group(1)


def test_an_officer_of_the_level_above_gives_a_one_time_code(client, small_map, officer_a, village_officer):
    _, token = ApiToken.issue(village_officer, "app")
    code = issue_code(client, officer_a, village_officer)
    assert re.fullmatch(r"[2-9A-HJKMNP-TW-Z]{5}-[2-9A-HJKMNP-TW-Z]{5}", code)
    stored = PasswordResetCode.objects.get()
    assert code.replace("-", "") not in stored.digest and stored.issued_by == officer_a
    entry = LogEntry.objects.get_for_object(stored).get()
    assert entry.actor == officer_a and "digest" not in entry.changes_dict

    visitor = Client()
    form = {
        "username": "village_a_officer",
        "code": code.lower().replace("-", " "),
        "new_password1": NEW,
        "new_password2": NEW,
    }
    response = visitor.post("/password/reset/code/", form)
    assert response.status_code == 302 and response["Location"] == "/login/"
    village_officer.refresh_from_db()
    assert village_officer.check_password(NEW)
    assert not ApiToken.objects.filter(user=village_officer).exists()
    # once only
    again = visitor.post("/password/reset/code/", {**form, "new_password1": NEW + "x", "new_password2": NEW + "x"})
    assert "mã đã hết hạn" in again.content.decode()


def test_wrong_codes_are_counted_and_the_code_dies(client, small_map, officer_a, village_officer):
    code = issue_code(client, officer_a, village_officer)
    visitor = Client()
    form = {"username": "village_a_officer", "new_password1": NEW, "new_password2": NEW}
    for _ in range(5):
        page = visitor.post("/password/reset/code/", {**form, "code": "AAAAA-AAAAA"}).content.decode()
        assert "Hỏi cán bộ cấp trên một mã mới" in page
    assert visitor.post("/password/reset/code/", {**form, "code": code}).status_code == 200  # dead now
    village_officer.refresh_from_db()
    assert not village_officer.check_password(NEW)


def test_only_the_level_above_may_give_a_code(client, small_map, officer_a, province_officer, village_officer):
    colleague = make_user("officer_a2", Role.COMMUNE_OFFICER, small_map["commune_a"])
    client.force_login(officer_a)
    response = client.post(f"/accounts/{colleague.pk}/reset-code/", follow=True)
    assert "không thuộc cấp dưới của bạn" in response.content.decode()
    assert not PasswordResetCode.objects.exists()
    # the province resets the commune officer; a commune officer cannot reach the province's account
    assert issue_code(Client(), province_officer, colleague)
    assert client.post(f"/accounts/{province_officer.pk}/reset-code/").status_code == 404
    assert client.get(f"/accounts/{village_officer.pk}/reset-code/").status_code == 405


def test_reset_by_email_where_mail_is_configured(client, settings, small_map, officer_a):
    settings.PASSWORD_RESET_BY_EMAIL = True  # as EMAIL_HOST would set it, with the test mailer
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    officer_a.email = "an.lac@example.vn"
    officer_a.save()
    response = client.post("/password/reset/", {"email": "an.lac@example.vn"})
    assert response["Location"] == "/password/reset/sent/"
    [message] = mail.outbox
    assert message.subject == "Đặt lại mật khẩu hoctap" and "Xin chào officer_a" in message.body
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == "/password/reset/done/"
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW)


def test_without_mail_the_page_explains_the_code(client, small_map):
    page = client.get("/password/reset/").content.decode()
    assert "Nhờ cán bộ cấp trên" in page and 'href="/password/reset/code/"' in page and "Gửi thư" not in page


def test_accounts_that_only_read_are_reset_at_the_officers_own_unit(small_map, officer_a, province_officer):
    """A citizen, a viewer and the commune's bodies that receive its reports only read: the commune's
    account officer gives them a code; the province's education department is the province's to reset."""
    from hoctap.accounts.roles import READ_ONLY_ROLES, RECIPIENT_ROLES
    from hoctap.accounts.scoping import Scope
    from hoctap.accounts.services import reset_refusal

    assert READ_ONLY_ROLES == {Role.CITIZEN, Role.VIEWER, Role.EDUCATION_DEPARTMENT, *RECIPIENT_ROLES}
    for role in (Role.CITIZEN, Role.VIEWER, *RECIPIENT_ROLES):
        account = make_user(f"read_only_{role}", role, small_map["commune_a"])
        assert reset_refusal(Scope(officer_a), account) is None, role
    department = make_user("so_giao_duc", Role.EDUCATION_DEPARTMENT, small_map["province"])
    assert reset_refusal(Scope(officer_a), department)
    assert reset_refusal(Scope(province_officer), department) is None

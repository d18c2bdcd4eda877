"""A record's audit history needs the capability of the record's own page (issue 16: village
officers, viewers and approvers could read the history of accounts whose page refused them)."""

import datetime

import pytest

from hoctap.accounts.models import PasswordResetCode, RoleAssignment
from hoctap.accounts.roles import Role
from hoctap.openrosa.models import DeviceCredential
from tests.conftest import make_user


@pytest.fixture
def citizen_a(small_map):
    return make_user("citizen_a", Role.CITIZEN, small_map["village_a"])


@pytest.fixture
def reset_code(officer_a, citizen_a):
    return PasswordResetCode.objects.create(
        user=citizen_a,
        issued_by=officer_a,
        digest="0" * 64,
        expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )


def account_routes(officer_a, citizen_a, reset_code):
    grant = RoleAssignment.objects.get(user=citizen_a)
    return [
        f"/accounts/{citizen_a.pk}/",
        f"/history/accounts.user/{citizen_a.pk}/",
        f"/accounts/{officer_a.pk}/",
        f"/history/accounts.user/{officer_a.pk}/",
        f"/history/accounts.roleassignment/{grant.pk}/",
        f"/history/accounts.passwordresetcode/{reset_code.pk}/",
    ]


@pytest.mark.parametrize(
    "role, where",
    [
        (Role.VILLAGE_OFFICER, "village_a"),
        (Role.VIEWER, "commune_a"),
        (Role.COMMUNE_APPROVER, "commune_a"),
        (Role.CITIZEN, "village_a"),
    ],
)
def test_who_may_not_open_an_account_may_not_read_its_history(
    client, small_map, officer_a, citizen_a, reset_code, role, where
):
    client.force_login(make_user(f"reader_{role}", role, small_map[where]))
    for url in account_routes(officer_a, citizen_a, reset_code):
        assert client.get(url).status_code == 404, url
    # ... while the history of a record they may read still opens.
    assert client.get(f"/history/territory.unit/{small_map['village_a'].pk}/").status_code == 200


def test_an_account_manager_reads_both(client, small_map, officer_a, citizen_a, reset_code):
    client.force_login(make_user("manager_a", Role.COMMUNE_OFFICER, small_map["commune_a"]))
    for url in account_routes(officer_a, citizen_a, reset_code):
        assert client.get(url).status_code == 200, url


def test_a_record_not_scoped_by_territory_has_no_history_page(client, officer_a):
    credential, _ = DeviceCredential.issue(officer_a, "Điện thoại")
    client.force_login(officer_a)
    assert client.get(f"/history/openrosa.devicecredential/{credential.pk}/").status_code == 404

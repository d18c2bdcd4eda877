"""The audit log, rate limits and lockouts read the client's address one way, and never believe an
X-Forwarded-For the deployment's own proxies did not write."""

import json

import pytest
from auditlog.models import LogEntry
from django.test import RequestFactory

from hoctap.accounts.models import ApiToken
from hoctap.core.clients import client_address
from hoctap.registry.models import ClanBranch


def request(remote="10.0.0.9", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, None, "10.0.0.9"),
        (0, "6.6.6.6", "10.0.0.9"),  # no proxy of ours: the header is the client's word
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # our proxy appended the right-most entry
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (1, None, "10.0.0.9"),  # a request that did not pass the proxy
        (1, "not-an-address", None),  # garbage is no address
        (0, None, "10.0.0.9"),
    ],
)
def test_only_the_deployments_own_proxies_are_believed(settings, trusted, forwarded, expected):
    settings.HOCTAP_TRUSTED_PROXIES = trusted
    assert client_address(request(forwarded=forwarded)) == expected


def test_a_forged_header_does_not_reach_the_audit_log(client, small_map, officer_a):
    _, token = ApiToken.issue(officer_a, "t")
    response = client.post(
        "/api/v1/registry/clans",
        json.dumps({"name": "Họ Lò", "commune": small_map["commune_a"].pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_X_FORWARDED_FOR="6.6.6.6",
    )
    assert response.status_code == 201
    entry = LogEntry.objects.get_for_object(ClanBranch.objects.get()).get()
    assert entry.remote_addr == "127.0.0.1"

"""Rate limits (issue 16 §4): counted in the database per client address, refused with a 429 that
says in Vietnamese when to try again (JSON under /api/). Each test lowers one limit with
`settings` so it fires within a few requests; the other suites run with the real limits."""

import re

import pytest

from hoctap.accounts import ratelimits
from hoctap.accounts.models import ApiToken, RateCounter


@pytest.fixture
def low_limits(settings):
    def lower(name, limit):
        settings.HOCTAP_RATE_LIMITS = {**settings.HOCTAP_RATE_LIMITS, name: {"limit": limit, "seconds": 600}}

    return lower


def _is_refusal(response):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    return response


def test_signup_is_limited_per_address(client, small_map, low_limits):
    low_limits("signup", 2)
    for _ in range(2):
        assert client.post("/signup/", {"username": "x"}).status_code == 200
    page = _is_refusal(client.post("/signup/", {"username": "x"})).content.decode()
    assert re.search(r"Hãy thử lại sau (10|[1-9]) phút", page)
    # another address is counted apart
    assert client.post("/signup/", {"username": "x"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_password_spraying_across_usernames_is_limited_per_address(client, officer_a, low_limits):
    low_limits("login_failures", 3)
    for name in ("an", "binh", "chi"):  # one try per username: django-axes's per-username lock never fires
        assert client.post("/login/", {"username": name, "password": "wrong"}).status_code == 200
    refused = _is_refusal(client.post("/login/", {"username": "officer_a", "password": "correct-horse-battery-9"}))
    assert "thử lại sau" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # successful sign-ins do not use up a shared office address's allowance
    assert (
        client.post(
            "/login/", {"username": "officer_a", "password": "correct-horse-battery-9"}, REMOTE_ADDR="10.0.0.7"
        ).status_code
        == 302
    )
    for _ in range(5):
        client.logout()
        assert (
            client.post(
                "/login/", {"username": "officer_a", "password": "correct-horse-battery-9"}, REMOTE_ADDR="10.0.0.7"
            ).status_code
            == 302
        )


def test_certificate_checks_are_limited(client, db, low_limits):
    low_limits("verify", 3)
    client.get("/verify/")
    client.get("/verify/?code=a/b")
    client.get("/api/v1/verify/7K3M-Q9TX-2HCA-D4WE")
    _is_refusal(client.get("/verify/7K3M-Q9TX-2HCA-D4WE"))
    answer = _is_refusal(client.get("/api/v1/verify/7K3M-Q9TX-2HCA-D4WE"))
    assert answer["Content-Type"] == "application/json"
    assert "thử lại sau" in answer.json()["detail"]


def test_criteria_validation_is_limited(client, officer_a, low_limits):
    low_limits("validate", 2)
    token = ApiToken.issue(officer_a, "t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for _ in range(2):
        ok = client.post("/api/v1/criteria/validate", {"yaml": "code: x"}, content_type="application/json", **headers)
        assert ok.status_code == 200
    refused = _is_refusal(
        client.post("/api/v1/criteria/validate", {"yaml": "code: x"}, content_type="application/json", **headers)
    )
    assert refused.json()["detail"].startswith("Bạn đã gửi quá nhiều yêu cầu")


def test_counts_live_in_the_database_and_windows_end(db, low_limits, monkeypatch):
    low_limits("signup", 1)
    assert ratelimits.hit("signup", "1.2.3.4") is None
    refusal = ratelimits.hit("signup", "1.2.3.4")
    assert refusal is not None and 0 < refusal.retry_after <= 600
    assert RateCounter.objects.get(key="signup:1.2.3.4").count == 2
    # the next window starts afresh
    later = ratelimits.timezone.now() + ratelimits.datetime.timedelta(seconds=601)
    monkeypatch.setattr(ratelimits.timezone, "now", lambda: later)
    assert ratelimits.hit("signup", "1.2.3.4") is None


def test_refusal_in_english(client, db, low_limits):
    low_limits("verify", 0)
    page = client.get("/verify/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"Try again in \d+ minutes?\.", page)

"""Credentials never reach a log: the handlers configured by settings.LOGGING are captured here."""

import base64
import io
import logging

import pytest

from hoctap.accounts.models import ApiToken
from hoctap.core.logging import RedactSecretsFilter


@pytest.fixture
def log_output():
    """Everything the configured handlers of the root and `django` loggers write, as text."""
    stream = io.StringIO()
    handlers = {h for name in ("", "django", "django.request") for h in logging.getLogger(name).handlers}
    streams = [h for h in handlers if isinstance(h, logging.StreamHandler)]
    assert streams, "settings.LOGGING configures no stream handler"
    previous = [h.setStream(stream) for h in streams]
    yield stream
    for handler, old in zip(streams, previous, strict=True):
        handler.setStream(old)


def test_every_handler_of_the_django_loggers_redacts():
    """Django's default handlers (console in DEBUG, mail_admins) lack the filter: none is left."""
    for name in ("", "django", "django.request", "django.server", "hoctap"):
        logger = logging.getLogger(name)
        while logger:
            for handler in logger.handlers:
                if type(handler).__module__.startswith("_pytest"):
                    continue  # pytest's own capture, not part of the configuration
                assert any(isinstance(f, RedactSecretsFilter) for f in handler.filters), (name, handler)
            logger = logger.parent if logger.propagate else None


@pytest.mark.parametrize("scheme", ["Token", "bearer-token", "Basic"])
def test_a_wrongly_schemed_credential_is_refused_without_being_logged(client, officer_a, settings, log_output, scheme):
    settings.DEBUG = True  # django-ninja logs the header only in DEBUG
    _, token = ApiToken.issue(officer_a, "t")
    secret = base64.b64encode(b"officer_a:correct-horse-battery-9").decode() if scheme == "Basic" else token
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"{scheme} {secret}")
    assert response.status_code == 401
    logging.getLogger("django").error("Unexpected auth - '%s %s'", scheme, secret)  # as ninja's base class would
    output = log_output.getvalue()
    assert secret not in output and token not in output and "correct-horse" not in output
    assert "[redacted]" in output


def test_messages_arguments_and_tracebacks_are_scrubbed(officer_a, log_output):
    _, token = ApiToken.issue(officer_a, "t")
    logger = logging.getLogger("hoctap.test")
    logger.warning("headers %s", {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "*/*"})
    logger.warning("retrying with %s", token)
    logger.warning("callback https://bob:s3cret-pass@example.org/x?password=hunter2")
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        logger.exception("failed")
    output = log_output.getvalue()
    for secret in (token, "s3cret-pass", "hunter2"):
        assert secret not in output
    assert "HTTP_ACCEPT" in output and "ValueError" in output and "example.org" in output


def test_request_ids_and_digests_stay_readable(log_output):
    request_id = "3f2a9c0d4b5e6f708192a3b4c5d6e7f8"
    digest = ApiToken.hash("x")
    logging.getLogger("hoctap.test").warning("job %s digest %s failed: %s", request_id, digest, "IntegrityError")
    assert f"job {request_id} digest {digest} failed: IntegrityError" in log_output.getvalue()

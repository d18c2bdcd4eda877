"""Request ids: every request gets one made by the server, echoed in the response and stamped on
log lines and audit entries. A client's own X-Request-Id is never used as ours: when it is a safe
value (8–64 letters, digits and hyphens) it is kept beside ours, to correlate with the client's logs.

Work outside a request (a management command, a background job) binds an id of its own with
`bound_request_id`.
"""

import contextlib
import contextvars
import logging
import re
import uuid

_request_id = contextvars.ContextVar("request_id", default="-")
_client_request_id = contextvars.ContextVar("client_request_id", default="")
_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    """The id of the work in progress, "-" outside any request, command or job."""
    return _request_id.get()


def audit_request_id() -> str | None:
    """The correlation id django-auditlog stores on each entry (settings.AUDITLOG_CID_GETTER)."""
    value = _request_id.get()
    return None if value == "-" else value


def client_request_id() -> str:
    """The client's own X-Request-Id for the current request, if it was a safe value; else ""."""
    return _client_request_id.get()


def sanitised_client_id(value: str) -> str:
    return value if _VALID_ID.match(value or "") else ""


@contextlib.contextmanager
def bound_request_id(request_id: str | None = None, *, client_id: str = ""):
    """Run a block under `request_id` (a new one if not given; the current one stays if any)."""
    if request_id is None and _request_id.get() != "-":
        yield _request_id.get()
        return
    request_id = request_id or new_request_id()
    token = _request_id.set(request_id)
    client_token = _client_request_id.set(sanitised_client_id(client_id))
    try:
        yield request_id
    finally:
        _client_request_id.reset(client_token)
        _request_id.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id()
        request.request_id = request_id
        request.client_request_id = sanitised_client_id(request.headers.get("X-Request-Id", ""))
        with bound_request_id(request_id, client_id=request.client_request_id):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = _request_id.get()
        return True

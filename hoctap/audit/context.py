"""Who an audit entry is by, whatever started the write.

Every new auditlog entry is stamped (`stamp_entry`, a pre_save receiver) with:
- its actor: the user a background job runs for (`acting_as(user, job=…)`), else the signed-in
  user of the current request, read when the entry is written, so an API token's user (set by the
  token check inside the view, after django-auditlog's middleware has run) counts as much as a
  session's; a management command has a named system actor (`acting_as(system="manage.py …")`,
  bound by manage.py), kept in `additional_data["system_actor"]`;
- the server's request id as auditlog's correlation id (`cid`, settings.AUDITLOG_CID_GETTER), a
  command's or job's own id outside requests; the client's X-Request-Id, when safe, only beside it
  in `additional_data["client_request_id"]`; the job (`additional_data["job"]`).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from dataclasses import dataclass

from hoctap.core.middleware import audit_request_id, bound_request_id, client_request_id


@dataclass(frozen=True)
class _Origin:
    user: object = None
    system: str = ""
    job: str = ""


_origin = contextvars.ContextVar("audit_origin", default=None)
_request = contextvars.ContextVar("audit_request", default=None)


@contextlib.contextmanager
def acting_as(user=None, *, system: str = "", job: str = "", request_id: str | None = None):
    """Writes in this block are by `user` (a job's requester) or by the named `system` actor."""
    token = _origin.set(_Origin(user=user, system=system, job=job))
    try:
        with bound_request_id(request_id):
            yield
    finally:
        _origin.reset(token)


def command_actor(argv) -> str:
    """The system actor of a command line: "manage.py load_demo"."""
    program = os.path.basename(argv[0]) if argv else "python"
    return " ".join([program, *argv[1:2]])


def as_command(argv=None):
    return acting_as(system=command_actor(sys.argv if argv is None else argv))


@contextlib.contextmanager
def during_request(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def _request_user():
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def stamp_entry(sender, instance, **kwargs):
    if instance.pk is not None:
        return
    origin = _origin.get() or _Origin()
    user = origin.user or _request_user()
    if instance.actor_id is None and user is not None:
        instance.actor = user
        instance.actor_email = getattr(user, "email", None) or None
    if not instance.cid:
        instance.cid = audit_request_id()
    extra = {}
    if origin.system and instance.actor_id is None:
        extra["system_actor"] = origin.system
    if origin.job:
        extra["job"] = origin.job
    if client_request_id():
        extra["client_request_id"] = client_request_id()
    if extra:
        data = instance.additional_data
        instance.additional_data = (
            {**data, **extra} if isinstance(data, dict) else ({**extra, "data": data} if data is not None else extra)
        )

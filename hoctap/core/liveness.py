"""Is the process that runs a background job still alive?

A job (an import, an export) is run by one process: a web worker for a small import, the task
worker (`manage.py db_worker`) for the rest. If that process dies (SIGKILL, out of memory, a power
cut) the job's row stays "running" for ever and its page polls for ever. `holding()` marks the run so
that another process can later tell, for certain, that its owner is gone:

* **PostgreSQL**: the run holds a session-level advisory lock keyed by (kind, job id) on its own
  database connection. The server releases it the moment that connection ends, however the process
  died, on whichever machine. `pg_try_advisory_lock` succeeding therefore proves the owner is gone
  (and, held while the job's row is marked failed, keeps a new run from starting meanwhile). This
  needs session connections: behind a pooler in transaction mode (pgbouncer) the lock would not
  follow the process.
* **SQLite** (the embedded set-up, one machine): the owner token "host:pid:start" recorded on the job
  is checked against the process table: the pid no longer exists, or is another process (its start
  time differs). A token from another host is never declared dead.

Key namespaces stay apart from the statistics' subject locks (`stats/carried.py`, 0x4854).
"""

from __future__ import annotations

import contextlib
import os
import socket

from django.db import DatabaseError, connection

NAMESPACES = {"export": 0x4845, "import": 0x4849, "document": 0x4844}  # "HE", "HI", "HD"


def _key(kind: str, job_id: int) -> tuple[int, int]:
    low = job_id & 0xFFFFFFFF  # PostgreSQL wants a signed int4
    return NAMESPACES[kind], low - (1 << 32) if low >= 1 << 31 else low


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), "" where unknown."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def owner_token() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"[:200]


def _process_gone(token: str) -> bool:
    host, _sep, rest = token.partition(":")
    pid_text, _sep, start = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False  # cannot tell from here: never call a live process dead
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # exists, belongs to someone else
    now = _start_time(pid)
    return bool(start and now and now != start)  # the pid was reused by another process


@contextlib.contextmanager
def holding(kind: str, job_id: int):
    """Run the block as the live owner of the job; yields the owner token to record on its row.
    Take it before the row says "running", and record the outcome before leaving the block."""
    if connection.vendor != "postgresql":
        yield owner_token()
        return
    key = _key(kind, job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield owner_token()
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
        except DatabaseError:
            pass  # the connection is gone, and the lock with it


@contextlib.contextmanager
def if_abandoned(kind: str, job_id: int, token: str):
    """Yields True when the owner recorded as `token` is certainly dead; on PostgreSQL the job's lock
    is then held until the block ends, so the row can be marked without a race."""
    if not token:
        yield False
        return
    if connection.vendor != "postgresql":
        yield _process_gone(token)
        return
    key = _key(kind, job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        got = cursor.fetchone()[0]
    try:
        yield bool(got)
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)

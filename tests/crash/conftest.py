"""Crash tests: the real operation runs in a subprocess, which a crash point (hoctap/core/crashpoints.py)
holds at a named place until the test SIGKILLs it; then a new process ("after the restart") looks.

The subprocess must see the test's data: on PostgreSQL it connects to the test database itself
(the tests are `transaction=True`, so their data is committed); on SQLite the test database lives in
memory, so `LiveDatabase.publish()` copies it into a file for the subprocess and `reload()` copies
the file back after it died, so both engines run the same test body.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.assessments.conftest import campaigns, family_assessment, head_is_citizen, people, published, users  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
STEP_TIMEOUT = 25  # seconds: a subprocess that takes longer fails the test


def wait_until(check, timeout=10.0, what="the condition"):
    """Poll `check()` until it is true (a killed client's PostgreSQL backend ends a moment later)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, f"{what} did not happen within {timeout} s"
            return result
        time.sleep(0.1)


class LiveDatabase:
    def __init__(self, var_dir: Path):
        self.var_dir = var_dir
        if connection.vendor == "postgresql":
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            self.file = None
        else:
            self.file = var_dir / "live.sqlite3"
            self.url = f"sqlite:///{self.file}"

    @property
    def is_postgresql(self) -> bool:
        return self.file is None

    def publish(self) -> None:
        """Make what the test wrote visible to a new process."""
        if self.file is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.file}{suffix}").unlink(missing_ok=True)
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def reload(self) -> None:
        """Read what the processes left in the database (SQLite: opening the file after a crash
        recovers it exactly as the server would on restart)."""
        if self.file is not None:
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def env(self, **extra) -> dict:
        env = {key: value for key, value in os.environ.items() if not key.startswith("HOCTAP_CRASH_POINT")}
        env.update(
            DATABASE_URL=self.url,
            DJANGO_SETTINGS_MODULE="tests.settings",
            HOCTAP_ALLOW_INSECURE_KEY="1",
            HOCTAP_VAR_DIR=str(self.var_dir),
            PYTHONPATH=str(ROOT),
            DB_CONN_MAX_AGE="0",
        )
        env.update(extra)
        return env

    def run(self, *args: str, check: bool = True, **env) -> subprocess.CompletedProcess:
        """Run `python <args>` (a manage.py command or a script of tests/crash) to its end; a first
        argument ending in .sh is run with bash instead."""
        program = ["bash"] if args[0].endswith(".sh") else [sys.executable]
        done = subprocess.run(
            [*program, *args], cwd=ROOT, env=self.env(**env), capture_output=True, text=True, timeout=STEP_TIMEOUT
        )
        if check:
            assert done.returncode == 0, f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        return done

    def kill_at(self, point: str, *args: str) -> None:
        """Start `python <args>`, wait until it reaches the crash point `point`, SIGKILL it there."""
        marker = self.var_dir / f"{point}.reached"
        marker.unlink(missing_ok=True)
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env(HOCTAP_CRASH_POINT=f"{point}:{marker}"),
        )
        deadline = time.monotonic() + STEP_TIMEOUT
        try:
            while not (marker.exists() and marker.read_text().strip() == str(process.pid)):
                if process.poll() is not None:
                    pytest.fail(f"{args} ended (exit {process.returncode}) before {point}:\n{process.stdout.read()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"{args} did not reach {point} within {STEP_TIMEOUT} s")
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=STEP_TIMEOUT)  # reaped: its pid is gone from the process table
        assert process.returncode == -signal.SIGKILL


@pytest.fixture
def live(tmp_path, settings):
    """The test database and media as other processes see them (`transaction=True` tests only)."""
    settings.MEDIA_ROOT = tmp_path / "test-media"  # what tests.settings gives the subprocess
    return LiveDatabase(tmp_path)

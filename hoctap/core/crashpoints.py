"""Named crash points: places where the crash tests (tests/crash/) make a process wait, to kill it there.

`crash_point("import.before_commit")` does nothing at all unless the environment variable
`HOCTAP_CRASH_POINT` holds `<that name>:<marker file>`. Then the process writes its pid to the marker
file and sleeps until it is killed, or carries on after `HOCTAP_CRASH_POINT_WAIT` seconds (60 by
default). The tests set the variable only in the environment of the subprocess they start (a
`manage.py` command or a script under tests/crash/), wait for the marker, and SIGKILL the process at
that exact point.

Harmless in production: the variable is never set there, and the function is then one dictionary
lookup; it reads and writes no data of the application. Even set by mistake it only delays one
operation by the wait, and never changes what the operation writes.
"""

from __future__ import annotations

import logging
import os
import time

ENV = "HOCTAP_CRASH_POINT"
WAIT_ENV = "HOCTAP_CRASH_POINT_WAIT"

logger = logging.getLogger(__name__)


def crash_point(name: str) -> None:
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    point, _sep, marker = wanted.partition(":")
    if point != name or not marker:
        return
    logger.warning("crash point %s reached; waiting to be killed", name)
    with open(marker, "w") as out:
        out.write(str(os.getpid()))
    deadline = time.monotonic() + float(os.environ.get(WAIT_ENV, "60"))
    while time.monotonic() < deadline:
        time.sleep(0.05)

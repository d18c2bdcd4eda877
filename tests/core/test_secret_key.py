"""The public development key is refused whenever DEBUG is off, with a message saying what to set."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hoctap.settings import DEVELOPMENT_SECRET_KEY

REPO = Path(__file__).resolve().parents[2]


def load_settings(**env):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": "", "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", "import hoctap.settings as s; print(s.SECRET_KEY)"],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"HOCTAP_ALLOW_INSECURE_KEY": "1"},
        {"HOCTAP_ALLOW_INSECURE_KEY": "1", "DEBUG": "0"},
        {"SECRET_KEY": DEVELOPMENT_SECRET_KEY},
    ],
)
def test_without_debug_the_development_key_is_refused(env):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr and "DEBUG=1" in result.stderr


def test_with_debug_the_development_key_serves_make_run():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0 and result.stdout.strip() == DEVELOPMENT_SECRET_KEY


def test_a_real_key_starts_without_debug():
    result = load_settings(SECRET_KEY="k" * 50)
    assert result.returncode == 0 and result.stdout.strip() == "k" * 50


def test_this_test_run_has_a_throwaway_key(settings):
    assert not settings.DEBUG and settings.SECRET_KEY != DEVELOPMENT_SECRET_KEY and len(settings.SECRET_KEY) >= 50


def test_the_development_signing_key_is_not_made_without_debug(settings, tmp_path):
    from django.core.management import CommandError, call_command

    settings.DEV_SIGNING_KEY_FILE = tmp_path / "dev-signing-key"
    with pytest.raises(CommandError, match="CERTIFICATE_SIGNING_KEY.*certificate_keys --new"):
        call_command("ensure_dev_keys")
    assert not settings.DEV_SIGNING_KEY_FILE.exists()

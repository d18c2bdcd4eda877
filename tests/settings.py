"""Test settings: production settings with fast hashing and unhashed static files."""

import atexit
import base64
import os
import secrets
import shutil
import tempfile

# Tests run with DEBUG off, where the public development key is refused: a throwaway key for this run
# (subprocesses started by a test inherit it through the environment).
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# Likewise a throwaway certificate signing key: the code has no "in tests" fallback to a key file.
os.environ.setdefault("CERTIFICATE_SIGNING_KEY", base64.b64encode(secrets.token_bytes(32)).decode())

# Nothing a test writes lands inside the repository: media, keys and the like go to a directory of
# this run (subprocesses inherit it through the environment; the run that made it removes it).
if "HOCTAP_VAR_DIR" not in os.environ:
    os.environ["HOCTAP_VAR_DIR"] = tempfile.mkdtemp(prefix="hoctap-test-var-")
    atexit.register(shutil.rmtree, os.environ["HOCTAP_VAR_DIR"], ignore_errors=True)

from hoctap.settings import *  # noqa: E402,F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
DEV_SIGNING_KEY_FILE = VAR_DIR / "test-signing-key"  # noqa: F405

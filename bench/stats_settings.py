"""Settings for the statistics benchmark: production settings on the `hoctap_bench` database,
DEBUG off (Django would keep every query in memory otherwise), plain static files (no manifest to
build), quiet logs."""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # throwaway: DEBUG is off, nothing outlives the run
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoctap_bench")
os.environ["DEBUG"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from hoctap.settings import *  # noqa: E402,F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405  (as in production: one connection per worker)

"""Settings for hoctap.

Everything that differs between a laptop and production comes from the environment:
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, MEDIA_ROOT or S3_BUCKET (files on an S3-compatible bucket,
hoctap/core/storage.py), DEBUG, CERTIFICATE_SIGNING_KEY.
Without them the app runs embedded on SQLite under var/ (what `make run` uses).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from hoctap.core.storage import default_storage_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOCTAP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


# DEBUG is off unless asked for: `make run` asks, production never does.
DEBUG = env_bool("DEBUG", False)

# The development key is public (it is written here): it signs sessions, CSRF tokens and reset links
# only with DEBUG on (`make run`). With DEBUG off it is refused whatever else is set; tests and
# benchmarks make a throwaway key per run (tests/settings.py).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-only-for-make-run"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a secret random value when DEBUG is off, for example "
        "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'). The public development "
        "key is used only with DEBUG=1 (make run); HOCTAP_ALLOW_INSECURE_KEY no longer allows it."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "auditlog",
    "axes",
    "django_tasks_db",
    # For its templates and static files: the API docs page serves Swagger UI from here, not a CDN
    # (the content-security policy allows scripts from our own origin only).
    "ninja",
    "hoctap.core",
    "hoctap.territory",
    "hoctap.accounts",
    "hoctap.audit",
    "hoctap.exports",
    "hoctap.registry",
    "hoctap.privacy",
    "hoctap.funds",
    "hoctap.members",
    "hoctap.learning",
    "hoctap.assessments",
    "hoctap.openrosa",
    "hoctap.stats",
    "hoctap.reports",
    "hoctap.inspections",
    "hoctap.awards",
    "hoctap.notifications",
    "hoctap.criteria",
    "hoctap.web",
    "hoctap.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what the views send (pages, JSON); WhiteNoise above serves static files already
    # compressed (gzip and Brotli made at collectstatic) and returns before this one.
    "hoctap.web.middleware.CompressMiddleware",
    "hoctap.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (@login_not_required: the
    # landing page, sign-up, password reset, certificate checks, the public figures; the API and
    # ODK endpoints authenticate themselves). A new view is closed until someone opens it.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # django-auditlog's middleware, plus: an entry's actor is the request's user when the entry is
    # written (API tokens authenticate inside the view).
    "hoctap.audit.middleware.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "hoctap.accounts.ratelimits.RateLimitMiddleware",
]

ROOT_URLCONF = "hoctap.urls"
WSGI_APPLICATION = "hoctap.wsgi.application"
ASGI_APPLICATION = "hoctap.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoctap.accounts.context_processors.territory",
                "hoctap.web.navigation.nav_items",
                "hoctap.notifications.context_processors.unread",
            ],
        },
    },
]

# Embedded default: SQLite under var/. Production: DATABASE_URL=postgres://...
DATABASES = {
    # An empty DATABASE_URL means "not set" (the test script clears it for the SQLite run).
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'hoctap.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL + a busy timeout let the web process and the task worker share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# E-mail (password reset links): EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS, DEFAULT_FROM_EMAIL from the environment, as a Django 6.1 mailer; DEBUG prints mails on
# the console. Without either, passwords are reset by a one-time code from an officer of the level
# above (accounts.services.issue_reset_code), which works everywhere.
_email_host = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hoctap <no-reply@localhost>")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # Nothing to send through: the reset page offers only the officer's code.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
PASSWORD_RESET_BY_EMAIL = bool(_email_host) or DEBUG
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day
# Where the site answers, for links in mail sent by background jobs (reminders), which have no
# request to read the host from: SITE_URL=https://hoctap.example.vn. Empty: mail names the page
# to open instead of linking to it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
# The channels notices go out on (hoctap/notifications/channels.py: the interface a Zalo OA or
# SMS channel implements to be listed here).
HOCTAP_NOTIFICATION_CHANNELS = [
    "hoctap.notifications.channels.InboxChannel",
    "hoctap.notifications.channels.EmailChannel",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures per username and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Rate limits per client address, counted in the database (accounts/ratelimits.py): at most `limit`
# in each window of `seconds`. Sign-ups; failed sign-ins across usernames (password spraying);
# certificate checks; criteria validation (YAML parsing is the costliest thing a user can ask for).
# How many reverse proxies of this deployment append to X-Forwarded-For (hoctap/core/clients.py);
# 0: the app faces the network and the header is ignored.
# Uploads never imported are deleted this many hours after their check ended (registry.jobs.purge_uploads).
HOCTAP_UPLOAD_RETENTION_HOURS = int(os.environ.get("HOCTAP_UPLOAD_RETENTION_HOURS", "72"))
# Finished export files (and their jobs) are deleted this many hours after they finished
# (exports.jobs.purge_finished, `manage.py purge_exports`); the audit entry of each export stays.
HOCTAP_EXPORT_RETENTION_HOURS = int(os.environ.get("HOCTAP_EXPORT_RETENTION_HOURS", "72"))
# List exports up to this many rows are streamed at once; larger ones run as background jobs
# (exports.lists: 5,000 person rows are about 1.2 s of CPU as xlsx, within a web request's budget).
HOCTAP_EXPORT_STREAM_ROWS = int(os.environ.get("HOCTAP_EXPORT_STREAM_ROWS", "5000"))
HOCTAP_TRUSTED_PROXIES = int(os.environ.get("HOCTAP_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "hoctap.core.clients.client_address"
HOCTAP_RATE_LIMITS = {
    "signup": {"limit": int(os.environ.get("HOCTAP_SIGNUP_LIMIT", "20")), "seconds": 3600},
    "login_failures": {"limit": int(os.environ.get("HOCTAP_LOGIN_FAILURE_LIMIT", "30")), "seconds": 900},
    "verify": {"limit": int(os.environ.get("HOCTAP_VERIFY_LIMIT", "60")), "seconds": 600},
    "validate": {"limit": int(os.environ.get("HOCTAP_VALIDATE_LIMIT", "30")), "seconds": 600},
    # ID numbers refused as "cannot be used here" for one officer (registry forms, API, imports).
    "id_numbers": {"limit": int(os.environ.get("HOCTAP_ID_NUMBER_LIMIT", "20")), "seconds": 86400},
}

# Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "hoctap" / "locale"]
FORMAT_MODULE_PATH = ["hoctap.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Media is never served: no URL route maps MEDIA_URL; evidence and certificates go through
# scoped views. (Django needs a string here, even for files nobody can fetch by URL.)
MEDIA_URL = "/_private-media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Evidence, thumbnails, PDFs, import uploads and export results: MEDIA_ROOT, or the bucket named by
# S3_BUCKET (S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION, S3_PREFIX) so that
# several app servers share them (hoctap/core/storage.py, docs/deployment.md).
STORAGES = {
    "default": default_storage_from_environment(memory_bytes=FILE_UPLOAD_MAX_MEMORY_SIZE),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers. HTTPS-only cookies and HSTS whenever DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (built into Django 6): our own origin only, no inline script.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Audit log (django-auditlog): the request id travels as the correlation id.
# The correlation id of an entry is the server's request id (or a command's or job's own id), never a
# value a client sent (core/middleware.py, audit/context.py).
AUDITLOG_CID_GETTER = "hoctap.core.middleware.audit_request_id"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Masked fields (ID numbers) keep their last four digits in the log, as on every page; auditlog's
# default would keep half of them.
AUDITLOG_MASK_CALLABLE = "hoctap.registry.models.mask_id_number"

# Background tasks: Django 6's tasks framework with the database-backed worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Logs never carry personal data: only request id, path template, status, user id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "hoctap.core.middleware.RequestIdLogFilter"},
        # Credentials never reach a log: Authorization values, passwords, API tokens (core/logging.py).
        "redact": {"()": "hoctap.core.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers for "django" (console in DEBUG, mail_admins) lack the redaction
        # filter: replaced by ours (django-ninja logs a wrongly-schemed Authorization header there).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Django's request logger prints full URLs with query strings; ours logs without them.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# API lists page through hoctap.api.pagination: 50 by default, at most 200 (core/limits.py).
NINJA_PAGINATION_CLASS = "hoctap.api.pagination.BoundedLimitOffsetPagination"

# Certificates are signed with Ed25519. Production sets CERTIFICATE_SIGNING_KEY (base64 seed);
# `make run` generates a development key under var/ (ensure_dev_keys).
DEV_SIGNING_KEY_FILE = VAR_DIR / "dev-signing-key"
CERTIFICATE_SIGNING_KEY = os.environ.get("CERTIFICATE_SIGNING_KEY", "")
# After a key rotation, the public (verify) keys of the retired signing keys, base64, comma-separated:
# the certificates they signed keep verifying (`python manage.py certificate_keys` prints them).
CERTIFICATE_RETIRED_VERIFY_KEYS = [
    key.strip() for key in os.environ.get("CERTIFICATE_RETIRED_VERIFY_KEYS", "").split(",") if key.strip()
]

# The statistics counters carry covering indexes (INCLUDE columns) for PostgreSQL; SQLite ignores the
# extra columns, which is fine for the embedded set-up.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Personal data (hoctap.privacy, docs/data-protection.md). The DEFAULT days to complete a data subject's
# request, counted from receipt, for a province that has set none of its own (each province sets its
# figures on the page «Dữ liệu cá nhân của tỉnh»: privacy.RequestDeadline). PROVISIONAL: taken from
# summaries of Nghị định 356/2025/NĐ-CP (an answer within 2 working days, the request done within 10 to
# 20 days, a withdrawal within 15), not from the decree's text, which was not at hand; every page that
# shows a due date from these marks it «tạm tính». Counted in calendar days ("calendar"; or "working":
# weekends and public holidays left out, hoctap.core.workdays) — calendar days never come later.
PRIVACY_REQUEST_DAYS = {"access": 10, "correct": 10, "delete": 20, "withdraw": 15}
PRIVACY_REQUEST_COUNTING = "calendar"
# How long a kind of record is kept after it stops being current (docs/data-protection.md, "Retention"):
# a person who left the registry (no household, no employer, not touched) and whose record nothing
# requires any more is anonymised after `person_years`; a rejected sign-up is deleted after
# `rejected_signup_days`; answered requests are kept `request_years` as proof they were answered.
PRIVACY_RETENTION = {"person_years": 5, "rejected_signup_days": 365, "request_years": 5}

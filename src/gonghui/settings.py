"""One settings module, driven by environment variables (DESIGN.md).

GONGHUI_DATA_DIR        where the SQLite file, keys and uploads live (default: ./var)
GONGHUI_DATABASE_URL    postgres://… to use PostgreSQL; default SQLite in WAL mode
GONGHUI_DEBUG           1 for development
GONGHUI_SECRET_KEY      else generated once into var/secret.key (0600)
GONGHUI_PII_KEY         key for ID numbers and phones, else var/pii.key (see core/pii.py)
GONGHUI_ALLOWED_HOSTS   comma-separated
GONGHUI_SECURE_COOKIES  1 when served over HTTPS: Secure session/CSRF cookies and HSTS (below)
GONGHUI_HSTS_SECONDS    Strict-Transport-Security max-age with secure cookies (default 31536000, 0 = off)
GONGHUI_BEHIND_TLS_PROXY 1 when a reverse proxy ends TLS and sets X-Forwarded-Proto (it must
                        overwrite that header); Django then sees requests as HTTPS and sends HSTS
Browser security (issue 12): a strict Content-Security-Policy from django-csp (no inline script:
page scripts live in static/js/), `Cache-Control: no-store` on every view response
(core/security.py), nosniff, Referrer-Policy same-origin, X-Frame-Options DENY.
GONGHUI_TRUSTED_PROXIES reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For names the
                        client for rate limits, login lockout and the audit log; default none (REMOTE_ADDR)
GONGHUI_TOKEN_DAYS      lifetime of a new API token in days (default 90)
GONGHUI_LOCKOUT_FAILURES failed logins before an account is locked for 30 minutes (default 5)
GONGHUI_SECURE_COOKIES  1 when served over HTTPS: Secure session/CSRF cookies and HSTS (below)
GONGHUI_HSTS_SECONDS    Strict-Transport-Security max-age with secure cookies (default 31536000, 0 = off)
GONGHUI_BEHIND_TLS_PROXY 1 when a reverse proxy ends TLS and sets X-Forwarded-Proto (it must
                        overwrite that header); Django then sees requests as HTTPS and sends HSTS
Browser security (issue 12): a strict Content-Security-Policy from django-csp (no inline script:
page scripts live in static/js/), `Cache-Control: no-store` on every view response
(core/security.py), nosniff, Referrer-Policy same-origin, X-Frame-Options DENY.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
if "GONGHUI_DATA_DIR" not in os.environ and "pytest" in sys.modules:
    # A test run never touches the real var/: keys, uploads and SQLite files go to a temp folder.
    os.environ["GONGHUI_DATA_DIR"] = tempfile.mkdtemp(prefix="gonghui-test-")
    import atexit
    import shutil

    # the run that made it removes it
    atexit.register(shutil.rmtree, os.environ["GONGHUI_DATA_DIR"], ignore_errors=True)
DATA_DIR = Path(os.environ.get("GONGHUI_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("GONGHUI_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret.key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("GONGHUI_DEBUG")
ALLOWED_HOSTS = os.environ.get("GONGHUI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GONGHUI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "ninja",  # serves Swagger UI from local static files, not a CDN
    "django_htmx",
    "template_partials",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.orgs",
    "gonghui.accounts",
    "gonghui.members",
    "gonghui.rosters",
    "gonghui.elections",
    "gonghui.campaigns",
    "gonghui.care",
    "gonghui.reports",
    "gonghui.worklife",
    "gonghui.finance",
    "gonghui.portal",
    "gonghui.sysconf",
    "gonghui.demo",
]

MIDDLEWARE = [
    "gonghui.core.security.NoStoreMiddleware",  # outermost: every answer, also those rewritten below
    "gonghui.core.errors.ApiErrorMiddleware",  # /api/: every error answer in the JSON shape
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files answered here, before CSP
    "csp.middleware.CSPMiddleware",
    "gonghui.accounts.middleware.IdleSessionMiddleware",  # sessions; idle expiry without a write per page
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gonghui.core.audit.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
    "gonghui.accounts.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context.nav",
            ],
        },
    }
]

_db_url = os.environ.get("GONGHUI_DATABASE_URL", "")
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # Each thread keeps its connection between requests (issue 19): opening one per request
            # (the PRAGMAs, Django's SQL functions) and closing it (a WAL checkpoint when it is the
            # last) cost more CPU than the query-free page itself.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "NAME": os.environ.get("GONGHUI_SQLITE_PATH", str(DATA_DIR / "gonghui.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server and the task worker read while one writes; a WAL file
                # that a large import grew is cut back to 64 MiB when next reset.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=67108864; "
                    "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gonghui.accounts.backends.ModelBackend",  # Django's, the account's org joined (issue 19)
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 等保-style session controls: idle expiry, no persistent cookie. The session is saved with a new
# expiry at most once a minute while in use (accounts/middleware.py IdleSessionMiddleware), not on
# every request (issue 19): it ends GONGHUI_SESSION_SECONDS after the last request, or up to a minute sooner.
SESSION_COOKIE_AGE = int(os.environ.get("GONGHUI_SESSION_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("GONGHUI_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- browser security (issue 12, findings 2 and 9) ---
# HSTS only where cookies are secure, i.e. the site is served over HTTPS (SecurityMiddleware sends it
# on HTTPS requests only). Subdomains are left out: an intranet host's siblings may still be HTTP.
SECURE_HSTS_SECONDS = int(os.environ.get("GONGHUI_HSTS_SECONDS", 31_536_000)) if SESSION_COOKIE_SECURE else 0
if _env_bool("GONGHUI_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere (page scripts are static/js/*.js, data goes in through json_script, htmx
# runs with allowEval=false from a meta tag in base.html), so script-src needs neither 'unsafe-inline'
# nor 'unsafe-eval'. Styles: templates use style= attributes and ECharts styles its tooltip DOM
# inline, hence 'unsafe-inline' for styles only. data: images: Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Reverse proxies whose X-Forwarded-For is believed (IPs or CIDR networks, comma-separated). None by
# default: the client IP is the peer address (core/http.py client_ip), for rate limits, lockout, audit.
GONGHUI_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("GONGHUI_TRUSTED_PROXIES", "").split(",") if p.strip()
]
for _proxy in GONGHUI_TRUSTED_PROXIES:
    ipaddress.ip_network(_proxy, strict=False)  # a typo fails at start, not on the first request
# API tokens expire after this many days unless created with another lifetime.
GONGHUI_TOKEN_DAYS = int(os.environ.get("GONGHUI_TOKEN_DAYS", 90))

AXES_FAILURE_LIMIT = int(os.environ.get("GONGHUI_LOCKOUT_FAILURES", 5))
AXES_COOLOFF_TIME = 0.5  # hours
# Per account, whatever the address (guessing from other addresses stops too), and per (account, IP).
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "gonghui.core.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GONGHUI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "redact": {"()": "gonghui.core.logging.RedactPII"},
        "one_line_403": {"()": "gonghui.core.logging.OneLineForbidden"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact", "one_line_403"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("GONGHUI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- domain settings (DOMAIN.md marks these *unverified*: defaults here, shown in help text) ---
# 建会率 denominator: surveyed employers with at least this many employees.
GONGHUI_COVERAGE_MIN_EMPLOYEES = int(os.environ.get("GONGHUI_COVERAGE_MIN_EMPLOYEES", 25))
# Dashboards read the history of a union with units under it (same day last year, year ends,
# groups) from the daily snapshots (`gonghui stats --snapshot`, run by the worker each night);
# a subtree of up to this many members is counted live instead (default 0: never; issue 19).
GONGHUI_DASHBOARD_LIVE_LIMIT = int(os.environ.get("GONGHUI_DASHBOARD_LIVE_LIMIT", 0))
# Roster imports (rosters/files.py): uploaded files and error files are sealed with the PII key
# and deleted this many days after the job ends; caps on one file's data rows and stored problems.
GONGHUI_IMPORT_RETENTION_DAYS = int(os.environ.get("GONGHUI_IMPORT_RETENTION_DAYS", 7))
GONGHUI_IMPORT_MAX_ROWS = int(os.environ.get("GONGHUI_IMPORT_MAX_ROWS", 1_000_000))
GONGHUI_IMPORT_MAX_ISSUES = int(os.environ.get("GONGHUI_IMPORT_MAX_ISSUES", 10_000))
GONGHUI_IMPORT_MAX_MB = int(os.environ.get("GONGHUI_IMPORT_MAX_MB", 200))
GONGHUI_DEMO_PASSWORD = os.environ.get("GONGHUI_DEMO_PASSWORD", "gonghui-demo-2026")

# Every other GONGHUI_* environment variable (the election rules of elections/conf.py, the SMS
# backend, the PDF font and seal, …) becomes a setting of the same name, as a string: the rest of
# the code reads settings, never the environment (issue 12). Two exceptions read the environment
# themselves, each for a reason: core/pii.py (the key must load in processes Django never
# configures) and the roster import's batch sizes (the command passes them to its reader process).
_SECRET_ENV = {"GONGHUI_DATABASE_URL", "GONGHUI_SECRET_KEY", "GONGHUI_PII_KEY"}  # read above, never kept
for _name, _value in os.environ.items():
    if _name.startswith("GONGHUI_") and _name not in globals() and _name not in _SECRET_ENV:
        globals()[_name] = _value

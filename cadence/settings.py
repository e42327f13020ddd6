"""Cadence settings, configured from the environment.

Every deployment choice is an environment variable (see docs/deployment.md) so that
the same code runs the zero-set-up demo (SQLite under ``var/``) and production
(PostgreSQL via ``DATABASE_URL``, behind HTTPS).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CADENCE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    # A self-hosted install should not need a set-up step for this: without
    # CADENCE_SECRET_KEY we generate one once and keep it beside the database.
    if key := os.environ.get("CADENCE_SECRET_KEY"):
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("CADENCE_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "CADENCE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "localhost"
)
CSRF_TRUSTED_ORIGINS = env_list("CADENCE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Form widgets' templates through TEMPLATES (FORM_RENDERER below).
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    # Cron schedules of the sweeps (cadence/notifications/tasks.py; docs/architecture.md).
    "crontask",
    "cadence.core",
    "cadence.accounts",
    "cadence.people",
    "cadence.planning",
    "cadence.goals",
    "cadence.kpis",
    "cadence.reviews",
    "cadence.meetings",
    "cadence.feedback",
    "cadence.development",
    "cadence.certifications",
    # Below the areas in the import order: areas call it, it imports none of them.
    "cadence.notifications",
    # Above the areas: the home page reads every area (each registers its section).
    "cadence.home",
    # Above the areas: it loads generated data through their services.
    "cadence.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cadence.urls"
WSGI_APPLICATION = "cadence.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cadence" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cadence.core.context_processors.navigation",
            ],
        },
    },
]

# Forms render through the project's templates, so that cadence/templates/django/forms/
# can say how a label reads: without Django's trailing colon, as every hand-written label.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'cadence.sqlite3'}",
        conn_max_age=int(os.environ.get("CADENCE_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (CADENCE_DB_CONN_MAX_AGE) as on PostgreSQL: a new one per
    # request ran the PRAGMAs below and started with an empty page cache, ~2 ms of a
    # 10 ms API page (bench api). An idle connection in WAL mode holds no lock.
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE transactions and WAL let the web process and the worker share the
        # file without "database is locked" errors half-way through a write.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

CACHES = {
    "default": {
        # Shared by every web worker, so sign-in rate limits hold across processes.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cadence_cache",
    }
}

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("CADENCE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One date format on every page ("1 Dec 2026", "1 Dec 2026, 14:05"): the locale files of
# cadence/formats come before Django's, which would otherwise win over these settings.
FORMAT_MODULE_PATH = ["cadence.formats"]
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("CADENCE_STATIC_ROOT", VAR_DIR / "static"))
# The site-wide stylesheet lives beside the site-wide templates, outside any app.
STATICFILES_DIRS = [BASE_DIR / "cadence" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# The largest certificate document (PDF, PNG, JPEG) one may upload, in bytes.
CADENCE_CERTIFICATE_MAX_BYTES = int(
    os.environ.get("CADENCE_CERTIFICATE_MAX_BYTES", str(10 * 1024 * 1024))
)

# --- Sign-in (django-allauth) ---------------------------------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "cadence.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # work emails come from the HRIS, already trusted
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
# The sign-in limits above count per client address. Behind a reverse proxy every
# request comes from the proxy's address, and one limit would lock out the whole
# organisation; so allauth takes the client's address from X-Forwarded-For, the entry
# this many proxies from the right (1 for the nginx of docs/deployment.md; 0 when
# clients connect directly, where the header could be forged). A proxy that sets one
# trusted header instead (e.g. X-Real-IP) is named by CADENCE_CLIENT_IP_HEADER.
ALLAUTH_TRUSTED_PROXY_COUNT = int(
    os.environ.get(
        "CADENCE_TRUSTED_PROXY_COUNT", "1" if env_bool("CADENCE_BEHIND_PROXY", True) else "0"
    )
)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("CADENCE_CLIENT_IP_HEADER") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Cadence"

# Production sends through SMTP (CADENCE_EMAIL_*, docs/deployment.md). Without
# CADENCE_EMAIL_HOST — the demo, a trial install, development — every mail is written as
# a file under var/mail/ (CADENCE_MAIL_DIR), where a newcomer can read what Cadence sent.
# The test settings use Django's in-memory backend instead.
if os.environ.get("CADENCE_EMAIL_HOST") and not DEBUG:
    _email_ssl = env_bool("CADENCE_EMAIL_SSL", False)
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["CADENCE_EMAIL_HOST"],
                "port": int(os.environ.get("CADENCE_EMAIL_PORT", "465" if _email_ssl else "587")),
                "username": os.environ.get("CADENCE_EMAIL_USER", ""),
                "password": os.environ.get("CADENCE_EMAIL_PASSWORD", ""),
                # STARTTLS (587) or implicit TLS (465): one or the other.
                "use_tls": env_bool("CADENCE_EMAIL_TLS", not _email_ssl),
                "use_ssl": _email_ssl,
                # Bounds one SMTP conversation, far below the delay after which a mail
                # still "sending" counts as interrupted (notifications/delivery.py).
                "timeout": int(os.environ.get("CADENCE_EMAIL_TIMEOUT", "30")),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": os.environ.get("CADENCE_MAIL_DIR") or str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("CADENCE_FROM_EMAIL", "Cadence <cadence@localhost>")

# --- Background work (Django tasks + database-backed worker) ----------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "CADENCE_TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"
        )
    }
}

# --- Security ---------------------------------------------------------------------
# Production defaults are strict; CADENCE_HTTPS=0 is for a trial on plain http only.
HTTPS = env_bool("CADENCE_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env_bool("CADENCE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("CADENCE_BEHIND_PROXY", True) else None
)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_HSTS_SECONDS = int(os.environ.get("CADENCE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Cadence ------------------------------------------------------------------------
# The company's name, for documents handed to people (a review's PDF letterhead).
CADENCE_COMPANY_NAME = os.environ.get("CADENCE_COMPANY_NAME", "")
# Share of the active organisation that a --full import may deactivate before it
# stops and asks for confirmation: a truncated HRIS export must not wipe the org.
CADENCE_IMPORT_MAX_DEACTIVATE_SHARE = float(
    os.environ.get("CADENCE_IMPORT_MAX_DEACTIVATE_SHARE", "0.10")
)
# Share of the active organisation whose manager an import may change before the
# preview and dry run warn (a wrong manager column moves everyone at once).
CADENCE_IMPORT_MANAGER_CHANGE_WARN_SHARE = float(
    os.environ.get("CADENCE_IMPORT_MANAGER_CHANGE_WARN_SHARE", "0.20")
)
# Custom attributes whose names contain one of these are sensitive (HR admins only)
# the first time an import sees them; HR admins can change it per attribute.
CADENCE_SENSITIVE_ATTRIBUTE_HINTS = [
    "gender",
    "sex",
    "ethnic",
    "race",
    "birth",
    "dob",
    "age",
    "religion",
    "disab",
    "nationality",
    "marital",
    "orientation",
    "pronoun",
    "salary",
    "compensation",
    "pay",
    "health",
    "medical",
    "ssn",
    "social security",
    "national id",
    "passport",
    "address",
    "phone",
    "veteran",
    "union",
]
CADENCE_DIRECTORY_PAGE_SIZE = 50
# A goal with no check-in for this many days is "stale" on the team goals page.
CADENCE_STALE_GOAL_DAYS = int(os.environ.get("CADENCE_STALE_GOAL_DAYS", "21"))
# Mail: the address links in mails start with (no trailing slash), the local hour at
# which each person's daily digest is made, and how mail delivery retries.
CADENCE_BASE_URL = os.environ.get("CADENCE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CADENCE_DIGEST_HOUR = int(os.environ.get("CADENCE_DIGEST_HOUR", "8"))
# A mail the server refuses for now is retried after 1, 2, 4, … times this many seconds
# (at most 6 hours apart), and given up (FAILED) after this many attempts.
CADENCE_MAIL_RETRY_SECONDS = int(os.environ.get("CADENCE_MAIL_RETRY_SECONDS", "60"))
CADENCE_MAIL_MAX_ATTEMPTS = int(os.environ.get("CADENCE_MAIL_MAX_ATTEMPTS", "10"))
# A goal still without a check-in this many days after it went stale: its owner's manager
# is told (the owner was reminded when it went stale).
CADENCE_STALE_GOAL_ESCALATE_DAYS = int(os.environ.get("CADENCE_STALE_GOAL_ESCALATE_DAYS", "7"))
# A KPI value not recorded this many days after the end of its period is overdue: whoever
# records it is reminded.
CADENCE_KPI_OVERDUE_GRACE_DAYS = int(os.environ.get("CADENCE_KPI_OVERDUE_GRACE_DAYS", "3"))
# Reminders and escalations reach people during their day: from the first to before the
# second hour, in each person's time zone ("8-20": 08:00–19:59). The sweeps run hourly and
# leave the others for a later run.
CADENCE_REMINDER_HOURS = tuple(
    int(h) for h in os.environ.get("CADENCE_REMINDER_HOURS", "8-20").split("-", 1)
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CADENCE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The scheduler logs every run of every job (its lock is renewed every 5 s):
        # only what goes wrong belongs in the log.
        "apscheduler": {"level": "WARNING"},
        # WeasyPrint (the review PDF) announces each rendering step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

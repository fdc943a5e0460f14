"""Settings shared by every environment. Values that differ per installation come from the
environment; see README.md ("Configuration") for the full list."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("WKN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute base address used in mail links (mail is rendered by workers, not in a request).
# Without it, the address `make run` serves (HOST and PORT, as core.run_all uses them), so
# a command run by hand links where the site really is. Production requires it.
SITE_URL = (
    os.environ.get("SITE_URL")
    or f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
).rstrip("/")
# Printed on recommendations (page, print, PDF) and stated as publisher in the open-data feed.
NETWORK_NAME = os.environ.get("NETWORK_NAME", "Willkommensnetz Sachsen-Anhalt")

# Retention (DSGVO, see core/retention.py): accounts unused this long are flagged to the
# coordinators; sent mails and events older than this are pruned daily (at least 32 days).
RETENTION_INACTIVE_ACCOUNT_DAYS = int(os.environ.get("RETENTION_INACTIVE_ACCOUNT_DAYS", "730"))
RETENTION_SENT_MAIL_DAYS = int(os.environ.get("RETENTION_SENT_MAIL_DAYS", "180"))
RETENTION_EVENT_DAYS = int(os.environ.get("RETENTION_EVENT_DAYS", "365"))
# Event attendees (name, e-mail, organisation) are deleted this many days after the event.
EVENT_ATTENDEE_RETENTION_DAYS = int(os.environ.get("EVENT_ATTENDEE_RETENTION_DAYS", "30"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "core",
    "workflows",
    "network",
    "notifications",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "core.input_guard.ControlCharacterMiddleware",  # NUL & co. in query or form: 400
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"
ASGI_APPLICATION = "core.asgi.application"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'willkommensnetz.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves web, worker and beat from one file: WAL lets readers and the
    # single writer overlap, the busy timeout waits instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and (
    os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0"
):
    # Prepared statements (issue 14): Django turns them off by default for poolers in
    # transaction mode. Planning the list's page query (six joins) took 2.9 of its 3.4 ms at a
    # million challenges; prepared, each web and worker connection (kept CONN_MAX_AGE) plans a
    # statement it has run twice only once. PgBouncer in session mode (docker-compose's scale
    # profile), or 1.21+ with max_prepared_statements in transaction mode, keeps them working;
    # DB_PREPARED_STATEMENTS=0 for a pooler that cannot.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": 2,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
# Every password check goes through the lock-out (core/lockout.py).
AUTHENTICATION_BACKENDS = ["core.auth_backends.LockoutModelBackend"]
# Trusted reverse proxies in front of the app that append to X-Forwarded-For (the TLS proxy:
# 1). The lock-out counts per account and client address; with 0 it takes the socket's peer.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-work"
LOGOUT_REDIRECT_URL = "good-practice-catalogue"

# Languages: German first, English second. Mail is rendered in the recipient's language.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads and bodies: refuse large requests early (challenges carry text, not files).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "wkn",
        }
    }
else:
    # Shared between web, worker and beat processes without a server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Mail. Without EMAIL_HOST mail is printed to the console (development); production sets it.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Willkommensnetz <noreply@willkommensnetz.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# How much one person's mail holds (notifications.digests, notifications.reminders).
NOTIFICATIONS_DIGEST_ITEMS = int(os.environ.get("NOTIFICATIONS_DIGEST_ITEMS", "5"))  # per section
NOTIFICATIONS_DIGESTS_PER_DAY = int(os.environ.get("NOTIFICATIONS_DIGESTS_PER_DAY", "1"))
# News one digest covers at most; the rest waits for the next digest.
NOTIFICATIONS_DIGEST_MAX_NEWS = int(os.environ.get("NOTIFICATIONS_DIGEST_MAX_NEWS", "200"))
NOTIFICATIONS_REMINDER_ITEMS = int(os.environ.get("NOTIFICATIONS_REMINDER_ITEMS", "20"))  # per urgency
# Reply by mail (notifications/inbound.py): event mails carry a Reply-To of
# reply+<token>@INBOUND_MAIL_DOMAIN, and `manage.py receive_mail` (SMTP, aiosmtpd) listens on
# INBOUND_MAIL_HOST:INBOUND_MAIL_PORT for what the domain's MX forwards. Empty domain: off.
INBOUND_MAIL_DOMAIN = os.environ.get("INBOUND_MAIL_DOMAIN", "").strip().lower()
INBOUND_MAIL_HOST = os.environ.get("INBOUND_MAIL_HOST", "127.0.0.1")
INBOUND_MAIL_PORT = int(os.environ.get("INBOUND_MAIL_PORT", "2525"))
# A larger reply is answered with "too large"; ten times this is refused by SMTP itself.
INBOUND_MAIL_MAX_BYTES = int(os.environ.get("INBOUND_MAIL_MAX_BYTES", "1000000"))

# Celery: Redis when REDIS_URL is set, else a filesystem broker that needs no server (it works
# across the web, worker and beat processes of `make run`).
# (The filesystem broker ignores the host; naming one keeps kombu from logging a warning about
# the missing hostname in every service's log.)
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"
# Redis hands a message not acknowledged within this many seconds to another worker. No
# countdown or ETA may come near it (core.celery.bounded_countdown; tests/test_countdowns.py
# reads the code base for it): far-off work is found by periodic database scans, see PITFALLS.md.
BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS: dict = (
    {"visibility_timeout": BROKER_VISIBILITY_TIMEOUT}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
)
if not REDIS_URL:
    for _folder in ("out", "processed", "control"):
        (VAR_DIR / "broker" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None  # nothing reads task results; the database holds every outcome
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task is acknowledged after it ran, so a crash redelivers it
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ...including when the worker process is killed
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with late acks, do not hoard messages
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE  # the beat schedule (core/celery.py) is in local time
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses the broker connection lets what it is running finish (unacknowledged, so
# the message may come again: every task is idempotent). Cancelling instead crashed the prefork
# worker for good on reconnection ("Unrecoverable error: AttributeError ... 'hostname'",
# celery#9250) when Redis restarted: `make faults` (redis-restart) caught it, 0 of 300 sent.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Delivery of the outbox under faults (notifications/outbox.py, notifications/digest_runs.py).
# A claimed mail is someone's for this long; past it, its worker is presumed dead and the outbox
# scan sends it again. Longer than EMAIL_TIMEOUT and the send task's time limit (60 s).
MAIL_SEND_LEASE_SECONDS = int(os.environ.get("MAIL_SEND_LEASE_SECONDS", "300"))
# Back-off between attempts when the mail server refuses: base · 2ⁿ⁻¹, at most the maximum.
MAIL_RETRY_BASE_SECONDS = float(os.environ.get("MAIL_RETRY_BASE_SECONDS", "2"))
MAIL_RETRY_MAX_SECONDS = float(os.environ.get("MAIL_RETRY_MAX_SECONDS", "600"))
# A mail still failing this long after it was queued is given up: "failed" in the admin, with
# its error, where a coordinator can send it again.
MAIL_GIVE_UP_AFTER_HOURS = float(os.environ.get("MAIL_GIVE_UP_AFTER_HOURS", "72"))
# The outbox scan re-enqueues pending mail and events older than this (younger ones are still
# on their normal way through the broker).
OUTBOX_SCAN_GRACE_SECONDS = int(os.environ.get("OUTBOX_SCAN_GRACE_SECONDS", "120"))
# Message-ID domain; empty: the host of SITE_URL.
MAIL_MESSAGE_ID_DOMAIN = os.environ.get("MAIL_MESSAGE_ID_DOMAIN", "")
# Digest runs: people per batch task, how long a handed-out batch may take before the catch-up
# scan hands it out again, and how long after its scheduled time a missing run is started.
DIGEST_BATCH_SIZE = int(os.environ.get("DIGEST_BATCH_SIZE", "100"))
DIGEST_BATCH_LEASE_SECONDS = int(os.environ.get("DIGEST_BATCH_LEASE_SECONDS", "600"))
DIGEST_CATCH_UP_HOURS = float(os.environ.get("DIGEST_CATCH_UP_HOURS", "12"))

# Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.HashedTokenAuthentication",  # personal tokens, stored hashed
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.WillkommensnetzAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    # The API speaks JSON; the web pages post their forms to Django views, not here.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "60/min"),
        "user": os.environ.get("THROTTLE_USER", "600/min"),
        "token": os.environ.get("THROTTLE_TOKEN", "10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Willkommensnetz API",
    "DESCRIPTION": "Challenges, their lifecycle and good practices of the Willkommensnetz network.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ChallengeStateEnum": "workflows.models.State",
        "ClosureReasonEnum": "workflows.models.ClosureReason",
        "GoodPracticeStatusEnum": "workflows.models.GoodPractice.Status",  # the record and its detail
    },
}

# Content-Security-Policy: every script, style and font comes from us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag; keep default
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Two-factor sign-in (core/two_factor.py, README "Two-factor sign-in"): TOTP devices of
# django-otp, recovery codes of ours (stored hashed). The operator can require it for
# coordinators (they are sent to its set-up after signing in and reach nothing else until it
# is on) and for the admin (staff without it are sent to the set-up from /admin/).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("core.middleware.UserLanguageMiddleware") + 1,
    "core.two_factor.TwoFactorRequiredMiddleware",
)
WKN_REQUIRE_2FA_FOR_COORDINATORS = env_bool("WKN_REQUIRE_2FA_FOR_COORDINATORS")
WKN_REQUIRE_2FA_FOR_ADMIN = env_bool("WKN_REQUIRE_2FA_FOR_ADMIN")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Willkommensnetz")
# Awareness material (network/uploads.py): the largest file a partner may upload, in bytes.
# Stored in the default storage (MEDIA_ROOT under var/, outside the static root) and only ever
# served as a download by a view that checks who may see it.
MATERIAL_MAX_UPLOAD_BYTES = int(os.environ.get("MATERIAL_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

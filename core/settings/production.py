"""Production: PostgreSQL, Redis, real SMTP. Secrets have no default and fail loudly."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def mandatory(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


SECRET_KEY = mandatory("SECRET_KEY")
# Every link in mail starts here; a wrong default would send people to nowhere.
SITE_URL = mandatory("SITE_URL").rstrip("/")
DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS only (`manage.py check --deploy --fail-level WARNING` passes with these defaults; a test
# runs it). See README.md, "HTTPS and the TLS proxy".
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)  # noqa: F405
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)  # noqa: F405
# The TLS proxy in front of gunicorn must set (and overwrite any client-sent) X-Forwarded-Proto;
# Django then knows which requests came in over HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)  # noqa: F405
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)  # noqa: F405
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
if not SECURE_SSL_REDIRECT:
    # Switched off on purpose: the TLS proxy redirects plain HTTP itself (or, in the compose
    # stack on localhost, there is no TLS at all). The check's reminder is answered.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]

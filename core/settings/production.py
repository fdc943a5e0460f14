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
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)  # noqa: F405
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))

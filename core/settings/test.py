"""Settings for the test suite. DATABASE_URL / REDIS_URL come from the environment (CI points
them at the machine's PostgreSQL and Redis); without them SQLite and the filesystem broker."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-6a4f2c"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test starts with an empty cache (throttles, lock-outs); see tests/conftest.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "token": "10000/min"},
}
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver", "[::1]"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if not REDIS_URL:  # noqa: F405
    # Without Redis, tests enqueue into a folder of their own, never into var/broker where a
    # running `make run` worker would pick their messages up.
    import atexit as _atexit
    import shutil as _shutil
    import tempfile as _tempfile

    _broker = Path(_tempfile.mkdtemp(prefix="wkn-test-broker-"))  # noqa: F405
    _atexit.register(_shutil.rmtree, _broker, ignore_errors=True)  # no folder left per run
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "out"),
        "data_folder_out": str(_broker / "out"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }
    for _folder in ("out", "processed", "control"):
        (_broker / _folder).mkdir()

# django-otp slows a device down after a wrong code (1 s, 2 s, 4 s …); tests type a wrong code
# and then the right one at once. The lock-out (core/lockout.py) stays in force.
OTP_TOTP_THROTTLE_FACTOR = 0

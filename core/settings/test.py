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

# pytest-xdist (`make test` runs the suite with -n): every worker process gets a Redis database
# of its own, the given one plus the worker's index (REDIS_URL=redis://host:6379/10: gw0 -> 10,
# gw1 -> 11), so one worker's broker purge, queued tasks, lock-out and throttle keys never meet
# another's. The environment is rewritten too: tests and the processes they start read it.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # noqa: F405
if REDIS_URL and _xdist_worker.startswith("gw"):  # noqa: F405
    from urllib.parse import urlsplit as _urlsplit

    _base_url = os.environ.setdefault("WKN_TEST_REDIS_BASE_URL", REDIS_URL)  # noqa: F405
    _parts = _urlsplit(_base_url)
    _base_db = int(_parts.path.strip("/") or 0)
    _db = _base_db + int(_xdist_worker[2:])
    if _db > 15:
        raise RuntimeError(
            f"xdist worker {_xdist_worker} would use Redis database {_db} (REDIS_URL {_base_url}); "
            "Redis has 0-15: start from a lower database or run fewer workers"
        )
    REDIS_URL = _parts._replace(path=f"/{_db}").geturl()
    os.environ["REDIS_URL"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = REDIS_URL
# django-otp slows a device down after a wrong code (1 s, 2 s, 4 s …); tests type a wrong code
# and then the right one at once. The lock-out (core/lockout.py) stays in force.
OTP_TOTP_THROTTLE_FACTOR = 0

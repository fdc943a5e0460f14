"""Settings of the server the scale benchmark starts (gunicorn, `make bench`): the product's
base settings, plus the floor's URLs (``benchmarks.floor``) and no throttling (the load comes
from one address). Never used by the product."""

import os

from core.settings.base import *  # noqa: F401,F403
from core.settings.base import REST_FRAMEWORK

SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-only-not-secret-" + "x" * 40
DEBUG = False
ROOT_URLCONF = "benchmarks.floor"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
# The login lock-out and the sessions are not what is measured: sessions in the cache as in
# production with Redis.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

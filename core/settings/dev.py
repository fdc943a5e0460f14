"""Development and the embedded default of `make run`: SQLite, filesystem broker, console mail."""

import os

from .base import *  # noqa: F403
from .base import SECRET_KEY as _SECRET_KEY

DEBUG = os.environ.get("DEBUG", "1") not in {"0", "false", "False"}
# A fixed development key: never used in production, which refuses to start without its own.
SECRET_KEY = _SECRET_KEY or "dev-only-insecure-key-change-me-0f6c1b2e8a"

# Serve static files straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

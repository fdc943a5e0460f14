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

# Mail of the embedded default stays on this machine: written to files under WKN_VAR_DIR/mail and
# shown at /dev/mail/ (core/dev_mail.py), instead of flooding the terminal of `make run`.
if not EMAIL_HOST and "EMAIL_BACKEND" not in os.environ:  # noqa: F405
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")  # noqa: F405
    DEV_MAIL_VIEWER = True

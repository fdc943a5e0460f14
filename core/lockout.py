"""The login lock-out, shared by the sign-in page and the API's token endpoint (whose stricter
rate is DRF's ``ScopedRateThrottle`` with the scope ``token``).

Throttling slows everyone down a little and is no security boundary (it counts per address,
and addresses are cheap). The lock-out counts failed sign-ins per email address in the shared
cache: after ``LOCKOUT_ATTEMPTS`` failures within ``LOCKOUT_WINDOW`` seconds, that address
cannot obtain a token until the window has passed, whatever the password.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

LOCKOUT_ATTEMPTS = 10
LOCKOUT_WINDOW = 15 * 60  # seconds


def _key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"login-failures:{digest}"


def is_locked_out(email: str) -> bool:
    return (cache.get(_key(email)) or 0) >= LOCKOUT_ATTEMPTS


def record_failed_login(email: str) -> int:
    """Count one failed attempt; the window starts at the first failure."""
    key = _key(email)
    cache.add(key, 0, timeout=LOCKOUT_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LOCKOUT_WINDOW)
        return 1


def clear_failed_logins(email: str) -> None:
    cache.delete(_key(email))

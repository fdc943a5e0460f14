"""One lock-out for every way in: the sign-in page, the admin's sign-in, the API's token
endpoint (all three through :class:`core.auth_backends.LockoutModelBackend`) and password-reset
requests (:mod:`core.password_reset`).

Why our own and not django-axes (issue 10, items 3 and 8): axes counts a failure *after* the
password was checked and asks "locked?" *before* — check, then act. Twelve guesses sent at once
all pass the check before the first failure is counted, so all twelve are tried against a limit
of ten. Here every attempt first *takes* a numbered ticket with one atomic ``INCR`` in the shared
cache (Redis in production; the in-memory and database caches increment under a lock too) and is
refused, without the password being looked at, when its number is past the limit. A success
hands the tickets back.

Attempts are counted per account *and* source address together, so a stranger elsewhere cannot
lock a person out by guessing at their address. (DRF's throttling, per source, slows
address-hopping guessers down; it is no security boundary of its own.)
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

LOCKOUT_ATTEMPTS = 10
LOCKOUT_WINDOW = 15 * 60  # seconds; the window starts with the first attempt


def _key(scope: str, parts: tuple[str, ...]) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"lockout:{scope}:{digest}"


def source_of(request: HttpRequest | None) -> str:
    """The client's address. Behind ``PROXY_COUNT`` trusted proxies it is the address the
    outermost of them saw (counted from the right of ``X-Forwarded-For``, which only the proxies
    wrote); without proxies, the socket's peer."""
    if request is None:
        return ""
    hops = getattr(settings, "PROXY_COUNT", 0)
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def normalise_account(account: str) -> str:
    return (account or "").strip().lower()


def take_attempt(scope: str, *parts: str, limit: int = LOCKOUT_ATTEMPTS,
                 window: int = LOCKOUT_WINDOW) -> bool:
    """Count one attempt for ``(scope, *parts)``; ``True`` while it is within ``limit``.
    Atomic: of N parallel callers exactly ``limit`` get ``True`` per window."""
    key = _key(scope, parts)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    return count <= limit


def is_locked(scope: str, *parts: str, limit: int = LOCKOUT_ATTEMPTS) -> bool:
    """Whether ``(scope, *parts)`` used up its attempts (no attempt is counted)."""
    return (cache.get(_key(scope, parts)) or 0) >= limit


def give_back(scope: str, *parts: str) -> None:
    """Forget the attempts of ``(scope, *parts)`` (after a successful sign-in)."""
    cache.delete(_key(scope, parts))


# The sign-in: one counter per account and source, shared by every door.
SIGN_IN = "sign-in"


def take_sign_in_attempt(request: HttpRequest | None, account: str) -> bool:
    return take_attempt(SIGN_IN, normalise_account(account), source_of(request))


def sign_in_succeeded(request: HttpRequest | None, account: str) -> None:
    give_back(SIGN_IN, normalise_account(account), source_of(request))

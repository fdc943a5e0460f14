"""Process-local copies of what every search reads but rarely changes (the synonym groups, the
vocabulary's document counts, the typo neighbours of a term), each under a *version* kept in
Django's cache.

A search asks the shared cache for the versions (one round trip, no SQL) and uses its own
copy while the version is the same; whoever changes the data (``bump``) sets a new version, so
every process reads the data anew on its next search. A version missing from the cache (a
cleared or restarted cache, each test) is a new one: nothing stale survives it. ``max_age``
also bounds how long a copy is trusted without a bump (a bump set inside a write's
transaction reaches a search that reads before the commit, which then keeps the old data).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.cache import cache

KEY_PREFIX = "search:version:"
MAX_ENTRIES = 20_000  # per copy; a copy this full starts again (query words are unbounded)

_copies: dict[str, tuple[str, float, dict[Any, Any]]] = {}


def versions(*names: str) -> dict[str, str]:
    """The current version of each named copy (one cache round trip)."""
    keys = {KEY_PREFIX + name: name for name in names}
    found = cache.get_many(list(keys))
    result = {}
    for key, name in keys.items():
        version = found.get(key)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(key, version, timeout=None):  # another process was first
                version = cache.get(key) or version
        result[name] = version
    return result


def copy(name: str, version: str, *, max_age: float | None = None) -> dict[Any, Any]:
    """This process's copy of ``name`` at ``version`` (empty when the version moved on, the
    copy is older than ``max_age`` seconds or full): callers fill it as they read."""
    held = _copies.get(name)
    now = time.monotonic()
    if (
        held is None
        or held[0] != version
        or (max_age is not None and now - held[1] > max_age)
        or len(held[2]) >= MAX_ENTRIES
    ):
        held = _copies[name] = (version, now, {})
    return held[2]


def bump(name: str) -> None:
    """``name`` changed: every process reads it anew on its next search."""
    cache.set(KEY_PREFIX + name, uuid.uuid4().hex, timeout=None)

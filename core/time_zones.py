"""The time zones a person may choose (IANA names known to ``zoneinfo``) and the zone a person's
pages and mails are shown in."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from django.conf import settings


@functools.lru_cache(maxsize=1)
def names() -> tuple[str, ...]:
    """Every region/city zone, sorted ("Etc/GMT+3", "posixrules" and the like left out: people
    choose a place, and the zone's daylight-saving rules follow from it)."""
    return tuple(
        sorted(
            name
            for name in zoneinfo.available_timezones()
            if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        )
    )


def is_known(name: str) -> bool:
    return name in names() or name == settings.TIME_ZONE


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def zone_of(user: Any) -> zoneinfo.ZoneInfo:
    """The person's zone, or the site's when theirs is unset or no longer known."""
    name = getattr(user, "time_zone", "") or settings.TIME_ZONE
    if not is_known(name):
        name = settings.TIME_ZONE
    return _zone(name)

"""The sections of the public start page, filled by whoever knows them.

``network`` sits beside ``workflows`` on the same floor and imports only ``core``, yet the start
page shows workflows' latest good practices. So the page asks this registry, and the layers
fill it at start-up:

- ``register_section(key, provider)``: ``provider(request) -> object`` returns what the template
  shows under ``sections.<key>`` (a list of rows, usually). Registering a key again replaces its
  provider (``ready()`` may run twice in tests).
- ``network`` registers its own sections in ``NetworkConfig.ready``: ``news`` (the latest public
  news) and ``events`` (the next public events, from ``network.selectors_events`` when that
  module exists; else no events).
- ``notifications`` (the layer above both floors) registers ``good_practices`` (the latest
  published records, from ``workflows``) in ``notifications/public_sections.py``.

A section with no provider is ``None`` for the template, which says so in words; a provider
that fails is logged and shown as empty: the public page never breaks for one section.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

Provider = Callable[[Any], Any]
_providers: dict[str, Provider] = {}

START_PAGE_NEWS = 3
START_PAGE_EVENTS = 3


def register_section(key: str, provider: Provider) -> None:
    """Show ``provider(request)`` as ``sections.<key>`` on the start page."""
    _providers[key] = provider


def registered() -> tuple[str, ...]:
    return tuple(_providers)


def sections_for(request: Any) -> dict[str, Any]:
    """What every registered provider returns for ``request`` (a failing one: empty)."""
    result: dict[str, Any] = {}
    for key, provider in _providers.items():
        try:
            value = provider(request)
            result[key] = list(value) if value is not None and not isinstance(value, dict) else value
        except Exception:
            logger.exception("Start-page section %s failed", key)
            result[key] = []
    return result


# --- network's own sections ---------------------------------------------------------------


def latest_news(request: Any) -> list[Any]:
    from django.contrib.auth.models import AnonymousUser

    from .selectors_public import news_visible_to

    # The public page shows what a visitor may see, also to signed-in people.
    return list(news_visible_to(AnonymousUser())[:START_PAGE_NEWS])


def next_events(request: Any) -> list[Any]:
    """The next public events, when the events part of this app is installed."""
    try:
        from . import selectors_events
    except ImportError:
        return []
    upcoming = getattr(selectors_events, "public_upcoming_events", None)
    if upcoming is None:
        return []
    return list(upcoming(limit=START_PAGE_EVENTS))


def register_network_sections() -> None:
    register_section("news", latest_news)
    register_section("events", next_events)

"""Where the layers above ``network`` learn what happened to events and registrations.

The same pattern as ``core.hooks``: ``network`` never imports ``notifications``; its services
announce what happened, and ``notifications`` subscribes in its ``AppConfig.ready`` (it queues
the mails). Subscribers run inside the announcing service's transaction, each in a savepoint of
its own: their outbox rows commit together with the change, or not at all. A failing subscriber
is logged and rolled back alone; the person's action stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# What the event services announce, with the keyword arguments they pass.
REGISTRATION_CONFIRMED = "registration_confirmed"  # registration
REGISTRATION_WAITING = "registration_waiting"  # registration
REGISTRATION_MOVED_UP = "registration_moved_up"  # registration
REGISTRATION_CANCELLED = "registration_cancelled"  # registration
CO_ORGANISER_OFFERED = "co_organiser_offered"  # co_organiser
REGISTRATIONS_DELETED = "registrations_deleted"  # registration_ids (retention)
KINDS = (
    REGISTRATION_CONFIRMED,
    REGISTRATION_WAITING,
    REGISTRATION_MOVED_UP,
    REGISTRATION_CANCELLED,
    CO_ORGANISER_OFFERED,
    REGISTRATIONS_DELETED,
)

Subscriber = Callable[..., None]
_subscribers: dict[str, list[Subscriber]] = {kind: [] for kind in KINDS}


def subscribe(kind: str, subscriber: Subscriber) -> None:
    """Call ``subscriber(**payload)`` whenever ``kind`` is announced. Subscribing the same
    function twice (``ready()`` may run twice in tests) is a no-op."""
    if kind not in _subscribers:
        raise ValueError(f"Unknown network event: {kind}")
    if subscriber not in _subscribers[kind]:
        _subscribers[kind].append(subscriber)


def announce(kind: str, **payload: Any) -> None:
    """Tell the subscribers of ``kind``; call it inside the service's transaction."""
    for subscriber in _subscribers[kind]:
        try:
            with transaction.atomic():
                subscriber(**payload)
        except Exception:
            logger.exception("Subscriber %r of %s failed", subscriber, kind)

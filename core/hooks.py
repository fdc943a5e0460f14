"""Where the layers above the network base learn what happened to memberships.

``core`` never imports ``notifications``: its services announce what happened (an application
received, an organisation admitted, a request to join declined …) with :func:`announce`, and
whoever cares subscribes in its ``AppConfig.ready`` (``notifications`` queues the mails). With
nothing subscribed, ``core`` works on its own and nobody is told.

Subscribers run inside the announcing service's transaction, in a savepoint of their own: what
they write (the outbox rows of the mails) commits together with the change itself, or not at
all, so a crash can neither lose the mail of a committed admission nor mail one that rolled
back. A failing subscriber is logged and rolled back alone; the person's action stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# What the membership services announce, with the keyword arguments they pass.
APPLICATION_RECEIVED = "application_received"  # organisation, person
APPLICATION_ADMITTED = "application_admitted"  # organisation, actor
APPLICATION_DECLINED = "application_declined"  # organisation, actor, reason
JOIN_REQUESTED = "join_requested"  # request
JOIN_ADMITTED = "join_admitted"  # request, actor
JOIN_DECLINED = "join_declined"  # request, actor, reason
# ... and what the account services announce (core.email_change, core.tasks): duty mails.
EMAIL_CHANGE_REQUESTED = "email_change_requested"  # change, token
EMAIL_CHANGED = "email_changed"  # change
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # user, path, request_id
KINDS = (
    APPLICATION_RECEIVED,
    APPLICATION_ADMITTED,
    APPLICATION_DECLINED,
    JOIN_REQUESTED,
    JOIN_ADMITTED,
    JOIN_DECLINED,
    EMAIL_CHANGE_REQUESTED,
    EMAIL_CHANGED,
    PASSWORD_RESET_REQUESTED,
)

Subscriber = Callable[..., None]
_subscribers: dict[str, list[Subscriber]] = {kind: [] for kind in KINDS}


def subscribe(kind: str, subscriber: Subscriber) -> None:
    """Call ``subscriber(**payload)`` whenever ``kind`` is announced. Subscribing the same
    function twice (``ready()`` may run twice in tests) is a no-op."""
    if kind not in _subscribers:
        raise ValueError(f"Unknown membership event: {kind}")
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

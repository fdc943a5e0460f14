"""The seam between the audit trail and background mail.

Services call :func:`event_recorded` inside their transaction; the fan-out is enqueued only
after commit. A lost message is harmless: the periodic scan finds events not yet notified, so a
broker that is down delays mail but never fails the person's action.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

_suppressed: ContextVar[bool] = ContextVar("wkn_dispatch_suppressed", default=False)


@contextmanager
def suppressed() -> Iterator[None]:
    """Record events without enqueueing their fan-out: for bulk loads of history (seed_demo),
    whose events are marked notified at the end. The events themselves are still written."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def event_recorded(event_id: int) -> None:
    if _suppressed.get():
        return
    def enqueue() -> None:
        from notifications.tasks import deliver_event

        try:
            deliver_event.delay(event_id)
        except Exception:  # the broker is down: the periodic scan delivers it later
            logger.warning(
                "Could not enqueue delivery of event %s; the scan will catch up",
                event_id,
                exc_info=True,
            )

    transaction.on_commit(enqueue)

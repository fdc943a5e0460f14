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


def enqueue_on_commit(task_name: str, object_id: int) -> None:
    """Enqueue ``notifications.tasks.<task_name>(object_id)`` once the transaction commits. A
    broker that is down is logged, not raised: the periodic outbox scan re-enqueues what the
    database still marks as pending, so the person's action never fails for it."""

    def enqueue() -> None:
        from notifications import tasks

        try:
            getattr(tasks, task_name).delay(object_id)
        except Exception:  # the broker is down: the scan catches up
            logger.warning(
                "Could not enqueue %s(%s); the outbox scan will catch up",
                task_name,
                object_id,
                exc_info=True,
            )

    transaction.on_commit(enqueue)


def event_recorded(event_id: int) -> None:
    if _suppressed.get():
        return
    enqueue_on_commit("deliver_event", event_id)

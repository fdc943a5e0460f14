"""The seam between the audit trail and background mail.

Services call :func:`event_recorded` inside their transaction; the fan-out is enqueued only
after commit. A lost message is harmless: the periodic scan finds events not yet notified, so a
broker that is down delays mail but never fails the person's action.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def event_recorded(event_id: int) -> None:
    def enqueue() -> None:
        from notifications.tasks import deliver_event

        try:
            deliver_event.delay(event_id)
        except Exception:  # the broker is down: the periodic scan delivers it later
            logger.warning("Could not enqueue delivery of event %s; the scan will catch up", event_id, exc_info=True)

    transaction.on_commit(enqueue)

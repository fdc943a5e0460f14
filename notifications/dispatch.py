"""The seam between the audit trail and background mail.

Services call :func:`event_recorded` inside their transaction; the fan-out is enqueued only
after commit. A lost message is harmless: the periodic scan finds events not yet notified.
"""

from __future__ import annotations

from django.db import transaction


def event_recorded(event_id: int) -> None:
    def enqueue() -> None:
        from notifications.tasks import deliver_event

        deliver_event.delay(event_id)

    transaction.on_commit(enqueue)

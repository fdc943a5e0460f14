"""The seam between the audit trail and background mail.

``workflows`` services record events and call the subscribers registered in
``workflows.hooks`` after commit; :func:`event_recorded` is ours and enqueues the fan-out. A lost message is
harmless: the periodic scan finds events not yet notified, so a broker that is down delays mail
but never fails the person's action.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task_name: str, object_id: int | list[int], **options: Any) -> None:
    """Enqueue ``notifications.tasks.<task_name>(object_id)`` now (call it after commit; a
    batch task takes a list of ids; ``options`` go to ``apply_async``, a ``priority`` say). A
    broker that is down is logged, not raised: the periodic scans re-enqueue what the
    database still marks as pending, so the person's action never fails for it."""
    from notifications import tasks

    task = getattr(tasks, task_name)
    try:
        if options:
            task.apply_async(args=(object_id,), **options)
        else:
            task.delay(object_id)
    except Exception:  # the broker is down: the scan catches up
        logger.warning(
            "Could not enqueue %s(%s); the outbox scan will catch up",
            task_name,
            object_id,
            exc_info=True,
        )


def enqueue_on_commit(task_name: str, object_id: int | list[int], **options: Any) -> None:
    """:func:`enqueue` once the current transaction commits (never if it rolls back)."""
    transaction.on_commit(lambda: enqueue(task_name, object_id, **options))


def event_recorded(event_id: int) -> None:
    """Subscriber of ``workflows.hooks`` (registered in ``NotificationsConfig.ready``): runs after
    the commit that recorded the event and fans its mail out in the background."""
    enqueue("deliver_event", event_id)

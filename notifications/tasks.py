"""Celery tasks: thin, take ids, safe to run twice. Each calls one service; idempotency lives in
the database (``OutgoingMail``, ``Reminder``, ``Event.notified_at``), not in hoping a task runs
once. The periodic ones are scheduled in ``core/celery.py``."""

from __future__ import annotations

import smtplib

from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)

# Mail errors worth retrying: the SMTP server said "later" or could not be reached. Countdowns
# stay short (2, 4, 8 … s, at most two minutes, with jitter) and far below Redis' visibility
# timeout (see PITFALLS.md); after the retries the outbox scan keeps trying every few minutes.
RETRYABLE = (smtplib.SMTPException, OSError)


@shared_task(name="notifications.deliver_event", acks_late=True)
def deliver_event(event_id: int) -> int:
    """Fan out the immediate notifications of one event (once: see ``event_fan_out``)."""
    from .services import event_fan_out

    return len(event_fan_out(event_id=event_id))


@shared_task(
    name="notifications.send_mail",
    acks_late=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=90,
    time_limit=120,
)
def send_mail(mail_id: int) -> bool:
    """Send one mail of the outbox (claimed under a lock, marked sent in the same transaction)."""
    from .services import mail_send

    return mail_send(mail_id=mail_id)


@shared_task(name="notifications.scan_outbox")
def scan_outbox() -> dict:
    """Safety net: re-enqueue events not fanned out and mails not sent (a lost message)."""
    from .services import outbox_scan

    found = outbox_scan()
    if any(found.values()):
        logger.info("Outbox scan re-enqueued %(events)d events and %(mails)d mails", found)
    return found


@shared_task(name="notifications.send_reminders")
def send_reminders() -> int:
    """Decide the due reminders and escalations; their mails go out through ``send_mail``."""
    from .services import reminders_send

    outcomes = reminders_send()
    for outcome in outcomes:
        logger.info(
            "Reminder level %s for challenge %s to %d people",
            outcome.level, outcome.challenge.pk, len(outcome.mails),
        )
    return len(outcomes)


@shared_task(name="notifications.send_digests")
def send_digests(period: str) -> int:
    """Queue this period's digests ("daily" or "weekly")."""
    from .services import digests_send

    outcomes = digests_send(period=period)
    logger.info("%d %s digests queued", len(outcomes), period)
    return len(outcomes)


@shared_task(name="workflows.rebuild_good_practices", time_limit=1800, soft_time_limit=1700)
def rebuild_good_practices() -> int:
    """Recompute every good-practice record from the database (harmless to repeat). It lives
    here because this app holds the project's Celery tasks (DESIGN.md, Architecture)."""
    from workflows.good_practices import good_practices_rebuild

    return good_practices_rebuild()

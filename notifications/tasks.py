"""Celery tasks: thin, take ids, safe to run twice."""

from celery import shared_task


@shared_task(name="notifications.deliver_event")
def deliver_event(event_id: int) -> None:
    """Fan out immediate notifications for one event (implemented by the notifications work)."""

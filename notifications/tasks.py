"""Celery tasks: thin, take ids, safe to run twice. Each calls one service; idempotency lives in
the database (``OutgoingMail``, ``Reminder``, ``Event.notified_at``), not in hoping a task runs
once. The periodic ones are scheduled in ``core/celery.py``."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(name="notifications.deliver_event", acks_late=True)
def deliver_event(event_id: int) -> int:
    """Fan out the immediate notifications of one event (once: see ``event_fan_out``)."""
    from .services import event_fan_out

    return len(event_fan_out(event_id=event_id))


@shared_task(
    name="notifications.send_mail",
    bind=True,
    acks_late=True,
    max_retries=None,  # the row decides when to give up (notifications/outbox.py)
    # Well inside the claim's lease (MAIL_SEND_LEASE_SECONDS), so a live worker never loses it.
    soft_time_limit=45,
    time_limit=60,
)
def send_mail(self, mail_id: int) -> bool:
    """Send one mail of the outbox (claim, send outside any transaction, mark sent). After a
    failure the row holds the time of the next attempt (back-off); this task comes back then,
    with a countdown kept below the broker's visibility timeout. Given up: nothing more."""
    from django.utils import timezone

    from core.celery import bounded_countdown

    from .outbox import MailNotSent, mail_send

    try:
        return mail_send(mail_id=mail_id)
    except MailNotSent as failure:
        if failure.retry_at is None:
            return False  # given up: "failed" in the admin, with the error, and logged
        wait = (failure.retry_at - timezone.now()).total_seconds()
        raise self.retry(countdown=bounded_countdown(wait)) from None


# Sending a batch stops beginning mails after this long, well inside its soft time limit and
# the claim's lease; what is left goes out in a fresh task.
BATCH_SEND_BUDGET_SECONDS = 150


@shared_task(
    name="notifications.send_mail_batch",
    acks_late=True,
    # Inside the claim's lease (MAIL_SEND_LEASE_SECONDS); the service stops beginning mails
    # after BATCH_SEND_BUDGET_SECONDS, before the soft limit.
    soft_time_limit=200,
    time_limit=240,
)
def send_mail_batch(mail_ids: list[int]) -> int:
    """Send a batch of the outbox (a digest batch's mails) over one SMTP connection, each mail
    marked sent right after the server accepted it. What the lease left no time for comes back
    at once as a new batch; the refused ones come back together when the last of their
    back-offs is over (each row keeps its own, so none is tried early; the outbox scan is the
    safety net). Returns how many this call sent."""
    import datetime

    from django.utils import timezone

    from core.celery import bounded_countdown

    from . import dispatch
    from .outbox import mail_send_batch

    outcome = mail_send_batch(
        mail_ids=mail_ids, budget=datetime.timedelta(seconds=BATCH_SEND_BUDGET_SECONDS)
    )
    if outcome.released:  # a broker that is down is logged: the rows are due, the scan sends them
        dispatch.enqueue("send_mail_batch", outcome.released)
    retrying = [failure for failure in outcome.failed if failure.retry_at is not None]
    if retrying:
        wait = (max(f.retry_at for f in retrying) - timezone.now()).total_seconds()
        send_mail_batch.apply_async(
            args=[[f.mail_id for f in retrying]], countdown=bounded_countdown(wait)
        )
    return len(outcome.sent)


@shared_task(name="notifications.scan_outbox")
def scan_outbox() -> dict:
    """Safety net: re-enqueue events not fanned out and mails not sent (a lost message)."""
    from .outbox import outbox_scan

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
    """Start this period's digest run ("daily" or "weekly"): its batches go out as
    ``build_digest_batch`` tasks. Run twice, the second finds the run and does nothing."""
    from .digest_runs import digest_run_start

    run = digest_run_start(period=period)
    return 0 if run is None else run.batches.count()


# Batches are handed out at this priority (``digest_runs``). On Redis, 0 is the highest and
# the default: the batches' sends (and every other mail) are taken before the next build, so
# sending starts with the first batch built and a second worker process sends while the other
# builds (issue 14).
DIGEST_BUILD_PRIORITY = 6


@shared_task(name="notifications.build_digest_batch", acks_late=True)
def build_digest_batch(batch_id: int) -> int:
    """Queue the digests of one batch of subscribers (idempotent: one mail per person and key);
    they go out as one ``send_mail_batch``."""
    from .digest_runs import digest_batch_build

    return digest_batch_build(batch_id=batch_id)


@shared_task(name="notifications.catch_up")
def catch_up() -> dict:
    """Safety net for digests: start a run beat's message never brought, hand out again the
    batches whose message or worker was lost."""
    from .digest_runs import digests_catch_up

    found = digests_catch_up()
    if any(found.values()):
        logger.warning("Digest catch-up: %(runs_started)d runs started, "
                       "%(batches_handed_out)d batches handed out again", found)
    return found


@shared_task(name="workflows.rebuild_good_practices", time_limit=1800, soft_time_limit=1700)
def rebuild_good_practices() -> int:
    """Recompute every good-practice record from the database (harmless to repeat). It lives
    here because this app holds the project's Celery tasks (DESIGN.md, Architecture)."""
    from workflows.good_practices import good_practices_rebuild

    return good_practices_rebuild()


@shared_task(name="workflows.refresh_stats_rollup", time_limit=900, soft_time_limit=840)
def refresh_stats_rollup() -> str:
    """Fold the ended days into the statistics' rollups and recount the running stays
    (``workflows.stats_rollup.refresh``); safe to run twice, and the statistics stay exact
    when it is late."""
    from workflows.stats_rollup import refresh

    result = refresh()
    return f"days through {result['days_through']}, {result['days_folded']} folded"


@shared_task(name="workflows.fold_search_vocabulary", time_limit=300, soft_time_limit=240)
def fold_search_vocabulary() -> int:
    """Add the search vocabulary's pending deltas to its counts
    (``workflows.search.index.fold_vocabulary``); safe to run twice or concurrently."""
    from workflows.search.index import fold_vocabulary

    return fold_vocabulary()

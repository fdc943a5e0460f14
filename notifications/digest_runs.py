"""Digest runs that survive a lost task, a lost queue and a killed worker.

A run is a row (``DigestRun``, unique per period key) and its subscribers split into id ranges
(``DigestBatch``), all created in one transaction; each batch is handed to the broker after
commit and builds its people's digests together (``notifications.digest_batches``: queries per
batch, not per person; one ``OutgoingMail`` per person and key, so building a batch twice, or
by two workers at once, queues nothing twice). Nothing but the current batch is held in
memory.

The catch-up scan (``digests_catch_up``, every few minutes from ``core/celery.py``) rebuilds
from the database what the broker may have lost: a run whose scheduled time passed without the
run row (beat's message lost), and batches handed out longer than ``DIGEST_BATCH_LEASE_SECONDS``
ago and not done (their message lost or their worker killed).
"""

from __future__ import annotations

import datetime
import itertools
import logging
from collections.abc import Iterator

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import dispatch, schedule, selectors
from .models import DigestBatch, DigestRun, Preference

logger = logging.getLogger(__name__)


def _ranges(ids: Iterator[int], size: int) -> Iterator[tuple[int, int]]:
    """(first, last) of consecutive chunks of ``size`` ids, from an ascending stream."""
    while chunk := list(itertools.islice(ids, size)):
        yield chunk[0], chunk[-1]


def _hand_out_on_commit(batch_id: int) -> None:
    """Enqueue the build of a batch once the transaction commits, at the build priority
    (``tasks.DIGEST_BUILD_PRIORITY``: below the sends, so sending starts with the first batch
    built). A broker that is down is logged: the catch-up hands the batch out again."""
    from .tasks import DIGEST_BUILD_PRIORITY

    dispatch.enqueue_on_commit("build_digest_batch", batch_id, priority=DIGEST_BUILD_PRIORITY)


def digest_run_start(*, period: str, now: datetime.datetime | None = None) -> DigestRun | None:
    """Start this period's digest run, once: the run and its batches are created together, the
    batches handed to the broker after commit. Returns ``None`` (and changes nothing) when the
    run of this period exists already, e.g. when beat's job runs twice at once. Raises
    ``ValueError`` on an unknown period."""
    from .services import DIGEST_PERIODS, digest_key

    if period not in DIGEST_PERIODS:
        raise ValueError(f"Unknown digest period: {period}")
    now = now or timezone.now()
    subscriber_ids = (
        selectors.digest_subscribers(period).values_list("pk", flat=True).iterator(chunk_size=2000)
    )
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(period=period, key=digest_key(period, now), window_end=now)
            batches = DigestBatch.objects.bulk_create(
                DigestBatch(run=run, first_user_id=first, last_user_id=last, enqueued_at=now)
                for first, last in _ranges(subscriber_ids, settings.DIGEST_BATCH_SIZE)
            )
            if not batches:
                DigestRun.objects.filter(pk=run.pk).update(finished_at=now)
            for batch in batches:
                _hand_out_on_commit(batch.pk)
    except IntegrityError:  # this period's run exists: started by a concurrent or earlier job
        return None
    logger.info("Digest run %s started: %d batches", run.key, len(batches))
    return run


def digest_batch_build(*, batch_id: int) -> int:
    """Queue the digests of one batch's subscribers (those whose digest of the run's key is not
    there yet and who have something to read), then mark the batch done, and the run finished
    with its last batch. Returns how many digests this call queued; a batch already done queues
    nothing."""
    from .digest_batches import digests_queue_batch

    batch = DigestBatch.objects.select_related("run").filter(pk=batch_id, done_at=None).first()
    if batch is None:
        return 0
    run = batch.run
    people = selectors.digest_subscribers(run.period).filter(
        pk__gte=batch.first_user_id, pk__lte=batch.last_user_id
    )
    # One batch, read in queries that do not grow with its members (issue 14).
    queued = len(digests_queue_batch(
        people=list(people), period=run.period, key=run.key, now=run.window_end
    ))
    now = timezone.now()
    with transaction.atomic():
        DigestBatch.objects.filter(pk=batch.pk, done_at=None).update(done_at=now)
        if not DigestBatch.objects.filter(run=run, done_at=None).exists():
            DigestRun.objects.filter(pk=run.pk, finished_at=None).update(finished_at=now)
    return queued


def scheduled_start(period: str, now: datetime.datetime) -> datetime.datetime:
    """When the current ``period``'s digest was (or will be) started by beat, as an aware time."""
    local = timezone.localtime(now)
    day = local.date()
    if period == Preference.Digest.WEEKLY:
        day -= datetime.timedelta(days=(day.weekday() - schedule.WEEKLY_DIGEST_WEEKDAY) % 7)
        at = schedule.WEEKLY_DIGEST_AT
    else:
        at = schedule.DAILY_DIGEST_AT
    return timezone.make_aware(datetime.datetime.combine(day, at), timezone.get_current_timezone())


def digests_catch_up(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Rebuild from the database the digest work the broker lost. A period whose scheduled
    start passed less than ``DIGEST_CATCH_UP_HOURS`` ago and has no run gets its run started
    (later than that the next digest covers the time: digests start where the last one ended,
    so nothing is lost), provided an earlier run of that period exists: a fresh installation
    (or the demo of ``make run``) gets its first digest from beat at the scheduled time, not the
    moment it starts. Every batch not done within ``DIGEST_BATCH_LEASE_SECONDS`` of being
    handed out is handed out again. Returns the counts; harmless to run at any time, twice or
    concurrently."""
    from .services import DIGEST_PERIODS, digest_key

    now = now or timezone.now()
    started = 0
    for period in DIGEST_PERIODS:
        start = scheduled_start(period, now)
        window = datetime.timedelta(hours=settings.DIGEST_CATCH_UP_HOURS)
        if not start <= now < start + window:
            continue
        runs = DigestRun.objects.filter(period=period)
        if not runs.exists() or runs.filter(key=digest_key(period, now)).exists():
            continue
        if digest_run_start(period=period, now=now) is not None:
            logger.warning("Digest run %s was not started by beat; started by the catch-up", period)
            started += 1
    expired = now - datetime.timedelta(seconds=settings.DIGEST_BATCH_LEASE_SECONDS)
    handed_out = 0
    for batch_id in DigestBatch.objects.filter(done_at=None, enqueued_at__lte=expired).values_list(
        "pk", flat=True
    )[:500]:
        with transaction.atomic():
            # Only one of two concurrent scans hands a batch out again.
            if DigestBatch.objects.filter(pk=batch_id, done_at=None, enqueued_at__lte=expired).update(
                enqueued_at=now
            ):
                _hand_out_on_commit(batch_id)
                handed_out += 1
    return {"runs_started": started, "batches_handed_out": handed_out}

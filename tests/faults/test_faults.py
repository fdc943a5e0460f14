"""Exactly once, under faults: 300 due digests through a real Celery worker process, real Redis
and a real SMTP server, while the worker is SIGKILLed, Redis restarts and loses everything,
the mail server refuses, or beat's job starts twice at once. Afterwards the periodic scans run
as beat would until nothing is left to do, and the SMTP server's inbox is counted.

Run by ``make faults`` (deselected from ``make test``); each test prints its figures at the
end of the run: ``fault <name>: due 300 delivered N duplicates D lost L``."""

from __future__ import annotations

import datetime
import time
from contextlib import contextmanager

import pytest
import redis
from celery import Celery
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.models import User
from notifications.models import DigestBatch, DigestRun, OutgoingMail, Preference
from tests.builders import file_challenge
from workflows import hooks
from workflows.models import Event

from .harness import BROKER_KEYS, OwnRedis, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DUE = 300
SETTLE_TIMEOUT = 180  # seconds of scans before what is missing counts as lost


@pytest.fixture
def due(network) -> set[str]:
    """300 daily-digest subscribers (stakeholders, half of them in English) with something to
    read: a network challenge filed an hour ago. Its immediate mails are already dealt with, so
    the digests are the only mail of the test."""
    readers = User.objects.bulk_create(
        User(email=f"reader{n:03d}@example.org", display_name=f"Reader {n}", is_stakeholder=True,
             preferred_language="en" if n % 2 else "de", password=make_password(None))
        for n in range(DUE)
    )
    Preference.objects.bulk_create(Preference(user=user, digest="daily") for user in readers)
    with hooks.events_quiet():
        file_challenge(actor=network.partner, organisation=network.org, title="Anerkennung dauert zu lange")
    Event.objects.update(notified_at=timezone.now(), created_at=timezone.now() - datetime.timedelta(hours=1))
    return {user.email for user in readers}


@contextmanager
def beat(broker_url: str):
    """What beat does: publish a task by name on the broker (a separate app, like the beat
    process). Leftovers of earlier tests in this broker database are purged first."""
    client = redis.Redis.from_url(broker_url)
    client.delete(*BROKER_KEYS)
    app = Celery("fault-beat", broker=broker_url, set_as_current=False)
    try:
        yield app
    finally:
        app.close()
        client.delete(*BROKER_KEYS)
        client.close()


def start_digest_run(app: Celery) -> None:
    app.send_task("notifications.send_digests", args=["daily"])


def open_work() -> bool:
    """Anything the database still holds to be done: a mail pending or being sent, a batch not
    done, the run not finished (or not even there)."""
    return (
        OutgoingMail.objects.filter(status__in=[OutgoingMail.Status.PENDING, OutgoingMail.Status.SENDING]).exists()
        or DigestBatch.objects.filter(done_at=None).exists()
        or not DigestRun.objects.filter(finished_at__isnull=False).exists()
    )


def settle(app: Celery) -> None:
    """Run the outbox scan and the digest catch-up as beat would (compressed: every two
    seconds instead of every five minutes) until the database shows nothing left to do twice
    in a row, or SETTLE_TIMEOUT passed (what is missing then counts as lost)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    quiet = 0
    while time.monotonic() < deadline and quiet < 2:
        for task in ("notifications.scan_outbox", "notifications.catch_up"):
            try:
                app.send_task(task)
            except Exception:  # the broker is still down: beat's tick fails, the next one comes
                pass
        time.sleep(2)
        quiet = 0 if open_work() else quiet + 1


def batches_done() -> int:
    return DigestBatch.objects.exclude(done_at=None).count()


def check(tally: dict, *, duplicates_allowed: int = 0) -> None:
    assert tally["strangers"] == []  # nobody else got mail
    assert (tally["delivered"], tally["lost"]) == (DUE, 0), tally
    assert tally["duplicates"] <= duplicates_allowed, tally
    # a duplicate is a second copy of the same row: same Message-ID, so receivers drop it
    assert all(len(ids) == 1 for ids in tally["duplicate_ids"].values()), tally["duplicate_ids"]
    assert OutgoingMail.objects.filter(kind="digest").count() == DUE
    assert DigestRun.objects.count() == 1


def test_sigkill_of_the_worker_mid_run(due, services, smtp, workers_for, report):
    _database_url, redis_url = services
    workers = workers_for(redis_url)
    with beat(redis_url) as app:
        # One process (solo pool): a kill interrupts at most one send, see the end.
        first = workers.start()
        start_digest_run(app)
        # killed while building the digests (3 of 12 batches done)...
        wait_for(lambda: batches_done() >= 3, timeout=120, what="three batches")
        workers.sigkill(first)
        assert DigestBatch.objects.filter(done_at=None).exists()
        second = workers.start()
        # ...and its successor killed while sending them
        wait_for(lambda: smtp.inbox.count() >= 100, timeout=120, what="100 digests sent")
        workers.sigkill(second)
        assert smtp.inbox.count() < DUE
        workers.start()
        settle(app)
    tally = smtp.inbox.tally(due)
    report("sigkill-worker", tally)
    # A kill that strikes between the SMTP server's "250 OK" and the commit marking that row
    # sent (each mail is marked right after its 250, before the next is handed over) makes
    # that one row go out once more after its lease expires, with the same Message-ID: the
    # one window SMTP leaves. Both kills can strike mid-send: a batch's mails are sent
    # before the next batch is built (builds are queued at a lower priority), so the first
    # kill, while batches are still being built, may also interrupt a send. At most one
    # duplicate per kill, then; nothing else may go out twice.
    check(tally, duplicates_allowed=2)


def test_redis_restarted_mid_run(due, smtp, workers_for, report, tmp_path):
    own = OwnRedis(tmp_path)
    own.start()
    try:
        workers = workers_for(own.url)
        with beat(own.url) as app:
            workers.start(concurrency=2)
            start_digest_run(app)
            # the run is under way: batches done, the rest and every send queued in Redis
            wait_for(lambda: batches_done() >= 4, timeout=120, what="four batches")
            own.restart()  # everything queued or unacknowledged is gone
            assert DigestBatch.objects.filter(done_at=None).exists()
            settle(app)
    finally:
        own.kill()
    tally = smtp.inbox.tally(due)
    report("redis-restart", tally)
    check(tally)


def test_smtp_refusing_for_a_while_then_accepting(due, services, smtp, workers_for, report):
    _database_url, redis_url = services
    workers = workers_for(redis_url)
    smtp.stop()  # connection refused
    with beat(redis_url) as app:
        workers.start(concurrency=2)
        start_digest_run(app)
        wait_for(lambda: OutgoingMail.objects.exclude(last_error="").count() >= 50,
                 timeout=120, what="50 refused connections")
        smtp.inbox.refusing = True  # the server is back but answers "451 try again later"
        smtp.start()
        wait_for(lambda: smtp.inbox.refused >= 50, timeout=120, what="50 answers 451")
        smtp.inbox.refusing = False
        settle(app)
    tally = smtp.inbox.tally(due)
    report("smtp-refusing", tally)
    check(tally)
    retried = OutgoingMail.objects.filter(attempts__gt=1)
    assert retried.count() >= 50  # the refused ones were retried, not given up
    assert not OutgoingMail.objects.filter(status=OutgoingMail.Status.FAILED).exists()


def test_beats_digest_job_started_twice_at_once(due, services, smtp, workers_for, report):
    _database_url, redis_url = services
    workers = workers_for(redis_url)
    with beat(redis_url) as app:
        workers.start(concurrency=2)  # two processes take the two jobs at the same moment
        start_digest_run(app)
        start_digest_run(app)
        settle(app)
    tally = smtp.inbox.tally(due)
    report("double-start", tally)
    check(tally)

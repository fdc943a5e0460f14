"""Digest runs: created once with their batches, each batch idempotent, and the catch-up scan
rebuilds from the database what the broker lost."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from notifications import digest_runs
from notifications.models import DigestBatch, DigestRun, OutgoingMail
from tests.builders import file_challenge
from tests.factories import UserFactory

from .support import prefer

pytestmark = pytest.mark.django_db
# Tuesday 2026-03-03, 09:00 in Berlin: two hours after the daily digest's time.
TUESDAY_9 = datetime.datetime(2026, 3, 3, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def readers(network, settings):
    """Seven daily subscribers with news to read, in batches of three."""
    settings.DIGEST_BATCH_SIZE = 3
    people = [prefer(UserFactory(is_stakeholder=True), digest="daily") for _ in range(7)]
    with time_machine.travel(TUESDAY_9 - datetime.timedelta(hours=3), tick=False):
        file_challenge(actor=network.partner, organisation=network.org)
    return people


def start(now=TUESDAY_9):
    with time_machine.travel(now, tick=False):
        return digest_runs.digest_run_start(period="daily")


def test_a_run_is_created_once_with_batches_covering_every_subscriber(readers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as enqueued:
        run = start()
        assert start(now=TUESDAY_9 + datetime.timedelta(seconds=1)) is None  # beat's job twice
    assert DigestRun.objects.count() == 1
    batches = list(run.batches.order_by("first_user_id"))
    assert len(enqueued) == len(batches) == 3  # seven readers in threes
    ids = {r.pk for r in readers}
    covered = {i for b in batches for i in ids if b.first_user_id <= i <= b.last_user_id}
    assert covered == ids


def test_building_a_batch_twice_queues_each_digest_once_and_finishes_the_run(readers, django_capture_on_commit_callbacks):
    run = start()
    with django_capture_on_commit_callbacks():
        counts = [digest_runs.digest_batch_build(batch_id=b.pk) for b in run.batches.all()]
        again = [digest_runs.digest_batch_build(batch_id=b.pk) for b in run.batches.all()]
    assert sum(counts) == 7 and again == [0, 0, 0]
    digests = OutgoingMail.objects.filter(kind="digest", key=run.key)
    assert sorted(digests.values_list("recipient_id", flat=True)) == sorted(r.pk for r in readers)
    assert set(digests.values_list("window_end", flat=True)) == {run.window_end}
    run.refresh_from_db()
    assert run.finished_at is not None


def test_the_catch_up_hands_out_again_a_batch_lost_with_its_worker(readers, settings, django_capture_on_commit_callbacks):
    settings.DIGEST_BATCH_LEASE_SECONDS = 600
    run = start()
    first, *lost = run.batches.order_by("first_user_id")
    with django_capture_on_commit_callbacks():
        digest_runs.digest_batch_build(batch_id=first.pk)

    with time_machine.travel(TUESDAY_9 + datetime.timedelta(minutes=5), tick=False):
        assert digest_runs.digests_catch_up()["batches_handed_out"] == 0  # still in their lease
    later = TUESDAY_9 + datetime.timedelta(minutes=11)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks() as enqueued:
        assert digest_runs.digests_catch_up() == {"runs_started": 0, "batches_handed_out": 2}
        assert digest_runs.digests_catch_up()["batches_handed_out"] == 0  # a second scan: no
    assert len(enqueued) == 2
    assert set(DigestBatch.objects.filter(done_at=None).values_list("pk", flat=True)) == {b.pk for b in lost}


@pytest.mark.parametrize(
    "now, started",
    [
        (datetime.datetime(2026, 3, 3, 5, 30, tzinfo=datetime.UTC), 0),  # 06:30 Berlin: not yet due
        (TUESDAY_9, 1),  # 09:00: beat's 07:00 job never ran, start it
        (datetime.datetime(2026, 3, 3, 19, 30, tzinfo=datetime.UTC), 0),  # 20:30: tomorrow's covers it
    ],
)
def test_the_catch_up_starts_a_run_beat_never_started_while_it_is_still_that_morning(readers, settings, now, started):
    settings.DIGEST_CATCH_UP_HOURS = 12
    start(now=now - datetime.timedelta(days=1))  # yesterday's run: digests are running here
    with time_machine.travel(now, tick=False):
        assert digest_runs.digests_catch_up()["runs_started"] == started
        assert digest_runs.digests_catch_up()["runs_started"] == 0  # never twice
    assert DigestRun.objects.filter(period="daily").count() == 1 + started


def test_a_fresh_installation_gets_its_first_digest_from_beat_not_from_the_catch_up(readers):
    with time_machine.travel(TUESDAY_9, tick=False):
        assert digest_runs.digests_catch_up()["runs_started"] == 0
    assert not DigestRun.objects.exists()


def test_the_weekly_run_is_due_from_monday_morning(network):
    monday_8 = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)
    sunday = monday_8 - datetime.timedelta(days=1)
    assert digest_runs.scheduled_start("weekly", monday_8).isoformat() == "2026-03-02T07:30:00+01:00"
    assert digest_runs.scheduled_start("weekly", sunday).isoformat() == "2026-02-23T07:30:00+01:00"
    assert digest_runs.scheduled_start("daily", monday_8).isoformat() == "2026-03-02T07:00:00+01:00"

"""The reminder run decides its due challenges in batches (issue 14: 19,583 due at a million
challenges): a few queries per batch, whatever the number due, and still once per challenge,
state entry and level, with nothing decided for a challenge that moved on or is locked."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction

from notifications import reminders, selectors, services
from notifications.models import OutgoingMail, Reminder
from tests.builders import advance, file_challenge
from workflows.models import Challenge

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def at(delta: datetime.timedelta):
    return time_machine.travel(T0 + delta, tick=False)


def _file(network, count: int, *, every: datetime.timedelta = datetime.timedelta()) -> list:
    """``count`` unassigned challenges, filed ``every`` apart from T0 on."""
    filed = []
    for n in range(count):
        with at(every * n):
            filed.append(file_challenge(actor=network.partner, organisation=network.org,
                                        title=f"Fall {n}"))
    return filed


@pytest.mark.parametrize("count", [3, 30])
def test_a_run_decides_in_the_same_queries_for_3_and_30_due_challenges(network, count, django_assert_num_queries, django_capture_on_commit_callbacks):
    _file(network, count)
    # the reminder policy (1); the run's savepoint and its release (2); level 1: the scan,
    # the lock and load of the batch, the insert of its reminders (3); the coordinators,
    # once, and their roles: organisations and groups in one query (2); level 2: the scan, nothing due (1);
    # the mail: the coordinator's groups, then the outbox's savepoint, look-up, savepoint,
    # insert and releases (7)
    queries = 1 + 2 + 3 + 2 + 1 + 7
    with at(datetime.timedelta(days=20)), django_capture_on_commit_callbacks(), \
            django_assert_num_queries(queries):
        outcomes = services.reminders_send()
    assert len(outcomes) == count
    assert Reminder.objects.count() == count
    assert OutgoingMail.objects.filter(kind="reminder").count() == 1


def test_batches_decide_each_due_challenge_once_and_bundle_them_in_one_mail(network, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(reminders, "DECIDE_BATCH", 2)
    filed = _file(network, 5)
    with at(datetime.timedelta(days=20)), django_capture_on_commit_callbacks():
        outcomes = services.reminders_send()
    assert sorted(o.challenge.pk for o in outcomes) == sorted(c.pk for c in filed)
    (mail,) = services.reminder_mails(outcomes)
    assert mail.recipient == network.coordinator
    assert "5 Herausforderungen warten" in mail.subject
    with at(datetime.timedelta(days=20)), django_capture_on_commit_callbacks():
        assert services.reminders_send() == []
    assert Reminder.objects.count() == 5


def test_a_reminder_recorded_since_the_scan_is_not_decided_again(network, monkeypatch, django_capture_on_commit_callbacks):
    (challenge,) = _file(network, 1)
    with at(datetime.timedelta(days=20)), django_capture_on_commit_callbacks():
        assert len(services.reminders_send()) == 1
    # As if an overlapping run (or the history's settling, which locks nothing) recorded it
    # between this run's scan and its insert: the scan still lists it.
    monkeypatch.setattr(selectors, "challenges_due_for_reminder", lambda **_kw: [challenge.pk])
    with at(datetime.timedelta(days=21)), django_capture_on_commit_callbacks():
        assert services.reminders_send() == []
    assert Reminder.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="reminder").count() == 1


def test_a_challenge_that_moved_on_since_the_scan_is_not_reminded(network, monkeypatch, django_capture_on_commit_callbacks):
    (challenge,) = _file(network, 1)
    with at(datetime.timedelta(days=20)):
        advance(challenge, "analysed", actor=network.coordinator, group=network.group)
    # The scan ran before the transition: it still lists the challenge.
    monkeypatch.setattr(selectors, "challenges_due_for_reminder", lambda **_kw: [challenge.pk])
    with at(datetime.timedelta(days=21)), django_capture_on_commit_callbacks():
        assert services.reminders_send() == []
    assert not Reminder.objects.exists()


def test_a_long_list_shows_the_longest_waiting_first(network, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_REMINDER_ITEMS = 2
    _file(network, 4, every=datetime.timedelta(days=1))
    with at(datetime.timedelta(days=20)), django_capture_on_commit_callbacks():
        (mail,) = services.reminder_mails(services.reminders_send())
    body = mail.body_text
    assert "Fall 0\n" in body and "Fall 1\n" in body
    assert "Fall 2\n" not in body and "Fall 3\n" not in body
    assert body.index("Fall 0\n") < body.index("Fall 1\n")
    assert "und 2 weitere auf der Website" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_challenge_locked_by_a_transaction_in_flight_is_left_to_the_next_run(network):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks")
    filed = _file(network, 2)
    locked, waiting = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Challenge.objects.select_for_update().get(pk=filed[0].pk)
                locked.set()
                waiting.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        assert locked.wait(timeout=60)
        with at(datetime.timedelta(days=20)):
            first = services.reminders_send()  # does not wait for the lock
    finally:
        waiting.set()
        holder.join()
    assert [o.challenge.pk for o in first] == [filed[1].pk]
    with at(datetime.timedelta(days=20, minutes=15)):
        second = services.reminders_send()
    assert [o.challenge.pk for o in second] == [filed[0].pk]
    assert Reminder.objects.count() == 2


def test_settling_a_loaded_history_records_each_due_reminder_once_in_batches(network, monkeypatch, django_assert_num_queries, django_capture_on_commit_callbacks):
    """``reminders_settle_history`` (seed_demo's loaded history) records what is due as decided,
    without mail, in one insert per batch like the scan (it was one get-or-create per
    challenge); a second call and the next scan find nothing left."""
    monkeypatch.setattr(reminders, "DECIDE_BATCH", 2)
    filed = _file(network, 5)
    with at(datetime.timedelta(days=40)):
        # the policy (1); the savepoint and its release (2); per level the scan (1), and per
        # batch of 2 the load and the insert (3 batches x 2); level 2 the same
        with django_assert_num_queries(1 + 2 + 2 * (1 + 3 * 2)):
            assert reminders.reminders_settle_history() == 2 * len(filed)
        assert reminders.reminders_settle_history() == 0
        with django_capture_on_commit_callbacks():
            assert services.reminders_send() == []
    assert set(Reminder.objects.values_list("level", flat=True)) == {1, 2}
    assert not OutgoingMail.objects.filter(kind="reminder").exists()

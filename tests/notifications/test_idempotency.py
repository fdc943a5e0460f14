"""Every job run twice, and run concurrently, sends nothing twice (the database decides)."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, connection

from notifications import outbox, services
from notifications.models import OutgoingMail, Reminder
from tests.builders import advance, file_challenge
from workflows import services as workflow_services
from workflows.models import Event

from .support import prefer


def _retrying_when_locked(fn):
    """SQLite's shared in-memory test database answers a concurrent writer with "table is
    locked" at once instead of waiting; like a task retry, run the (atomic, idempotent) job
    again. PostgreSQL waits on its row locks and never gets here."""
    for _attempt in range(200):
        try:
            return fn()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    raise AssertionError("still locked after 200 attempts")


def _run_concurrently(fn, n: int = 4) -> list:
    """Run ``fn`` in ``n`` threads released at the same moment; each thread has its own
    database connection. Returns the results (exceptions are re-raised)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def run(i):
        try:
            barrier.wait()
            results[i] = _retrying_when_locked(fn)
        except Exception as exc:  # pragma: no cover - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


@pytest.mark.django_db
def test_fanning_out_an_event_twice_queues_its_mails_once(network, django_capture_on_commit_callbacks):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    with django_capture_on_commit_callbacks():
        comment = workflow_services.comment_add(actor=network.coordinator, challenge=challenge, body="Hallo")
    event = Event.objects.get(comment=comment)

    with django_capture_on_commit_callbacks() as enqueued:
        first = services.event_fan_out(event_id=event.pk)
        second = services.event_fan_out(event_id=event.pk)

    assert [m.recipient for m in first] == [network.partner]
    assert second == []
    assert len(enqueued) == 1  # one send enqueued, for the one mail
    event.refresh_from_db()
    assert event.notified_at is not None


@pytest.mark.django_db
def test_sending_a_mail_twice_delivers_it_once(network, django_capture_on_commit_callbacks):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    workflow_services.comment_add(actor=network.coordinator, challenge=challenge, body="Hallo")
    with django_capture_on_commit_callbacks():
        (outgoing,) = services.event_fan_out(event_id=Event.objects.get(kind="comment").pk)

    assert services.mail_send(mail_id=outgoing.pk) is True
    assert services.mail_send(mail_id=outgoing.pk) is False
    assert len(mail.outbox) == 1
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingMail.Status.SENT


@pytest.mark.django_db
def test_a_failed_send_stays_pending_with_its_error_and_goes_out_on_the_next_try(
    network, django_capture_on_commit_callbacks, monkeypatch
):
    import smtplib

    challenge = file_challenge(actor=network.partner, organisation=network.org)
    workflow_services.comment_add(actor=network.coordinator, challenge=challenge, body="Hallo")
    with django_capture_on_commit_callbacks():
        (outgoing,) = services.event_fan_out(event_id=Event.objects.get(kind="comment").pk)
    real_deliver = services.mail.deliver

    def refuse(**kwargs):
        raise smtplib.SMTPDataError(451, b"try again later")

    monkeypatch.setattr(services.mail, "deliver", refuse)
    with pytest.raises(outbox.MailNotSent) as failure:
        services.mail_send(mail_id=outgoing.pk)
    outgoing.refresh_from_db()
    assert (outgoing.status, outgoing.attempts) == (OutgoingMail.Status.PENDING, 1)
    assert "451" in outgoing.last_error
    assert outgoing.next_attempt_at == failure.value.retry_at  # back-off: not before then
    assert services.mail_send(mail_id=outgoing.pk) is False  # too early: nothing happens

    monkeypatch.setattr(services.mail, "deliver", real_deliver)
    with time_machine.travel(outgoing.next_attempt_at, tick=False):
        assert services.mail_send(mail_id=outgoing.pk) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_outbox_scan_reenqueues_what_the_broker_lost(network, django_capture_on_commit_callbacks, monkeypatch):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    workflow_services.comment_add(actor=network.coordinator, challenge=challenge, body="Hallo")
    enqueued = []
    from notifications import tasks

    monkeypatch.setattr(tasks.deliver_event, "delay", lambda pk: enqueued.append(("event", pk)))
    monkeypatch.setattr(tasks.send_mail, "delay", lambda pk: enqueued.append(("mail", pk)))
    now = datetime.datetime.now(datetime.UTC)

    assert services.outbox_scan(now=now) == {"events": 0, "mails": 0}  # still on their way
    later = now + datetime.timedelta(minutes=3)
    assert services.outbox_scan(now=later) == {"events": 2, "mails": 0}  # filed + comment
    with django_capture_on_commit_callbacks():
        for event in Event.objects.all():
            services.event_fan_out(event_id=event.pk, now=later)
    assert services.outbox_scan(now=later + datetime.timedelta(minutes=3)) == {"events": 0, "mails": 1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_digest_runs_and_sends_deliver_one_digest_per_person(network):
    for person in (network.partner, network.stakeholder, network.other_partner, network.coordinator):
        prefer(person, digest="daily")
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    advance(challenge, "analysed", actor=network.group_member, group=network.group)
    mail.outbox.clear()

    _run_concurrently(lambda: services.digests_send(period="daily"))
    mail_ids = list(OutgoingMail.objects.filter(kind="digest").values_list("pk", flat=True))
    _run_concurrently(lambda: [services.mail_send(mail_id=pk) for pk in mail_ids])

    digests = [m for m in mail.outbox if "Zusammenfassung" in m.subject]
    assert sorted(m.to[0] for m in digests) == sorted(
        [network.partner.email, network.stakeholder.email, network.other_partner.email, network.coordinator.email]
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reminder_runs_decide_each_reminder_once(network):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        file_challenge(actor=network.partner, organisation=network.org)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        outcomes = _run_concurrently(services.reminders_send)
    assert sum(len(o) for o in outcomes) == 1
    assert Reminder.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="reminder").count() == 1  # the one coordinator

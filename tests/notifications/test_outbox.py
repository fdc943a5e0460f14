"""Sending the outbox: claim with a lease, SMTP outside any transaction, back-off, give up
visibly, a deterministic Message-ID, and a coordinator's "send again now" in the admin."""

from __future__ import annotations

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core.exceptions import PermissionDenied, TransitionNotAllowed
from core.services import coordinator_grant
from notifications import outbox, tasks
from notifications.models import OutgoingMail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queued(address: str = "lea@example.org", *, created_at=None) -> OutgoingMail:
    user = UserFactory(email=address)
    return OutgoingMail.objects.create(
        kind=OutgoingMail.Kind.EVENT, recipient=user, key=f"event:{user.pk}", to_email=address,
        subject="Betreff", body_text="Text", headers={"List-Unsubscribe": "<https://x.test/u>"},
        created_at=created_at or timezone.now(),
    )


def refusing(code: int):
    def deliver(**kwargs):
        raise smtplib.SMTPDataError(code, b"not now" if code < 500 else b"no such mailbox")

    return deliver


def test_a_claimed_mail_is_left_alone_until_its_lease_expires_then_sent_once(settings):
    # given a worker claimed a mail and died before sending it
    outgoing = queued()
    assert outbox.mail_claim(mail_id=outgoing.pk) is not None
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingMail.Status.SENDING
    assert outgoing.lease_until > timezone.now()

    # then nobody else sends it while the lease holds
    assert outbox.mail_claim(mail_id=outgoing.pk) is None
    assert outbox.mail_send(mail_id=outgoing.pk) is False
    assert mail.outbox == []

    # and once it expired it is sent, exactly once
    later = outgoing.lease_until + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert outbox.mail_send(mail_id=outgoing.pk) is True
        assert outbox.mail_send(mail_id=outgoing.pk) is False
    assert len(mail.outbox) == 1
    outgoing.refresh_from_db()
    assert (outgoing.status, outgoing.attempts, outgoing.lease_until) == (OutgoingMail.Status.SENT, 2, None)


def test_the_scan_picks_up_an_abandoned_claim_and_a_pending_mail_but_not_a_fresh_one(monkeypatch, settings):
    settings.OUTBOX_SCAN_GRACE_SECONDS = 120
    enqueued = []
    monkeypatch.setattr(tasks.send_mail, "delay", enqueued.append)
    monkeypatch.setattr(tasks.deliver_event, "delay", lambda pk: None)
    abandoned, pending, fresh = queued("a@example.org"), queued("b@example.org"), queued("c@example.org")
    outbox.mail_claim(mail_id=abandoned.pk)
    now = timezone.now()
    OutgoingMail.objects.filter(pk=pending.pk).update(created_at=now - datetime.timedelta(minutes=5))

    assert outbox.outbox_scan(now=now) == {"events": 0, "mails": 1}
    assert enqueued == [pending.pk]

    # a scan right after leaves it alone while its message travels (no pile of messages)
    assert outbox.outbox_scan(now=now + datetime.timedelta(seconds=1))["mails"] == 0

    enqueued.clear()
    after_lease = now + datetime.timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS + 1)
    outbox.outbox_scan(now=after_lease)
    assert sorted(enqueued) == sorted([abandoned.pk, pending.pk, fresh.pk])
    abandoned.refresh_from_db()  # back to pending, due now, for whoever gets the message
    assert (abandoned.status, abandoned.lease_until) == (OutgoingMail.Status.PENDING, None)


def test_a_refused_mail_backs_off_and_a_permanent_refusal_gives_up_visibly(monkeypatch, caplog):
    outgoing = queued()
    monkeypatch.setattr(outbox.mail, "deliver", refusing(451))
    delays = []
    for attempt in range(1, 5):
        with time_machine.travel(OutgoingMail.objects.get(pk=outgoing.pk).next_attempt_at or timezone.now(), tick=False):
            with pytest.raises(outbox.MailNotSent) as failure:
                outbox.mail_send(mail_id=outgoing.pk)
            delays.append((failure.value.retry_at - timezone.now()).total_seconds())
        outgoing.refresh_from_db()
        assert (outgoing.status, outgoing.attempts) == (OutgoingMail.Status.PENDING, attempt)
        assert "451" in outgoing.last_error
    # exponential with ±25 % jitter: 2, 4, 8, 16 s
    assert [round(d / b, 2) >= 0.75 and d / b <= 1.25 for d, b in zip(delays, (2, 4, 8, 16))] == [True] * 4

    # a 550 is final: given up at once, with the error, and logged as an error
    monkeypatch.setattr(outbox.mail, "deliver", refusing(550))
    with time_machine.travel(outgoing.next_attempt_at, tick=False):
        with pytest.raises(outbox.MailNotSent) as failure:
            outbox.mail_send(mail_id=outgoing.pk)
    assert failure.value.retry_at is None
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingMail.Status.FAILED
    assert "550" in outgoing.last_error
    assert any(r.levelname == "ERROR" and "Gave up" in r.getMessage() for r in caplog.records)


def test_a_mail_failing_for_longer_than_the_give_up_time_is_given_up(monkeypatch, settings):
    settings.MAIL_GIVE_UP_AFTER_HOURS = 72
    outgoing = queued(created_at=timezone.now() - datetime.timedelta(hours=73))
    monkeypatch.setattr(outbox.mail, "deliver", refusing(451))
    with pytest.raises(outbox.MailNotSent):
        outbox.mail_send(mail_id=outgoing.pk)
    outgoing.refresh_from_db()
    assert (outgoing.status, outgoing.next_attempt_at) == (OutgoingMail.Status.FAILED, None)


def test_the_back_off_never_exceeds_its_maximum(settings):
    settings.MAIL_RETRY_BASE_SECONDS = 2
    settings.MAIL_RETRY_MAX_SECONDS = 600
    assert max(outbox.retry_delay(n).total_seconds() for n in range(1, 60)) <= 600


def test_the_send_task_comes_back_when_the_row_says_with_a_bounded_countdown(monkeypatch, settings):
    settings.MAIL_RETRY_MAX_SECONDS = 10_000  # a misconfiguration: the countdown still stays bounded
    settings.MAIL_RETRY_BASE_SECONDS = 10_000
    outgoing = queued()
    monkeypatch.setattr(outbox.mail, "deliver", refusing(421))
    countdowns = []

    class Retried(Exception):
        pass

    def retry(countdown):
        countdowns.append(countdown)
        return Retried()

    monkeypatch.setattr(tasks.send_mail, "retry", retry)
    with pytest.raises(Retried):
        tasks.send_mail(outgoing.pk)
    assert 0 < countdowns[0] <= settings.BROKER_VISIBILITY_TIMEOUT / 2

    # a given-up mail is not retried by the task
    monkeypatch.setattr(outbox.mail, "deliver", refusing(550))
    OutgoingMail.objects.filter(pk=outgoing.pk).update(next_attempt_at=None)
    assert tasks.send_mail(outgoing.pk) is False
    assert len(countdowns) == 1


def test_every_attempt_carries_the_rows_own_message_id(monkeypatch, settings):
    settings.SITE_URL = "https://netz.example.org:8443"
    settings.MAIL_MESSAGE_ID_DOMAIN = ""
    outgoing = queued()
    monkeypatch.setattr(outbox.mail, "deliver", refusing(451))
    with pytest.raises(outbox.MailNotSent):
        outbox.mail_send(mail_id=outgoing.pk)
    monkeypatch.undo()
    settings.SITE_URL = "https://netz.example.org:8443"
    with time_machine.travel(OutgoingMail.objects.get(pk=outgoing.pk).next_attempt_at, tick=False):
        assert outbox.mail_send(mail_id=outgoing.pk) is True
    (message,) = mail.outbox
    expected = f"<mail-{outgoing.pk}.{int(outgoing.created_at.timestamp())}@netz.example.org>"
    assert message.extra_headers["Message-ID"] == expected == outgoing.message_id
    assert message.extra_headers["List-Unsubscribe"] == "<https://x.test/u>"  # the row's own stay

    settings.MAIL_MESSAGE_ID_DOMAIN = "mail.example.net"
    assert outgoing.message_id.endswith("@mail.example.net>")


def test_sending_inside_a_transaction_is_refused():
    outgoing = queued()
    with transaction.atomic(), pytest.raises(RuntimeError):
        outbox.mail_send(mail_id=outgoing.pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_smtp_conversation_happens_outside_any_transaction_with_the_claim_committed(monkeypatch):
    outgoing = queued()
    seen = {}

    def deliver(**kwargs):
        seen["in_transaction"] = connection.in_atomic_block
        # another connection (another worker) sees the claim already committed
        seen["status_elsewhere"] = _status_from_another_connection(outgoing.pk)

    monkeypatch.setattr(outbox.mail, "deliver", deliver)
    assert outbox.mail_send(mail_id=outgoing.pk) is True
    assert seen == {"in_transaction": False, "status_elsewhere": "sending"}


def _status_from_another_connection(pk: int) -> str:
    import threading

    result = {}

    def read():
        result["status"] = OutgoingMail.objects.get(pk=pk).status
        connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return result["status"]


def test_a_coordinator_sends_a_failed_mail_again_now(django_capture_on_commit_callbacks):
    coordinator = coordinator_grant(actor=None, user=UserFactory())
    outgoing = queued()
    OutgoingMail.objects.filter(pk=outgoing.pk).update(
        status=OutgoingMail.Status.FAILED, attempts=9, last_error="SMTPDataError: 451"
    )
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        again = outbox.mail_retry_now(actor=coordinator, outgoing=outgoing)
    assert (again.status, again.next_attempt_at, again.attempts) == (OutgoingMail.Status.PENDING, None, 9)
    assert len(enqueued) == 1

    with pytest.raises(PermissionDenied):
        outbox.mail_retry_now(actor=UserFactory(), outgoing=outgoing)
    OutgoingMail.objects.filter(pk=outgoing.pk).update(status=OutgoingMail.Status.SENT)
    with pytest.raises(TransitionNotAllowed):
        outbox.mail_retry_now(actor=coordinator, outgoing=outgoing)


def test_the_admin_lists_failing_mail_with_its_error_and_retries_through_the_service(
    client, django_capture_on_commit_callbacks
):
    coordinator = coordinator_grant(actor=None, user=UserFactory())
    client.force_login(coordinator)
    failed = queued("failed@example.org")
    retrying = queued("retrying@example.org")
    fine = queued("fine@example.org")
    OutgoingMail.objects.filter(pk=failed.pk).update(status="failed", attempts=7, last_error="SMTPDataError: 554 nope")
    OutgoingMail.objects.filter(pk=retrying.pk).update(attempts=3, last_error="ConnectionRefusedError: 111")
    OutgoingMail.objects.filter(pk=fine.pk).update(status="sent", attempts=1)
    url = reverse("admin:notifications_outgoingmail_changelist")

    page = client.get(url, {"error": "yes"}).content.decode()
    assert "failed@example.org" in page and "retrying@example.org" in page and "fine@example.org" not in page
    assert "554 nope" in page and "ConnectionRefusedError" in page
    page = client.get(url, {"status": "failed"}).content.decode()
    assert "failed@example.org" in page and "retrying@example.org" not in page
    page = client.get(url, {"attempts": "retried"}).content.decode()
    assert "fine@example.org" not in page and "retrying@example.org" in page

    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post(url, {"action": "retry_now", "_selected_action": [failed.pk, fine.pk]})
    assert response.status_code == 302
    assert OutgoingMail.objects.get(pk=failed.pk).status == OutgoingMail.Status.PENDING
    assert OutgoingMail.objects.get(pk=fine.pk).status == OutgoingMail.Status.SENT  # refused, unchanged
    assert len(enqueued) == 1

    # bodies stay read-only
    detail = client.get(reverse("admin:notifications_outgoingmail_change", args=[failed.pk]))
    assert detail.status_code == 200
    assert 'name="body_text"' not in detail.content.decode()


@pytest.mark.parametrize("rows", [10, 60])
def test_the_outbox_admin_list_reads_in_constant_queries(client, django_assert_num_queries, rows):
    coordinator = coordinator_grant(actor=None, user=UserFactory())
    client.force_login(coordinator)
    for n in range(rows):
        queued(f"p{n}@example.org")
    url = reverse("admin:notifications_outgoingmail_changelist")
    client.get(url)  # warm the content-type and permission caches
    # session, user, its permissions (own, group), its roles (memberships and working groups,
    # one query), the two counts (all, filtered), the sidebar's add checks of the two singletons (legal
    # notice, reminder policy), the page of rows, the date hierarchy's range and its days: the
    # same for 10 rows and for 60.
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200

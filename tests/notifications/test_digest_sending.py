"""A digest batch's mails go out together (issue 14): one claim for the batch, one SMTP
connection, each mail marked sent right after the server accepted it; a refused mail keeps its
own back-off, a connection that cannot be opened fails the rest alike, and what the lease
leaves no time for is handed back, due now."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.utils import timezone

from notifications import outbox, tasks
from notifications.models import OutgoingMail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def digests(count: int) -> list[OutgoingMail]:
    rows = []
    for n in range(count):
        user = UserFactory(email=f"leser{n}@example.org")
        rows.append(OutgoingMail.objects.create(
            kind=OutgoingMail.Kind.DIGEST, recipient=user, key="digest:weekly:2026-W10",
            to_email=user.email, subject="Ihre Woche", body_text="Text", body_html="<p>Text</p>",
            headers={"List-Unsubscribe": "<https://x.test/u>"},
        ))
    return rows


@pytest.fixture
def connections(monkeypatch):
    """Every SMTP connection the outbox makes, with how often it was opened and closed."""
    made = []
    real = outbox.get_connection

    def get_connection(**kwargs):
        backend = real(**kwargs)
        backend.opened = backend.closed = 0
        open_, close = backend.open, backend.close

        def opened():
            backend.opened += 1
            return open_()

        def closed():
            backend.closed += 1
            return close()

        backend.open, backend.close = opened, closed
        made.append(backend)
        return backend

    monkeypatch.setattr(outbox, "get_connection", get_connection)
    return made


def statuses(rows) -> list[str]:
    return list(OutgoingMail.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
                .values_list("status", flat=True))


def test_a_batch_goes_out_over_one_connection_each_mail_with_its_own_message_id(connections):
    rows = digests(5)
    outcome = outbox.mail_send_batch(mail_ids=[r.pk for r in rows])
    assert outcome.sent == [r.pk for r in rows] and outcome.failed == outcome.released == []
    assert [(c.opened, c.closed) for c in connections] == [(1, 1)]
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [r.message_id for r in rows]
    assert [m.to for m in mail.outbox] == [[r.to_email] for r in rows]
    assert set(statuses(rows)) == {OutgoingMail.Status.SENT}
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}

    # sent is sent: a second message for the same batch sends nothing
    assert outbox.mail_send_batch(mail_ids=[r.pk for r in rows]).sent == []
    assert len(mail.outbox) == 5


def test_each_mail_is_marked_sent_before_the_next_one_is_handed_over(monkeypatch):
    rows = digests(3)
    seen = []
    real = outbox.mail.deliver

    def deliver(**kwargs):
        seen.append(statuses(rows))
        real(**kwargs)

    monkeypatch.setattr(outbox.mail, "deliver", deliver)
    outbox.mail_send_batch(mail_ids=[r.pk for r in rows])
    sent, sending = OutgoingMail.Status.SENT, OutgoingMail.Status.SENDING
    # the duplicate window (the server's 250 to our commit) stays one mail wide
    assert seen == [[sending] * 3, [sent, sending, sending], [sent, sent, sending]]


@pytest.mark.parametrize("count", [2, 5])
def test_the_claim_and_the_marks_do_not_grow_beyond_one_update_per_mail(count, django_assert_num_queries):
    # claim: savepoint, SELECT … FOR UPDATE SKIP LOCKED, UPDATE, release, the rows;
    # then per mail one UPDATE, committed on its own
    rows = digests(count)
    with django_assert_num_queries(5 + count):
        assert len(outbox.mail_send_batch(mail_ids=[r.pk for r in rows]).sent) == count


def test_a_refused_mail_backs_off_on_its_own_and_the_rest_go_out_on_a_fresh_connection(monkeypatch, connections):
    rows = digests(3)
    real = outbox.mail.deliver

    def deliver(**kwargs):
        if kwargs["to_email"] == rows[1].to_email:
            raise smtplib.SMTPDataError(451, b"not now")
        real(**kwargs)

    monkeypatch.setattr(outbox.mail, "deliver", deliver)
    outcome = outbox.mail_send_batch(mail_ids=[r.pk for r in rows])
    assert outcome.sent == [rows[0].pk, rows[2].pk]
    (failure,) = outcome.failed
    assert failure.mail_id == rows[1].pk and failure.retry_at > timezone.now()
    refused = OutgoingMail.objects.get(pk=rows[1].pk)
    assert (refused.status, refused.attempts, refused.next_attempt_at) == (
        OutgoingMail.Status.PENDING, 1, failure.retry_at)
    assert "451" in refused.last_error
    assert [(c.opened, c.closed) for c in connections] == [(2, 2)]
    assert len(mail.outbox) == 2


def test_a_connection_that_cannot_be_opened_fails_every_mail_with_its_own_back_off(monkeypatch, connections):
    rows = digests(3)

    def refuse(self):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(locmem.EmailBackend, "open", refuse)
    outcome = outbox.mail_send_batch(mail_ids=[r.pk for r in rows])
    assert outcome.sent == [] and [f.mail_id for f in outcome.failed] == [r.pk for r in rows]
    assert set(statuses(rows)) == {OutgoingMail.Status.PENDING}
    for row in OutgoingMail.objects.filter(pk__in=[r.pk for r in rows]):
        assert row.attempts == 1 and row.next_attempt_at > timezone.now()
        assert "Connection refused" in row.last_error
    assert mail.outbox == []


def test_what_the_lease_leaves_no_time_for_is_handed_back_due_now_and_uncounted():
    rows = digests(3)
    outcome = outbox.mail_send_batch(mail_ids=[r.pk for r in rows], budget=datetime.timedelta(0))
    assert outcome.sent == [] and outcome.released == [r.pk for r in rows]
    for row in OutgoingMail.objects.filter(pk__in=[r.pk for r in rows]):
        assert (row.status, row.attempts, row.lease_until) == (OutgoingMail.Status.PENDING, 0, None)
        assert row.next_attempt_at <= timezone.now()
    assert mail.outbox == []


def test_mails_claimed_elsewhere_or_sent_are_left_alone():
    taken, done, free = digests(3)
    assert outbox.mail_claim(mail_id=taken.pk) is not None  # another worker holds it
    OutgoingMail.objects.filter(pk=done.pk).update(status=OutgoingMail.Status.SENT)
    outcome = outbox.mail_send_batch(mail_ids=[taken.pk, done.pk, free.pk])
    assert outcome.sent == [free.pk]
    assert [m.to for m in mail.outbox] == [[free.to_email]]


def test_sending_a_batch_inside_a_transaction_is_refused():
    from django.db import transaction

    rows = digests(1)
    with transaction.atomic(), pytest.raises(RuntimeError):
        outbox.mail_send_batch(mail_ids=[rows[0].pk])


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_batch_is_sent_outside_any_transaction(monkeypatch):
    rows = digests(2)
    seen = []
    monkeypatch.setattr(outbox.mail, "deliver", lambda **kw: seen.append(connection.in_atomic_block))
    assert len(outbox.mail_send_batch(mail_ids=[r.pk for r in rows]).sent) == 2
    assert seen == [False, False]


def test_the_task_sends_the_handed_back_at_once_and_the_refused_after_their_last_back_off(monkeypatch, settings):
    rows = digests(3)
    now = timezone.now()
    failure_at = [now + datetime.timedelta(seconds=s) for s in (5, 9)]
    outcome = outbox.BatchSent(
        sent=[rows[0].pk],
        failed=[outbox.MailNotSent(rows[1].pk, "451", failure_at[0]),
                outbox.MailNotSent(rows[2].pk, "451", failure_at[1]),
                outbox.MailNotSent(99, "550", None)],  # given up: not retried
        released=[7, 8],
    )
    monkeypatch.setattr(outbox, "mail_send_batch", lambda **kwargs: outcome)
    now_again, later = [], []
    monkeypatch.setattr(tasks.send_mail_batch, "delay", now_again.append)
    monkeypatch.setattr(tasks.send_mail_batch, "apply_async",
                        lambda args, countdown: later.append((args, countdown)))
    assert tasks.send_mail_batch([r.pk for r in rows]) == 1
    assert now_again == [[7, 8]]
    ((args, countdown),) = later
    assert args == [[rows[1].pk, rows[2].pk]]
    assert 7 < countdown <= 9  # when the last of them is due, never before


def test_batches_are_handed_out_below_the_priority_of_their_sends(monkeypatch, django_capture_on_commit_callbacks):
    from notifications import digest_runs

    from .support import prefer

    for _n in range(2):
        prefer(UserFactory(is_stakeholder=True), digest="weekly")
    handed_out = []
    monkeypatch.setattr(tasks.build_digest_batch, "apply_async",
                        lambda args, priority: handed_out.append((args, priority)))
    with django_capture_on_commit_callbacks(execute=True):
        run = digest_runs.digest_run_start(period="weekly")
    assert [args for args, _p in handed_out] == [(b.pk,) for b in run.batches.order_by("pk")]
    # on Redis, 0 (every other task's) is the highest: sending starts with the first batch built
    assert {p for _a, p in handed_out} == {tasks.DIGEST_BUILD_PRIORITY} and 0 < tasks.DIGEST_BUILD_PRIORITY <= 9

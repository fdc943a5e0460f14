"""Sending the outbox: exactly once, as far as a mail server lets anyone.

The database is the source of truth and the broker only carries work. Sending one mail is three
steps, and the SMTP conversation happens in none of the database transactions:

1. **claim**: one committed ``UPDATE`` turns the row from ``pending`` into ``sending`` with a
   lease (``lease_until``); a second worker, a redelivered message or a scan finds it claimed;
2. **send**, outside any transaction, with the row's own ``Message-ID``;
3. **mark** it sent in a new short transaction (or, on failure, back to ``pending`` with the
   error and the time of the next attempt, with back-off; ``failed`` once given up).

A worker that dies between 1 and 3 leaves a lease that expires; the outbox scan then sends the
row again. Only a crash between the server's acceptance and the commit of step 3 can send one
duplicate, and it carries the same ``Message-ID``, so receivers can drop it.

A batch of mails (a digest batch's) goes the same three steps together (``mail_send_batch``):
one committed claim for all of them, then one SMTP connection for the batch, each mail marked
sent in its own commit right after the server accepted it, so the duplicate window stays one
mail wide; a refused mail takes its own back-off, and what the lease leaves no time for is
handed back, due at once.
"""

from __future__ import annotations

import datetime
import logging
import random
import smtplib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import dispatch, mail
from .models import OutgoingMail

logger = logging.getLogger(__name__)

# A claimed row may be tried again this early (a retry's ETA and the back-off's timestamp come
# from two clock readings).
CLOCK_TOLERANCE = datetime.timedelta(seconds=1)


class MailNotSent(Exception):
    """Sending one mail failed; its row records the error. ``retry_at`` is the time of the next
    attempt, ``None`` when it was given up (status ``failed``)."""

    def __init__(self, mail_id: int, error: str, retry_at: datetime.datetime | None):
        super().__init__(f"mail {mail_id}: {error}")
        self.mail_id = mail_id
        self.error = error
        self.retry_at = retry_at


def message_id_for(outgoing: OutgoingMail) -> str:
    """``<mail-{pk}.{created}@{domain}>``: deterministic per row, the same on every attempt.
    The domain is ``MAIL_MESSAGE_ID_DOMAIN`` or else the host of ``SITE_URL``."""
    domain = settings.MAIL_MESSAGE_ID_DOMAIN or urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<mail-{outgoing.pk}.{int(outgoing.created_at.timestamp())}@{domain}>"


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential back-off after the ``attempts``-th failure (base · 2ⁿ⁻¹, ±25 % jitter so a
    recovering server is not hit by every mail at once), capped at ``MAIL_RETRY_MAX_SECONDS``
    (far below the broker's visibility timeout, see ``core.celery.bounded_countdown``)."""
    base = settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    seconds = min(base, settings.MAIL_RETRY_MAX_SECONDS) * random.uniform(0.75, 1.25)
    return datetime.timedelta(seconds=min(seconds, settings.MAIL_RETRY_MAX_SECONDS))


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer means "never": retrying the same mail cannot succeed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


def _in_transaction() -> bool:
    """Inside an atomic block of our own (a test case's wrapping block does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _claimable(now: datetime.datetime) -> Q:
    due = Q(next_attempt_at=None) | Q(next_attempt_at__lte=now + CLOCK_TOLERANCE)
    expired = Q(status=OutgoingMail.Status.SENDING, lease_until__lte=now)
    return (Q(status=OutgoingMail.Status.PENDING) & due) | expired


def _lease_until(now: datetime.datetime) -> datetime.datetime:
    """How long a claim holds its mails: past it, their worker is presumed dead."""
    return now + datetime.timedelta(seconds=settings.MAIL_SEND_LEASE_SECONDS)


def mail_claim(*, mail_id: int, now: datetime.datetime | None = None) -> OutgoingMail | None:
    """Claim one mail for sending: pending and due (or sending under an expired lease, its
    worker presumed dead) becomes ``sending`` until ``now`` + ``MAIL_SEND_LEASE_SECONDS``, in
    one committed statement. Returns the claimed row, or ``None`` when someone else holds it,
    it is not due yet, or it is sent or given up."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = OutgoingMail.objects.filter(_claimable(now), pk=mail_id).update(
            status=OutgoingMail.Status.SENDING,
            lease_until=_lease_until(now),
            attempts=F("attempts") + 1,
        )
    if not claimed:
        return None
    return OutgoingMail.objects.get(pk=mail_id)


def mail_send(*, mail_id: int) -> bool:
    """Send one mail of the outbox: claim, send outside any transaction, mark sent. Returns
    ``True`` when this call sent it, ``False`` when there was nothing to do (sent, given up,
    claimed by someone else, or not due yet). A failure is recorded on the row (error, next
    attempt with back-off, or ``failed`` after a permanent error or ``MAIL_GIVE_UP_AFTER_HOURS``)
    and raised as ``MailNotSent``. Raises ``RuntimeError`` when called inside a transaction:
    the SMTP conversation must never hold database locks or depend on a commit."""
    if _in_transaction():
        raise RuntimeError("mail_send must not run inside a database transaction")
    outgoing = mail_claim(mail_id=mail_id)
    if outgoing is None:
        return False
    # The connection is closed (SMTP QUIT) only after the row is marked sent: the window in
    # which a crash causes a duplicate is the server's "250" to our commit, nothing more.
    smtp = get_connection(fail_silently=False)
    try:
        smtp.open()
        _deliver(outgoing, smtp)
    except Exception as error:  # any failure: recorded on the row, retried or given up
        _close_quietly(smtp)
        raise _record_failure(outgoing, error) from error
    _mark_sent(mail_id)
    _close_quietly(smtp)
    return True


def _deliver(outgoing: OutgoingMail, smtp: Any) -> None:
    mail.deliver(
        to_email=outgoing.to_email,
        subject=outgoing.subject,
        body_text=outgoing.body_text,
        body_html=outgoing.body_html,
        # The row's own headers (threading, unsubscribe) win over the default Message-ID.
        headers={"Message-ID": message_id_for(outgoing), **(outgoing.headers or {})},
        connection=smtp,
        attachments=outgoing.attachments or None,
    )


def _mark_sent(mail_id: int) -> None:
    """Step 3, right after the server's acceptance: one statement, committed on its own
    (autocommit; no BEGIN and COMMIT round trips around it, a batch pays this once per mail)."""
    OutgoingMail.objects.filter(pk=mail_id).exclude(status=OutgoingMail.Status.SENT).update(
        status=OutgoingMail.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        lease_until=None,
        next_attempt_at=None,
    )


def _close_quietly(smtp: Any) -> None:
    try:
        smtp.close()
    except Exception:  # the mail is sent or its failure recorded; a failing QUIT changes nothing
        logger.debug("Closing the SMTP connection failed", exc_info=True)


def _record_failure(outgoing: OutgoingMail, error: Exception) -> MailNotSent:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    give_up_after = datetime.timedelta(hours=settings.MAIL_GIVE_UP_AFTER_HOURS)
    give_up = _is_permanent(error) or outgoing.created_at < now - give_up_after
    retry_at = None if give_up else now + retry_delay(outgoing.attempts)
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=outgoing.pk, status=OutgoingMail.Status.SENDING).update(
            status=OutgoingMail.Status.FAILED if give_up else OutgoingMail.Status.PENDING,
            last_error=message,
            lease_until=None,
            next_attempt_at=retry_at,
        )
    if give_up:
        # Never silent: the row shows "failed" with this error in the admin, and it is logged.
        logger.error("Gave up mail %s to %s after %d attempts: %s",
                     outgoing.pk, outgoing.to_email, outgoing.attempts, message)
    else:
        logger.warning("Mail %s to %s failed (attempt %d), next try at %s: %s",
                       outgoing.pk, outgoing.to_email, outgoing.attempts, retry_at, message)
    return MailNotSent(outgoing.pk, message, retry_at)


# --- a batch over one connection ----------------------------------------------------------------


@dataclass
class BatchSent:
    """What ``mail_send_batch`` did: the mails it sent, the failures it recorded (each with its
    own next attempt, or given up) and the mails it claimed but handed back untried, due now
    (the lease would have run out before their turn)."""

    sent: list[int] = field(default_factory=list)
    failed: list[MailNotSent] = field(default_factory=list)
    released: list[int] = field(default_factory=list)


def mail_claim_batch(*, mail_ids: list[int],
                     now: datetime.datetime | None = None) -> list[OutgoingMail]:
    """``mail_claim`` for many mails in one committed transaction: those of ``mail_ids`` that
    are claimable and not being claimed by someone else right now (``SKIP LOCKED``) become
    ``sending`` under one lease. Returns the claimed rows in id order. (SQLite has no row
    locks, but its single writer serialises the claims: a second one whose read went stale
    fails instead of claiming twice.)"""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), pk__in=mail_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        OutgoingMail.objects.filter(pk__in=ids).update(
            status=OutgoingMail.Status.SENDING,
            lease_until=_lease_until(now),
            attempts=F("attempts") + 1,
        )
    return list(OutgoingMail.objects.filter(pk__in=ids).order_by("pk"))


def mail_send_batch(*, mail_ids: list[int],
                    budget: datetime.timedelta | None = None) -> BatchSent:
    """Send many mails of the outbox over one SMTP connection: claim them together, then for
    each, in id order, send and mark it sent in its own commit right after the server accepted
    it (a crash duplicates at most the one mail in that window, as with ``mail_send``). A
    refused mail records its failure with its own back-off (or is given up) and the next one
    goes over a fresh connection; when the connection cannot be opened, every mail left
    records that failure. A mail is only begun while ``EMAIL_TIMEOUT`` of its lease remains
    and within ``budget`` of the start: the rest is handed back, due now. Mails sent, given up
    or claimed by someone else are skipped. Raises ``RuntimeError`` inside a transaction."""
    if _in_transaction():
        raise RuntimeError("mail_send_batch must not run inside a database transaction")
    outcome = BatchSent()
    claimed = mail_claim_batch(mail_ids=mail_ids)
    if not claimed:
        return outcome
    stop_at = min(m.lease_until for m in claimed) - datetime.timedelta(seconds=settings.EMAIL_TIMEOUT)
    if budget is not None:
        stop_at = min(stop_at, timezone.now() + budget)
    smtp = get_connection(fail_silently=False)
    opened = False
    for index, outgoing in enumerate(claimed):
        if timezone.now() >= stop_at:
            outcome.released = _release([m.pk for m in claimed[index:]])
            break
        try:
            if not opened:
                smtp.open()
                opened = True
        except Exception as error:  # no connection: the rest fail alike, each with its back-off
            outcome.failed.extend(_record_failure(m, error) for m in claimed[index:])
            break
        try:
            _deliver(outgoing, smtp)
        except Exception as error:  # refused or connection lost: this one retries on its own
            outcome.failed.append(_record_failure(outgoing, error))
            _close_quietly(smtp)
            opened = False
            continue
        _mark_sent(outgoing.pk)
        outcome.sent.append(outgoing.pk)
    if opened:
        _close_quietly(smtp)
    return outcome


def _release(mail_ids: list[int]) -> list[int]:
    """Hand claimed but untried mails back: pending, due now, the attempt not counted."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk__in=mail_ids, status=OutgoingMail.Status.SENDING).update(
            status=OutgoingMail.Status.PENDING, lease_until=None, next_attempt_at=timezone.now(),
            attempts=F("attempts") - 1,
        )
    return mail_ids


def mail_retry_now(*, actor: Any, outgoing: OutgoingMail) -> OutgoingMail:
    """A coordinator asks for a failed or still-retrying mail to be tried again now: it becomes
    pending and due (its attempts and last error stay for the record) and its sending is
    enqueued after commit. Raises ``PermissionDenied`` for anyone but a coordinator and
    ``TransitionNotAllowed`` for a mail that is sent or being sent right now."""
    from core import permissions
    from core.exceptions import PermissionDenied, TransitionNotAllowed
    from django.utils.translation import gettext as _

    if not (actor.is_superuser or permissions.roles_of(actor).coordinator):
        raise PermissionDenied(_("Only coordinators can send mail again."))
    with transaction.atomic():
        updated = OutgoingMail.objects.filter(
            pk=outgoing.pk,
            status__in=[OutgoingMail.Status.PENDING, OutgoingMail.Status.FAILED],
        ).update(status=OutgoingMail.Status.PENDING, next_attempt_at=None, lease_until=None)
        if not updated:
            raise TransitionNotAllowed(_("This mail is sent or being sent right now."))
        dispatch.enqueue_on_commit("send_mail", outgoing.pk)
    outgoing.refresh_from_db()
    return outgoing


# --- the safety net -----------------------------------------------------------------------------

SCAN_BATCH = 500


def outbox_scan(*, now: datetime.datetime | None = None,
                grace: datetime.timedelta | None = None) -> dict[str, int]:
    """Enqueue again what the broker may have lost: events not fanned out, mails pending past
    their time (plus ``grace``: younger ones are still on their normal way), and mails whose
    sending worker died (lease expired: back to pending). Each mail found is stamped due now,
    so the next scans leave it alone for ``grace`` while its message travels; both tasks are
    idempotent, so a second message for the same row is harmless."""
    from workflows.models import Event

    from .tasks import deliver_event, send_mail

    now = now or timezone.now()
    if grace is None:
        grace = datetime.timedelta(seconds=settings.OUTBOX_SCAN_GRACE_SECONDS)
    cutoff = now - grace
    event_ids = list(
        Event.objects.filter(notified_at=None, created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SCAN_BATCH]
    )
    pending_due = Q(status=OutgoingMail.Status.PENDING) & (
        Q(next_attempt_at=None, created_at__lte=cutoff) | Q(next_attempt_at__lte=cutoff)
    )
    abandoned = Q(status=OutgoingMail.Status.SENDING, lease_until__lte=now)
    with transaction.atomic():
        # Rows another scan is handling right now are skipped, not waited for.
        mail_ids = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pending_due | abandoned)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:SCAN_BATCH]
        )
        OutgoingMail.objects.filter(pk__in=mail_ids).update(
            status=OutgoingMail.Status.PENDING, lease_until=None, next_attempt_at=now
        )
    for event_id in event_ids:
        deliver_event.delay(event_id)
    for mail_id in mail_ids:
        send_mail.delay(mail_id)
    return {"events": len(event_ids), "mails": len(mail_ids)}

"""Small helpers shared by the notifications tests."""

from __future__ import annotations

from notifications.models import OutgoingMail, Preference
from notifications import services
from tests.factories import UserFactory


def prefer(user, *, digest: str | None = None, immediate: bool | None = None,
           language: str | None = None):
    services.preference_update(actor=user, digest=digest, immediate=immediate)
    if language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


def make_sentinel(address: str = "sentinel@example.org") -> OutgoingMail:
    """An extra mail in the outbox whose sending the test enqueues last (``send_mail.delay``).
    The solo worker takes messages in order, so once the sentinel arrives, everything enqueued
    before it has been processed. Created early, before the worker runs."""
    from django.db import transaction

    user = UserFactory(email=address)
    Preference.objects.get_or_create(user=user)
    with transaction.atomic():
        outgoing = OutgoingMail.objects.create(
            kind=OutgoingMail.Kind.EVENT, recipient=user, key=f"sentinel:{user.pk}",
            to_email=address, subject="sentinel", body_text="sentinel",
        )
    return outgoing


def wait_until(predicate, *, timeout: float = 30.0, what: str = "the database") -> None:
    """Poll a database condition while the worker thread writes (SQLite's shared in-memory test
    database refuses a read during a write with "table is locked": try again)."""
    import time

    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
        time.sleep(0.05)
    raise AssertionError(f"Timed out waiting for {what}")


def wait_until_sent(outgoing: OutgoingMail, timeout: float = 30.0) -> None:
    """The SMTP server has a mail a moment before the worker commits it as sent: wait for the
    commit, so the test goes on with a settled database."""
    wait_until(
        lambda: OutgoingMail.objects.filter(pk=outgoing.pk, status=OutgoingMail.Status.SENT).exists(),
        timeout=timeout, what=f"mail {outgoing.pk} to be marked sent",
    )

"""Writes of the notifications app: preferences, and the outbox through which every mail goes.

Every mail is first a row in ``OutgoingMail`` (unique per kind, recipient and key), created in
the transaction that decides it is due; its sending is enqueued on commit and claims the row
(``notifications/outbox.py``), so no retry, restart or overlapping run sends anything twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import NotFound

from . import digests, dispatch, inbound, mail, outbox, reminders, selectors, wording
from .models import OutgoingMail, Preference
from .reminders import ReminderOutcome
from .selectors import LEVEL_ESCALATE, LEVEL_REMIND  # noqa: F401  (re-exported)

logger = logging.getLogger(__name__)


def preference_for(user: Any) -> Preference:
    """The user's mail preference, created with the defaults on first use."""
    preference, _created = Preference.objects.get_or_create(user=user)
    return preference


def preference_update(
    *, actor: Any, immediate: bool | None = None, digest: str | None = None
) -> Preference:
    """Change the actor's own mail preferences. Raises ``ValueError`` on an unknown digest."""
    with transaction.atomic():
        preference = preference_for(actor)
        fields = []
        if immediate is not None:
            preference.immediate = immediate
            fields.append("immediate")
        if digest is not None:
            if digest not in Preference.Digest.values:
                raise ValueError(f"Unknown digest frequency: {digest}")
            preference.digest = digest
            fields.append("digest")
        if fields:
            preference.save(update_fields=fields)
        return preference


# --- unsubscribe --------------------------------------------------------------------------------


def preference_unsubscribe(*, token: str) -> tuple[Any, str]:
    """Switch off what a signed unsubscribe ``token`` names (the digest or immediate mail) for
    the person it names; no login needed. Returns ``(user, scope)``. A tampered or unknown token
    changes nothing and raises ``NotFound``."""
    user, scope = unsubscribe_token_load(token)
    if scope == "digest":
        preference_update(actor=user, digest=Preference.Digest.OFF)
    else:
        preference_update(actor=user, immediate=False)
    return user, scope


def unsubscribe_token_load(token: str) -> tuple[Any, str]:
    """The (user, scope) a signed token names; ``NotFound`` when the signature does not hold."""
    from core.models import User

    try:
        data = signing.loads(token, salt=mail.UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=int(data["u"]))
        scope = data["s"]
    except (signing.BadSignature, KeyError, TypeError, ValueError, User.DoesNotExist) as exc:
        raise NotFound(_("This unsubscribe link is not valid.")) from exc
    if scope not in mail.UNSUBSCRIBE_SCOPES:
        raise NotFound(_("This unsubscribe link is not valid."))
    return user, scope


# --- the outbox ---------------------------------------------------------------------------------

def mail_queue(
    *,
    kind: str,
    recipient: Any,
    key: str,
    rendered: mail.RenderedMail,
    window_end: datetime.datetime | None = None,
    to_email: str | None = None,
) -> OutgoingMail | None:
    """Record that ``recipient`` must get this mail once and enqueue its sending after commit.
    Returns ``None`` (and changes nothing) when a mail of this kind and key already exists for
    the recipient: a retried or concurrent decision never queues a second one. ``to_email``
    sends it elsewhere than the recipient's address (an address change: the new one and the
    old one)."""
    with transaction.atomic():
        outgoing, created = OutgoingMail.objects.get_or_create(
            kind=kind,
            recipient=recipient,
            key=key,
            defaults={
                "to_email": to_email or recipient.email,
                "subject": rendered.subject,
                "body_text": rendered.body_text,
                "body_html": rendered.body_html,
                "headers": rendered.headers,
                "window_end": window_end,
            },
        )
        if not created:
            return None
        dispatch.enqueue_on_commit("send_mail", outgoing.pk)
    return outgoing


# Claim, send outside any transaction, mark sent: see notifications/outbox.py.
mail_send = outbox.mail_send
outbox_scan = outbox.outbox_scan
SCAN_BATCH = outbox.SCAN_BATCH


def send_now(mails: Iterable[OutgoingMail]) -> tuple[int, int]:
    """Send freshly queued mails in this process (the commands run by hand), counting sent and
    failed; a failure stays pending for the worker and the outbox scan."""
    sent = failed = 0
    for outgoing in mails:
        try:
            sent += bool(mail_send(mail_id=outgoing.pk))
        except Exception:
            logger.warning("Sending mail %s failed; it stays in the outbox", outgoing.pk, exc_info=True)
            failed += 1
    return sent, failed


# --- immediate notifications --------------------------------------------------------------------

# An event older than this is no longer news for an immediate mail (the digest covers it): an
# outbox scan after a long broker outage, or history created by seed_demo, does not flood anyone.
IMMEDIATE_MAX_AGE = datetime.timedelta(days=1)


def event_fan_out(*, event_id: int, now: datetime.datetime | None = None) -> list[OutgoingMail]:
    """Queue the immediate mails for one event, once: the event row is locked and marked
    notified in the same transaction that queues its mails. A missing or already notified event
    queues nothing."""
    from workflows.models import Event

    now = now or timezone.now()
    queued: list[OutgoingMail] = []
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",))
            .select_related(
                "challenge", "challenge__referral_body", "challenge__duplicate_of",
                "transition_log", "comment", "actor",
            )
            .filter(pk=event_id, notified_at=None)
            .first()
        )
        if event is None:
            return []
        if event.kind == Event.Kind.CHALLENGES_IMPORTED:
            if event.created_at >= now - IMMEDIATE_MAX_AGE:
                queued = _import_fan_out(event)
        elif event.created_at >= now - IMMEDIATE_MAX_AGE:
            for user, reason in selectors.immediate_audience(event):
                rendered = mail.render(
                    user, "event", lambda e=event, r=reason: _event_mail(e, r),
                    unsubscribe_scope="immediate", thread=event.challenge_id,
                    reply_to=inbound.reply_to_for(user, event.challenge),
                )
                outgoing = mail_queue(
                    kind=OutgoingMail.Kind.EVENT, recipient=user, key=f"event:{event.pk}",
                    rendered=rendered,
                )
                if outgoing is not None:
                    queued.append(outgoing)
        Event.objects.filter(pk=event.pk).update(notified_at=now)
    return queued


# A bulk import's mail lists at most this many challenges; the rest are counted and linked.
IMPORT_LIST_MAX = 50


def _import_fan_out(event) -> list[OutgoingMail]:
    """One mail per person for a whole import, listing the challenges they may see (the key
    is the bulk event's, so the mail goes out once however often this runs)."""
    queued = []
    for user, reason, challenges in selectors.import_audience(event):
        rendered = mail.render(
            user, "imported", lambda r=reason, c=challenges: _import_mail(event, r, c),
            unsubscribe_scope="immediate",
        )
        outgoing = mail_queue(
            kind=OutgoingMail.Kind.EVENT, recipient=user, key=f"event:{event.pk}",
            rendered=rendered,
        )
        if outgoing is not None:
            queued.append(outgoing)
    return queued


def _import_mail(event, reason: str, challenges: list) -> tuple[str, dict[str, Any]]:
    from django.utils.translation import ngettext

    n = len(challenges)
    shown = challenges[:IMPORT_LIST_MAX]
    actor = str(event.actor) if event.actor else _("Someone")
    return (
        ngettext(
            "[Willkommensnetz] %(n)d challenge imported",
            "[Willkommensnetz] %(n)d challenges imported",
            n,
        ) % {"n": n},
        {
            "intro": ngettext(
                "%(actor)s imported %(n)d challenge from a sheet:",
                "%(actor)s imported %(n)d challenges from a sheet:",
                n,
            ) % {"actor": actor, "n": n},
            "rows": [{"challenge": c, "url": mail.challenge_url(c.pk)} for c in shown],
            "more": n - len(shown),
            "more_url": mail.absolute("/challenges/?sort=newest"),
            "triage": reason == wording.REASON_COORDINATOR,
            "why": wording.reason_text(reason),
        },
    )


def _event_mail(event, reason: str) -> tuple[str, dict[str, Any]]:
    happening = wording.describe(event)
    return wording.subject(event.challenge.title, happening.short), {
        "item": happening,
        "intro": wording.reason_intro(reason, happening),
        "why": wording.reason_text(reason),
    }


# --- reminders ----------------------------------------------------------------------------------


def reminders_send(*, now: datetime.datetime | None = None) -> list[ReminderOutcome]:
    """Decide the due reminders and escalations and queue one mail per recipient listing all
    of theirs (see ``notifications.reminders``)."""
    return reminders.reminders_send(now=now)


def reminder_mails(outcomes: Iterable[ReminderOutcome]) -> list[OutgoingMail]:
    """The distinct mails of a reminder run (several reminders share one person's mail)."""
    seen: dict[int, OutgoingMail] = {}
    for outcome in outcomes:
        for outgoing in outcome.mails:
            seen.setdefault(outgoing.pk, outgoing)
    return list(seen.values())


# --- digests ------------------------------------------------------------------------------------

DIGEST_PERIODS = digests.DIGEST_PERIODS
DIGEST_MAX_LOOKBACK = digests.DIGEST_MAX_LOOKBACK
digest_key = digests.digest_key
DigestOutcome = digests.DigestOutcome


def digests_send(*, period: str, now: datetime.datetime | None = None) -> list[DigestOutcome]:
    """Queue this period's digests: a few items per section with counts and links, at most
    one per person and day (see ``notifications.digests``)."""
    return digests.digests_send(period=period, now=now)


def digest_queue(*, user: Any, period: str, key: str, now: datetime.datetime) -> DigestOutcome | None:
    """Queue one person's digest of a run (see ``notifications.digests.digest_queue``)."""
    return digests.digest_queue(user=user, period=period, key=key, now=now)

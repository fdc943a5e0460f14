"""Writes of the notifications app: preferences, and the outbox through which every mail goes.

Every mail is first a row in ``OutgoingMail`` (unique per kind, recipient and key), created in
the transaction that decides it is due; its sending is enqueued on commit and claims the row
(``notifications/outbox.py``), so no retry, restart or overlapping run sends anything twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import NotFound

from . import dispatch, mail, outbox, selectors
from .models import OutgoingMail, Preference, Reminder, ReminderPolicy
from .selectors import LEVEL_ESCALATE, LEVEL_REMIND

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
) -> OutgoingMail | None:
    """Record that ``recipient`` must get this mail once and enqueue its sending after commit.
    Returns ``None`` (and changes nothing) when a mail of this kind and key already exists for
    the recipient: a retried or concurrent decision never queues a second one."""
    with transaction.atomic():
        outgoing, created = OutgoingMail.objects.get_or_create(
            kind=kind,
            recipient=recipient,
            key=key,
            defaults={
                "to_email": recipient.email,
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
            .select_related("challenge", "transition_log", "comment", "actor")
            .filter(pk=event_id, notified_at=None)
            .first()
        )
        if event is None:
            return []
        if event.created_at >= now - IMMEDIATE_MAX_AGE:
            for user in selectors.immediate_recipients(event):
                rendered = mail.render(
                    user, "event", lambda e=event: _event_mail(e), unsubscribe_scope="immediate"
                )
                outgoing = mail_queue(
                    kind=OutgoingMail.Kind.EVENT, recipient=user, key=f"event:{event.pk}",
                    rendered=rendered,
                )
                if outgoing is not None:
                    queued.append(outgoing)
        Event.objects.filter(pk=event.pk).update(notified_at=now)
    return queued


def _what_happened(event) -> dict[str, Any]:
    """The describing strings of one event, in the active language (for mail and digest)."""
    from workflows.models import Event, State
    from workflows.transitions import TRANSITIONS

    actor = str(event.actor) if event.actor else _("Someone")
    kinds = Event.Kind
    info: dict[str, Any] = {"event": event, "actor": actor, "detail": ""}
    if event.kind == kinds.CHALLENGE_FILED:
        info["headline"] = _("%(actor)s filed a new challenge.") % {"actor": actor}
    elif event.kind == kinds.TRANSITION and event.transition_log is not None:
        log = event.transition_log
        spec = TRANSITIONS.get(log.transition)
        info["headline"] = _("%(actor)s: “%(step)s” – now %(state)s.") % {
            "actor": actor,
            "step": spec.label if spec else log.transition,
            "state": State(log.to_state).label if log.to_state in State.values else log.to_state,
        }
        info["detail"] = log.note
    elif event.kind == kinds.COMMENT and event.comment is not None:
        info["headline"] = _("%(actor)s commented.") % {"actor": actor}
        info["detail"] = event.comment.body
    elif event.kind == kinds.CHALLENGE_ASSIGNED:
        group = event.challenge.working_group if event.challenge else None
        info["headline"] = (
            _("%(actor)s assigned the working group %(group)s.") % {"actor": actor, "group": group}
            if group
            else _("%(actor)s removed the working group.") % {"actor": actor}
        )
    elif event.kind == kinds.CHALLENGE_EDITED:
        info["headline"] = _("%(actor)s edited the description.") % {"actor": actor}
    elif event.kind == kinds.GOOD_PRACTICE_PUBLISHED and event.good_practice is not None:
        info["headline"] = _("New good practice published: %(title)s") % {
            "title": event.good_practice.title
        }
    else:
        info["headline"] = str(event.get_kind_display())
    if event.challenge_id:
        info["challenge"] = event.challenge
        info["url"] = mail.challenge_url(event.challenge_id)
    elif event.good_practice_id:
        info["url"] = mail.absolute(f"/good-practices/{event.good_practice.slug}/")
    return info


def _event_mail(event) -> tuple[str, dict[str, Any]]:
    info = _what_happened(event)
    subject = _("[Willkommensnetz] %(title)s – %(what)s") % {
        "title": event.challenge.title,
        "what": info["headline"],
    }
    return subject, {"item": info}


# --- reminders ----------------------------------------------------------------------------------


@dataclass
class ReminderOutcome:
    challenge: Any
    level: int
    recipients: list[Any]
    mails: list[OutgoingMail] = field(default_factory=list)


def reminders_send(*, now: datetime.datetime | None = None) -> list[ReminderOutcome]:
    """Decide the due reminders (level 1) and escalations (level 2) and queue their mails.

    Each is decided once per challenge, state entry and level (the unique ``Reminder`` row,
    created in the same transaction as its mails): a rerun, a retry or an overlapping run finds
    nothing left. Reminding changes nothing on the challenge."""
    now = now or timezone.now()
    policy = ReminderPolicy.current()
    outcomes: list[ReminderOutcome] = []
    for level in (LEVEL_REMIND, LEVEL_ESCALATE):
        for challenge in selectors.challenges_due_for_reminder(now=now, level=level, policy=policy):
            outcome = _remind(challenge, level, now=now, policy=policy)
            if outcome is not None:
                outcomes.append(outcome)
    return outcomes


def _remind(challenge, level: int, *, now: datetime.datetime, policy) -> ReminderOutcome | None:
    from workflows.models import Challenge

    with transaction.atomic():
        # The same stay in the same state, still: a challenge that moved on since the scan
        # selected it is not reminded (the lock waits for a transition in flight).
        still = Challenge.objects.select_for_update(of=("self",)).filter(
            pk=challenge.pk, state_entered_at=challenge.state_entered_at
        )
        if not still.exists():
            return None
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    challenge=challenge,
                    state=challenge.state,
                    state_entered_at=challenge.state_entered_at,
                    level=level,
                    created_at=now,
                )
        except IntegrityError:  # an overlapping run decided it a moment ago
            return None
        recipients = selectors.reminder_recipients(challenge, level)
        outcome = ReminderOutcome(challenge=challenge, level=level, recipients=recipients)
        key = f"reminder:{challenge.pk}:{challenge.state_entered_at.isoformat()}:{level}"
        since = selectors.stale_since(challenge, policy=policy)
        for user in recipients:
            rendered = mail.render(
                user, "reminder", lambda u=user: _reminder_mail(challenge, level, since, now)
            )
            outgoing = mail_queue(
                kind=OutgoingMail.Kind.REMINDER, recipient=user, key=key, rendered=rendered
            )
            if outgoing is not None:
                outcome.mails.append(outgoing)
    return outcome


def _reminder_mail(challenge, level: int, stale_since, now) -> tuple[str, dict[str, Any]]:
    if level == LEVEL_ESCALATE:
        subject = _("[Willkommensnetz] Escalation: “%(title)s” has been waiting too long") % {
            "title": challenge.title
        }
    else:
        subject = _("[Willkommensnetz] Reminder: “%(title)s” is waiting for the next step") % {
            "title": challenge.title
        }
    return subject, {
        "challenge": challenge,
        "level": level,
        "escalation": level == LEVEL_ESCALATE,
        "state": challenge.get_state_display(),
        "state_entered_at": challenge.state_entered_at,
        "stale_since": stale_since,
        "days": (now - challenge.state_entered_at).days,
        "url": mail.challenge_url(challenge.pk),
    }


# --- digests ------------------------------------------------------------------------------------

DIGEST_PERIODS = {
    Preference.Digest.DAILY: datetime.timedelta(days=1),
    Preference.Digest.WEEKLY: datetime.timedelta(days=7),
}
# However long ago the last digest was, a digest looks back at most this far.
DIGEST_MAX_LOOKBACK = datetime.timedelta(days=31)


def digest_key(period: str, now: datetime.datetime) -> str:
    """One digest per user and period: the local date for daily, the ISO week for weekly."""
    day = timezone.localdate(now)
    if period == Preference.Digest.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"digest:weekly:{year}-W{week:02d}"
    return f"digest:daily:{day.isoformat()}"


@dataclass
class DigestOutcome:
    user: Any
    items: list[Any]
    stale: list[Any]
    mail: OutgoingMail | None


def digests_send(*, period: str, now: datetime.datetime | None = None) -> list[DigestOutcome]:
    """Queue this period's digest for every subscriber of ``period`` to whom something visible
    happened since their last digest (nothing happened: no mail). One digest per user and
    period (unique key), even when the job runs twice or concurrently."""
    if period not in DIGEST_PERIODS:
        raise ValueError(f"Unknown digest period: {period}")
    now = now or timezone.now()
    key = digest_key(period, now)
    outcomes: list[DigestOutcome] = []
    for user in selectors.digest_subscribers(period):
        outcome = digest_queue(user=user, period=period, key=key, now=now)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def digest_queue(*, user: Any, period: str, key: str, now: datetime.datetime) -> DigestOutcome | None:
    """Queue ``user``'s digest ``key`` covering up to ``now``, unless it exists already or
    nothing visible happened since their last digest. The unit of work of a digest run
    (``notifications/digest_runs.py``): safe to repeat, by any number of workers at once."""
    if OutgoingMail.objects.filter(kind=OutgoingMail.Kind.DIGEST, recipient=user, key=key).exists():
        return None
    since = selectors.last_digest_end(user) or now - DIGEST_PERIODS[period]
    since = max(since, now - DIGEST_MAX_LOOKBACK)
    items = selectors.digest_items_for(user, since=since, until=now)
    stale = selectors.stale_list_for(user, now=now)
    newly_stale = bool(stale) and selectors.reminders_decided_between(since=since, until=now)
    if not items and not newly_stale:
        return None
    rendered = mail.render(
        user,
        "digest",
        lambda: _digest_mail(user, period, items, stale, since, now),
        unsubscribe_scope="digest",
    )
    outgoing = mail_queue(
        kind=OutgoingMail.Kind.DIGEST, recipient=user, key=key, rendered=rendered, window_end=now
    )
    if outgoing is None:
        return None
    return DigestOutcome(user=user, items=items, stale=stale, mail=outgoing)


def _digest_mail(user, period, items, stale, since, now) -> tuple[str, dict[str, Any]]:
    from workflows.models import Event

    sections = {"new": [], "transitions": [], "comments": [], "good_practices": []}
    for event in items:
        info = _what_happened(event)
        if event.kind == Event.Kind.CHALLENGE_FILED:
            sections["new"].append(info)
        elif event.kind == Event.Kind.TRANSITION:
            sections["transitions"].append(info)
        elif event.kind == Event.Kind.COMMENT:
            sections["comments"].append(info)
        else:
            sections["good_practices"].append(info)
    stale_rows = [
        {"challenge": c, "state": c.get_state_display(), "days": (now - c.state_entered_at).days,
         "url": mail.challenge_url(c.pk)}
        for c in stale
    ]
    if period == Preference.Digest.DAILY:
        subject = _("[Willkommensnetz] Your daily digest: %(n)d news") % {"n": len(items)}
    else:
        subject = _("[Willkommensnetz] Your weekly digest: %(n)d news") % {"n": len(items)}
    return subject, {
        "period": period,
        "since": since,
        "until": now,
        "sections": sections,
        "count": len(items),
        "stale": stale_rows,
        "saved_views": selectors.saved_view_matches_for(user, since=since, until=now),
    }

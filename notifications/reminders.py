"""Reminders and escalations: decided once per challenge, state entry and level, and mailed as
ONE mail per recipient per scan that lists every stale case of that person, escalations first.

A scan decides its reminders and queues their mails in one transaction: either both are
stored or neither, so a crash in the middle loses nothing and a rerun finds nothing left to
decide (the unique ``Reminder`` rows). The bundled mail's outbox key names the scan's first
reminder row, which no other scan can own: a rerun of the same scan queues nothing more, and
an overlapping scan that decided other reminders gets a mail of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import mail, selectors, wording
from .models import OutgoingMail, Reminder, ReminderPolicy
from .selectors import LEVEL_ESCALATE, LEVEL_REMIND


def items_per_section() -> int:
    """How many cases a reminder mail lists per urgency; the rest are counted and linked."""
    return int(getattr(settings, "NOTIFICATIONS_REMINDER_ITEMS", 20))


@dataclass
class ReminderOutcome:
    """One reminder (or escalation) decided: its challenge, level, recipients, and the bundled
    mails that carry it (each shared with the other reminders of the same recipient)."""

    challenge: Any
    level: int
    recipients: list[Any]
    reminder: Reminder | None = None
    mails: list[OutgoingMail] = field(default_factory=list)


def reminders_send(*, now: datetime.datetime | None = None) -> list[ReminderOutcome]:
    """Decide the due reminders (level 1) and escalations (level 2) and queue one mail per
    recipient listing all of theirs.

    Each is decided once per challenge, state entry and level (the unique ``Reminder`` row,
    created in the same transaction as the mails): a rerun, a retry or an overlapping run finds
    nothing left. Reminding changes nothing on the challenge."""
    now = now or timezone.now()
    policy = ReminderPolicy.current()
    outcomes: list[ReminderOutcome] = []
    with transaction.atomic():
        for level in (LEVEL_REMIND, LEVEL_ESCALATE):
            for challenge in selectors.challenges_due_for_reminder(
                now=now, level=level, policy=policy
            ):
                outcome = _decide(challenge, level, now=now)
                if outcome is not None:
                    outcomes.append(outcome)
        _queue_bundles(outcomes, now=now, policy=policy)
    return outcomes


def _decide(challenge, level: int, *, now: datetime.datetime) -> ReminderOutcome | None:
    from workflows.models import Challenge

    # The same stay in the same state, still: a challenge that moved on since the scan
    # selected it is not reminded (the lock waits for a transition in flight).
    still = Challenge.objects.select_for_update(of=("self",)).filter(
        pk=challenge.pk, state_entered_at=challenge.state_entered_at
    )
    if not still.exists():
        return None
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                challenge=challenge,
                state=challenge.state,
                state_entered_at=challenge.state_entered_at,
                level=level,
                created_at=now,
            )
    except IntegrityError:  # an overlapping run decided it a moment ago
        return None
    recipients = selectors.reminder_recipients(challenge, level)
    return ReminderOutcome(challenge=challenge, level=level, recipients=recipients, reminder=reminder)


def _queue_bundles(outcomes: list[ReminderOutcome], *, now, policy) -> None:
    from .services import mail_queue

    if not outcomes:
        return
    per_person: dict[int, tuple[Any, list[ReminderOutcome]]] = {}
    for outcome in outcomes:
        for user in outcome.recipients:
            per_person.setdefault(user.pk, (user, []))[1].append(outcome)
    key = f"reminders:{min(o.reminder.pk for o in outcomes)}"
    for user, theirs in per_person.values():
        cases = {o.challenge.pk for o in theirs}
        single = next(iter(cases)) if len(cases) == 1 else None
        rendered = mail.render(
            user, "reminder", lambda u=user, t=theirs: _bundle_mail(u, t, now, policy),
            thread=single,
        )
        outgoing = mail_queue(
            kind=OutgoingMail.Kind.REMINDER, recipient=user, key=key, rendered=rendered
        )
        if outgoing is not None:
            for outcome in theirs:
                outcome.mails.append(outgoing)


def _row(outcome: ReminderOutcome, group_ids: set[int], now) -> dict[str, Any]:
    challenge = outcome.challenge
    if outcome.level == LEVEL_ESCALATE:
        role = _("as coordinator")
    elif challenge.working_group_id in group_ids:
        role = _("your working group %(group)s") % {"group": challenge.working_group}
    else:
        role = _("as coordinator: no working group assigned yet")
    return {
        "challenge": challenge,
        "state": challenge.get_state_display(),
        "state_entered_at": challenge.state_entered_at,
        "days": (now - challenge.state_entered_at).days,
        "group": challenge.working_group,
        "role": role,
        "url": mail.challenge_url(challenge.pk),
    }


def _section(rows: list[dict[str, Any]]) -> dict[str, Any]:
    rows.sort(key=lambda r: (-r["days"], r["challenge"].pk))
    limit = items_per_section()
    return {"rows": rows[:limit], "count": len(rows), "more": max(0, len(rows) - limit)}


def _bundle_mail(user, theirs: list[ReminderOutcome], now, policy) -> tuple[str, dict[str, Any]]:
    group_ids = set(user.working_groups.values_list("pk", flat=True))
    escalated_ids = {o.challenge.pk for o in theirs if o.level == LEVEL_ESCALATE}
    # A case reminded and escalated in the same run is listed once, as escalated.
    escalated = _section([_row(o, group_ids, now) for o in theirs if o.level == LEVEL_ESCALATE])
    reminded = _section([
        _row(o, group_ids, now) for o in theirs
        if o.level == LEVEL_REMIND and o.challenge.pk not in escalated_ids
    ])
    total = escalated["count"] + reminded["count"]
    if total == 1:
        only = max(theirs, key=lambda o: o.level)
        what = _("escalation") if only.level == LEVEL_ESCALATE else _("reminder")
        subject = wording.subject(only.challenge.title, what)
    elif escalated["count"]:
        subject = _(
            "[Willkommensnetz] %(n)d challenges are waiting for their next step, "
            "%(e)d of them escalated"
        ) % {"n": total, "e": escalated["count"]}
    else:
        subject = _("[Willkommensnetz] %(n)d challenges are waiting for their next step") % {
            "n": total
        }
    return subject, {
        "escalated": escalated,
        "reminded": reminded,
        "total": total,
        "overview_url": mail.absolute("/"),
    }


def reminders_settle_history(*, now: datetime.datetime | None = None) -> int:
    """Record every reminder and escalation due right now as already decided, without mail.

    For a loaded history (``seed_demo``): its cases were stale long before anyone could have
    been reminded, and the first scan must not mail a backlog of them. Cases that become stale
    from now on are reminded as usual. Returns how many were recorded."""
    now = now or timezone.now()
    policy = ReminderPolicy.current()
    recorded = 0
    with transaction.atomic():
        for level in (LEVEL_REMIND, LEVEL_ESCALATE):
            for challenge in selectors.challenges_due_for_reminder(now=now, level=level, policy=policy):
                _reminder, created = Reminder.objects.get_or_create(
                    challenge=challenge,
                    state_entered_at=challenge.state_entered_at,
                    level=level,
                    defaults={"state": challenge.state, "created_at": now},
                )
                recorded += created
    return recorded

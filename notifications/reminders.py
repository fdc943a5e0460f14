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
import heapq
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
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


# How many scanned challenges one lock, one insert of their reminders, decide at once.
DECIDE_BATCH = 500


def reminders_send(*, now: datetime.datetime | None = None) -> list[ReminderOutcome]:
    """Decide the due reminders (level 1) and escalations (level 2) and queue one mail per
    recipient listing all of theirs.

    Each is decided once per challenge, state entry and level (the unique ``Reminder`` row,
    created in the same transaction as the mails): a rerun, a retry or an overlapping run finds
    nothing left. Reminding changes nothing on the challenge. The due challenges are decided in
    batches of ``DECIDE_BATCH``: a few queries per batch, however many are due."""
    now = now or timezone.now()
    policy = ReminderPolicy.current()
    outcomes: list[ReminderOutcome] = []
    people: dict = {}  # the scan's candidates (``selectors.reminder_recipients``)
    with transaction.atomic():
        for level in (LEVEL_REMIND, LEVEL_ESCALATE):
            due = list(selectors.challenges_due_for_reminder(now=now, level=level, policy=policy))
            for start in range(0, len(due), DECIDE_BATCH):
                outcomes += _decide(
                    due[start:start + DECIDE_BATCH], level, now=now, policy=policy, people=people
                )
        _queue_bundles(outcomes, now=now, policy=policy)
    return outcomes


# What a reminder and its mail read of a challenge (``_row``, the subject, the permissions):
# the rest of the row, its texts and other timestamps, is left unread.
_CHALLENGE_FIELDS = ("title", "state", "state_entered_at", "visibility", "organisation",
                     "working_group", "working_group__name")


def _decide(
    ids: list[int], level: int, *, now: datetime.datetime, policy, people: dict
) -> list[ReminderOutcome]:
    """Decide the reminders of a batch of scanned challenge ids: lock and load those still
    stale at ``level``, record a reminder for each whose current stay has none yet."""
    from workflows.models import Challenge

    # Still stale under the lock (PostgreSQL re-reads the row's newest version for it): a
    # challenge that moved on since the scan selected it is not reminded. One locked by a
    # transition in flight (or by an overlapping scan) is skipped, not waited for: the next
    # scan decides it if it is still stale, and no two scans wait for each other's locks.
    still = list(
        Challenge.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(selectors.stale_q(now=now, level=level, policy=policy), pk__in=ids)
        .select_related("working_group")
        .only(*_CHALLENGE_FIELDS)
        .order_by("pk")
    )
    recorded = _record(still, level, now=now)
    return [
        ReminderOutcome(
            challenge=challenge,
            level=level,
            recipients=selectors.reminder_recipients(challenge, level, people=people),
            reminder=recorded[challenge.pk],
        )
        for challenge in still
        if challenge.pk in recorded
    ]


def _record(challenges: list, level: int, *, now: datetime.datetime) -> dict[int, Reminder]:
    """Insert the reminders of ``challenges`` at ``level`` in one statement and return those
    this call created, by challenge id. ``ON CONFLICT DO NOTHING`` skips the ones another
    transaction recorded (an overlapping run, or ``reminders_settle_history``, which does not
    lock), even one not yet committed: the insert waits for it, then skips it. Written by hand
    because ``bulk_create(ignore_conflicts=True)`` does not say which rows it inserted."""
    if not challenges:
        return {}
    fields = [Reminder._meta.get_field(name)
              for name in ("challenge", "state", "state_entered_at", "level", "created_at")]
    reminders = {
        c.pk: Reminder(challenge=c, state=c.state, state_entered_at=c.state_entered_at,
                       level=level, created_at=now)
        for c in challenges
    }
    quote = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(getattr(reminder, field.attname), connection)
        for reminder in reminders.values()
        for field in fields
    ]
    sql = (
        f"INSERT INTO {quote(Reminder._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES {', '.join([row] * len(reminders))} "
        f"ON CONFLICT DO NOTHING RETURNING {quote(Reminder._meta.pk.column)}, {quote(fields[0].column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted = cursor.fetchall()
    created = {}
    for pk, challenge_id in inserted:
        reminder = reminders[challenge_id]
        reminder.pk = pk
        reminder._state.adding = False
        reminder._state.db = connection.alias
        created[challenge_id] = reminder
    return created


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


def _section(outcomes: list[ReminderOutcome], group_ids: set[int], now) -> dict[str, Any]:
    """The longest waiting first; only the rows shown are built (a coordinator's escalations
    at a million challenges: 19,000 cases, 20 listed)."""
    def longest_first(outcome: ReminderOutcome) -> tuple[int, int]:
        return (-(now - outcome.challenge.state_entered_at).days, outcome.challenge.pk)

    limit = items_per_section()
    shown = heapq.nsmallest(limit, outcomes, key=longest_first)
    return {
        "rows": [_row(o, group_ids, now) for o in shown],
        "count": len(outcomes),
        "more": max(0, len(outcomes) - limit),
    }


def _bundle_mail(user, theirs: list[ReminderOutcome], now, policy) -> tuple[str, dict[str, Any]]:
    group_ids = set(user.working_groups.values_list("pk", flat=True))
    escalated_ids = {o.challenge.pk for o in theirs if o.level == LEVEL_ESCALATE}
    # A case reminded and escalated in the same run is listed once, as escalated.
    escalated = _section([o for o in theirs if o.level == LEVEL_ESCALATE], group_ids, now)
    reminded = _section([
        o for o in theirs if o.level == LEVEL_REMIND and o.challenge.pk not in escalated_ids
    ], group_ids, now)
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
    from workflows.models import Challenge

    now = now or timezone.now()
    policy = ReminderPolicy.current()
    recorded = 0
    with transaction.atomic():
        for level in (LEVEL_REMIND, LEVEL_ESCALATE):
            due = list(selectors.challenges_due_for_reminder(now=now, level=level, policy=policy))
            for start in range(0, len(due), DECIDE_BATCH):  # one insert per batch, as the scan
                challenges = Challenge.objects.filter(
                    pk__in=due[start:start + DECIDE_BATCH]
                ).only("state", "state_entered_at")
                recorded += len(_record(list(challenges), level, now=now))
    return recorded

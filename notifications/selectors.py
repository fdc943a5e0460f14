"""Which challenges are stale: older in their state than the reminder policy allows."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from workflows.models import State, Trial

from .models import ReminderPolicy

LEVEL_REMIND = 1
LEVEL_ESCALATE = 2


def stale_q(
    *, now: datetime.datetime | None = None, level: int = LEVEL_REMIND, policy=None
) -> Q:
    """A filter for challenges stale at ``level`` (1: past the age, 2: past twice the age).

    Ages count from ``state_entered_at``; a trial counts from its planned end plus the grace
    days (twice the grace days for escalation)."""
    now = now or timezone.now()
    policy = policy or ReminderPolicy.current()
    q = Q(pk__in=[])
    for state in (State.REPORTED, State.ANALYSED, State.APPROACH_PROPOSED):
        days = policy.days_for(state)
        q |= Q(state=state, state_entered_at__lte=now - datetime.timedelta(days=days * level))
    overdue_trial = Trial.objects.filter(
        challenge=OuterRef("pk"),
        status=Trial.Status.RUNNING,
        planned_end__lt=timezone.localdate(now)
        - datetime.timedelta(days=policy.trial_grace_days * level),
    )
    q |= Q(state=State.TRIALLED) & Q(Exists(overdue_trial))
    return q


def stale_since(challenge, *, policy=None) -> datetime.datetime | None:
    """When ``challenge`` became (or will become) stale, or ``None`` for a finished one."""
    policy = policy or ReminderPolicy.current()
    days = policy.days_for(challenge.state)
    if days is not None:
        return challenge.state_entered_at + datetime.timedelta(days=days)
    if challenge.state == State.TRIALLED:
        trial = challenge.trials.filter(status=Trial.Status.RUNNING).order_by("-created_at").first()
        if trial is None:
            return None
        end = trial.planned_end + datetime.timedelta(days=policy.trial_grace_days + 1)
        return datetime.datetime.combine(end, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return None

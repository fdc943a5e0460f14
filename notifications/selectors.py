"""Reads of the notifications app: which challenges are stale (older in their state than the
reminder policy allows), who receives which mail, and what a digest contains."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Exists, F, OuterRef, Q, Subquery
from django.db.models.expressions import Expression
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from workflows import permissions
from workflows.models import AGED_STATES, State, Trial, state_since

from .models import ReminderPolicy

LEVEL_REMIND = 1
LEVEL_ESCALATE = 2


def _stale_bounds(*, now: datetime.datetime | None, level: int, policy) -> tuple[dict, datetime.date]:
    """The reminder rule's bounds at ``level``: per aged state, the latest ``state_entered_at``
    that is stale, and the latest overdue planned trial end (the day before this date)."""
    now = now or timezone.now()
    policy = policy or ReminderPolicy.current()
    since = {
        state: now - datetime.timedelta(days=policy.days_for(state) * level)
        for state in AGED_STATES
    }
    trial_end = timezone.localdate(now) - datetime.timedelta(days=policy.trial_grace_days * level)
    return since, trial_end


def _overdue_trials(trial_end: datetime.date):
    return Trial.objects.filter(
        status=Trial.Status.RUNNING, planned_end__lt=trial_end
    ).order_by().values("challenge_id")


def stale_q(
    *, now: datetime.datetime | None = None, level: int = LEVEL_REMIND, policy=None
) -> Q:
    """A filter for challenges stale at ``level`` (1: past the age, 2: past twice the age).

    Ages count from ``state_entered_at``; a trial counts from its planned end plus the grace
    days (twice the grace days for escalation)."""
    since, trial_end = _stale_bounds(now=now, level=level, policy=policy)
    q = Q(pk__in=[])
    for state, bound in since.items():
        # The expression of the state's own index (``state_since``), whose statistics know
        # how many of that state's challenges are that old; ``state=`` names the branch's state
        # for ``workflows.selectors.in_state``.
        q |= Q(LessThanOrEqual(state_since(state), bound), state=state)
    q |= Q(state=State.TRIALLED) & Q(_PkAmong(_overdue_trials(trial_end)))
    return q


class _PkAmong(Expression):
    """``pk IN (challenge_ids)`` that PostgreSQL reads by index inside an OR: as
    ``= ANY(ARRAY(…))`` the subquery runs once (on the ``trial_running_planned_end`` index) and
    its branch joins the other branches' bitmap scans on the primary key, where ``IN`` or
    ``EXISTS`` filters every challenge in the state (issue 14: the reminder scan)."""

    output_field = BooleanField()

    def __init__(self, challenge_ids) -> None:
        super().__init__()
        self.pk, self.ids = F("pk"), Subquery(challenge_ids)

    def get_source_expressions(self):
        return [self.pk, self.ids]

    def set_source_expressions(self, exprs) -> None:
        self.pk, self.ids = exprs

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        ids_sql, ids_params = compiler.compile(self.ids)  # "(SELECT …)"
        if connection.vendor == "postgresql":
            return f"{pk_sql} = ANY(ARRAY{ids_sql})", (*pk_params, *ids_params)
        return f"{pk_sql} IN {ids_sql}", (*pk_params, *ids_params)


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


# --- who receives what ------------------------------------------------------------------------


def _active_users():
    from core.models import User

    return User.objects.filter(is_active=True)


def immediate_recipients(event) -> list:
    """The people of :func:`immediate_audience`, without their reasons."""
    return [user for user, _reason in immediate_audience(event)]


def immediate_audience(event) -> list[tuple]:
    """Who gets an immediate mail for ``event``, and in which role (``notifications.wording``
    REASON_*), one role per person, the closest first.

    - a new challenge: the coordinators (they triage it) and the named working group;
    - the (re)assignment of a working group (``analyse`` or an assignment): that group;
    - everything on a challenge: the responsible working group, and its followers (those of the
      reporting organisation are told it is their organisation's case).

    Only people whose preference asks for immediate mail (no preference row: the default, on;
    the others find it in their digest), never the actor, only people who may see the challenge.
    """
    from workflows.models import Event

    from . import wording

    challenge = event.challenge
    # A referral's own event feeds the hand-over mail to the body (notifications.referrals);
    # the people learn of the referral from the close that comes with it, once.
    if challenge is None or event.kind == Event.Kind.CHALLENGE_REFERRED:
        return []
    # A filing of a bulk import is told with its batch, once (``import_audience``).
    if event.batch_id is not None:
        return []
    reasons: dict[int, str] = {}

    def add(ids, reason: str) -> None:
        for pk in ids:
            reasons.setdefault(pk, reason)

    filed = event.kind == Event.Kind.CHALLENGE_FILED
    group_id = challenge.working_group_id
    if filed:
        add(_active_users().filter(is_coordinator=True).values_list("pk", flat=True),
            wording.REASON_COORDINATOR)
    if group_id and _group_responsible_at(event):
        assigned = event.kind == Event.Kind.CHALLENGE_ASSIGNED or (
            event.kind == Event.Kind.TRANSITION
            and event.transition_log is not None
            and event.transition_log.transition == "analyse"
        )
        add(_active_users().filter(working_groups=group_id).values_list("pk", flat=True),
            wording.REASON_ASSIGNED if assigned else wording.REASON_GROUP)
    # Followers as of the event: someone who follows a moment later (the fan-out runs in the
    # background) did not follow what happened before.
    followers = _active_users().filter(
        follows__challenge=challenge, follows__created_at__lte=event.created_at
    )
    add(followers.filter(memberships__organisation=challenge.organisation_id)
        .values_list("pk", flat=True), wording.REASON_ORGANISATION)
    add(followers.values_list("pk", flat=True), wording.REASON_FOLLOWER)
    reasons.pop(event.actor_id, None)
    candidates = (
        _active_users()
        .filter(pk__in=reasons)
        .exclude(notification_preference__immediate=False)
        .order_by("pk")
    )
    return [
        (user, reasons[user.pk])
        for user in candidates
        if permissions.can_view_challenge(user, challenge)
    ]


def import_audience(event) -> list[tuple]:
    """Who hears of a bulk import (``CHALLENGES_IMPORTED``) and of which of its challenges, as
    ``(user, reason, [challenges])``: the coordinators of all of them (they triage them), the
    members of a named working group of theirs; each only of the challenges they may see, never
    the importer, only people who ask for immediate mail. Four queries and the visibility
    checks, however many rows the sheet had."""
    from workflows.models import Challenge

    from . import wording

    challenges = list(
        Challenge.objects.filter(events__batch=event)
        .select_related("organisation", "topic", "region", "working_group")
        .order_by("pk")
    )
    if not challenges:
        return []
    reasons: dict[int, str] = {}
    for pk in _active_users().filter(is_coordinator=True).values_list("pk", flat=True):
        reasons.setdefault(pk, wording.REASON_COORDINATOR)
    group_ids = {c.working_group_id for c in challenges if c.working_group_id}
    members: dict[int, set[int]] = {}
    for pk, group_id in _active_users().filter(working_groups__in=group_ids).values_list(
        "pk", "working_groups"
    ):
        members.setdefault(pk, set()).add(group_id)
        reasons.setdefault(pk, wording.REASON_GROUP)
    reasons.pop(event.actor_id, None)
    candidates = (
        _active_users()
        .filter(pk__in=reasons)
        .exclude(notification_preference__immediate=False)
        .order_by("pk")
    )
    audience = []
    for user in candidates:
        theirs = [
            c for c in challenges
            if (reasons[user.pk] == wording.REASON_COORDINATOR
                or c.working_group_id in members.get(user.pk, ()))
            and permissions.can_view_challenge(user, c)
        ]
        if theirs:
            audience.append((user, reasons[user.pk], theirs))
    return audience


def _group_responsible_at(event) -> bool:
    """Whether the challenge's current working group already had it when ``event`` happened:
    the last (re)assignment (``analyse`` names the group, a coordinator may assign it) is this
    event or an earlier one. A group that takes a case over later is not told its history."""
    from workflows.models import Event

    last = (
        Event.objects.filter(challenge_id=event.challenge_id)
        .filter(
            Q(kind=Event.Kind.CHALLENGE_ASSIGNED)
            | Q(kind=Event.Kind.TRANSITION, transition_log__transition="analyse")
        )
        .order_by("-created_at", "-pk")
        .values_list("created_at", "pk")
        .first()
    )
    return last is None or last <= (event.created_at, event.pk)


def reminder_recipients(challenge, level: int, *, people: dict | None = None) -> list:
    """Level 1 reminds the assigned working group (the coordinators when unassigned); level 2
    escalates to the coordinators. Only people who may see the challenge.

    ``people`` caches the candidates of a scan: each group's members and the coordinators are
    read once (and each person's roles once), not once per challenge."""
    group_id = challenge.working_group_id if level == LEVEL_REMIND else None
    people = {} if people is None else people
    if group_id not in people:
        if group_id:
            candidates = _active_users().filter(working_groups=group_id)
        else:
            candidates = _active_users().filter(is_coordinator=True)
        people[group_id] = list(candidates.distinct().order_by("pk"))
    return [user for user in people[group_id] if permissions.can_view_challenge(user, challenge)]


def challenges_due_for_reminder(*, now: datetime.datetime, level: int, policy=None):
    """The ids of the challenges stale at ``level`` (:func:`stale_q`) for which no reminder of
    that level was decided yet for their current stay in the state. Only ids: deciding locks
    and loads each batch itself (``notifications.reminders``), and a timestamp costs more to
    read than its row's whole index entry (Django parses ``timestamptz`` in Python).

    One branch per aged state, each an index-only range of ``challenge_state_since_id``
    (``state = s AND state_entered_at <= bound``: no challenge row is visited), and the
    challenges of the overdue trials (their partial index, then by primary key), UNIONed; the
    decided ones are left out by the Reminder's unique index. Where an OR of the branches made
    a bitmap scan that visited one heap page per stale challenge and loaded every row with its
    working group (issue 14: 873 ms at a million). No order: deciding does not depend on it
    (each mail sorts its rows)."""
    from workflows.models import Challenge

    from .models import Reminder

    since, trial_end = _stale_bounds(now=now, level=level, policy=policy)
    already = Exists(Reminder.objects.filter(
        challenge=OuterRef("pk"), state_entered_at=OuterRef("state_entered_at"), level=level
    ))
    branches = [
        # The range again as the state's ``state_since``: the planner estimates it from that
        # state's own statistics (the expression index's), where the plain columns' mix every
        # state's (60,000 estimated where 9,872 were): estimated that high, the anti-join
        # hashed every reminder ever recorded (1.3 s at a million with two million of them)
        # instead of probing the unique index once per stale challenge.
        Q(state=state, state_entered_at__lte=bound)
        & Q(LessThanOrEqual(state_since(state), bound))
        for state, bound in since.items()
    ]
    branches.append(Q(state=State.TRIALLED) & Q(_PkAmong(_overdue_trials(trial_end))))
    first, *rest = (
        Challenge.objects.filter(branch).exclude(already).order_by().values_list("pk", flat=True)
        for branch in branches
    )
    return first.union(*rest, all=True)


def digest_subscribers(period: str):
    """Active people whose digest preference is ``period`` (no preference row means the default,
    weekly)."""
    from .models import Preference

    q = Q(notification_preference__digest=period)
    if period == Preference._meta.get_field("digest").default:
        q |= Q(notification_preference__isnull=True)
    return _active_users().filter(q).order_by("pk")


def last_digest_end(user) -> datetime.datetime | None:
    from .models import OutgoingMail

    return (
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.DIGEST, recipient=user)
        .exclude(window_end=None)
        .order_by("-window_end")
        .values_list("window_end", flat=True)
        .first()
    )


def digest_items_for(user, *, since: datetime.datetime, until: datetime.datetime) -> list:
    """What happened in (since, until] that ``user`` may see, oldest first: new challenges and
    transitions on visible challenges, comments on visible challenges they follow, and newly
    published good practices. Their own actions are left out. Visibility comes from
    ``workflows.permissions.visible_challenges_q``, the same rule as the pages and the API."""
    from workflows.models import Challenge, Event, Follow, GoodPractice

    visible = permissions.visible_challenges_q(user)
    on_visible = Q(challenge__isnull=False)
    if visible is not None:
        on_visible &= Q(challenge__in=Challenge.objects.filter(visible).values("pk"))
    followed = Exists(Follow.objects.filter(user=user, challenge=OuterRef("challenge")))
    kinds = Event.Kind
    q = (
        (Q(kind__in=[kinds.CHALLENGE_FILED, kinds.TRANSITION]) & on_visible)
        | (Q(kind=kinds.COMMENT) & on_visible & Q(followed))
        | Q(kind=kinds.GOOD_PRACTICE_PUBLISHED, good_practice__status=GoodPractice.Status.PUBLISHED)
    )
    return list(
        Event.objects.filter(q, created_at__gt=since, created_at__lte=until)
        .exclude(actor=user)
        .select_related("challenge", "good_practice", "transition_log", "comment", "actor")
        .order_by("created_at", "pk")
    )


def saved_view_matches_for(user, *, since: datetime.datetime, until: datetime.datetime) -> list:
    """The new matches of ``user``'s subscribed saved views in (since, until], as
    ``(view, [{"title", "url"}, …])`` pairs (``workflows.search.saved_views``). They are new
    challenges, so they are also among ``digest_items_for``: they never make a digest alone."""
    from workflows.search.saved_views import new_matches_for

    from .mail import challenge_url

    return [
        (view, [{"title": c.title, "url": challenge_url(c.pk)} for c in challenges])
        for view, challenges in new_matches_for(user, since=since, until=until)
    ]


def stale_list_for(user, *, now: datetime.datetime) -> list:
    """The stale challenges (level 1 or worse), for those who may see the stale list."""
    from workflows.models import Challenge

    if not permissions.can_see_stale_list(user):
        return []
    qs = Challenge.objects.filter(stale_q(now=now))
    visible = permissions.visible_challenges_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    return list(qs.select_related("working_group").order_by("state_entered_at", "pk"))


def reminders_decided_between(*, since: datetime.datetime, until: datetime.datetime) -> bool:
    from .models import Reminder

    return Reminder.objects.filter(created_at__gt=since, created_at__lte=until).exists()

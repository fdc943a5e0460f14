"""Reads of challenges and good practices, each with its own joins and visibility filter.
Web pages, the API and digests all read through here, so one place decides who sees what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.lookups import Lookup
from django.utils.translation import gettext as _

from core.exceptions import NotFound

from . import hooks, permissions
from .models import (
    OPEN_STATES,
    Approach,
    Challenge,
    ChallengeChange,
    Comment,
    Event,
    GoodPractice,
    State,
    TransitionLog,
    Trial,
)
from .transitions import TRANSITIONS, TransitionSpec


def challenges_visible_to(user: Any) -> QuerySet[Challenge]:
    """Every challenge ``user`` may see, with what a list row shows joined in."""
    qs = Challenge.objects.select_related(
        "topic", "region", "organisation", "working_group", "reporter"
    ).prefetch_related("target_groups")
    q = permissions.visible_challenges_q(user)
    return qs if q is None else qs.filter(q)


def challenge_id(pk: Any) -> int:
    """A challenge's id from a URL or an input, or ``NotFound`` if it cannot be one: what a
    caller hands a service that reads the challenge itself (under its lock)."""
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Challenge not found.")) from None


def visible_challenge_for(user: Any, pk: Any) -> Challenge:
    """The bare challenge row if ``user`` may see it, else ``NotFound`` (one query): enough to
    check rights or to hand a challenge to a service, which reads what it needs under its lock."""
    pk = challenge_id(pk)
    challenge = (
        challenges_visible_to(user).select_related(None).prefetch_related(None).filter(pk=pk).first()
    )
    if challenge is None:
        raise NotFound(_("Challenge not found."))
    return challenge


def challenge_detail_for(user: Any, pk: Any, *, history: bool = True) -> Challenge:
    """One challenge with everything its lifecycle produced and, unless ``history=False`` (the
    API's detail, whose history is its own endpoint), its log, field changes and comments; or
    ``NotFound`` if ``user`` may not see it."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Challenge not found.")) from None
    lookups = [
        Prefetch("approaches", queryset=Approach.objects.select_related("good_practice", "author")),
        Prefetch(
            "trials",
            queryset=Trial.objects.select_related("approach", "evaluation").prefetch_related(
                "partners"
            ),
        ),
    ]
    if history:
        lookups += [
            Prefetch("log", queryset=TransitionLog.objects.select_related("actor")),
            Prefetch("changes", queryset=ChallengeChange.objects.select_related("actor")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
        ]
    challenge = (
        challenges_visible_to(user)
        .select_related("analysis", "analysis__author", "duplicate_of")
        .prefetch_related(*lookups)
        .filter(pk=pk)
        .first()
    )
    if challenge is None:
        raise NotFound(_("Challenge not found."))
    return challenge


def challenge_detail_of(challenge: Challenge) -> Challenge:
    """The detail without history (as ``challenge_detail_for(..., history=False)`` reads it) of
    a challenge a service just returned to a caller who may see it, e.g. the instance a
    lifecycle step locked, with its joins and records read after the step: only what it lacks
    is read (its target groups and its trials' partners), nothing twice."""
    prefetch_related_objects(
        [challenge],
        "target_groups",
        "approaches",
        Prefetch("trials", queryset=Trial.objects.select_related("evaluation")),
        "trials__partners",
    )
    return challenge


def allowed_transitions_for(user: Any, challenge: Challenge) -> list[TransitionSpec]:
    """The steps ``user`` may take on ``challenge`` now (state and right both allow them)."""
    return [
        TRANSITIONS[t.name]
        for t in challenge.get_available_user_state_transitions(user)
        if t.name in TRANSITIONS
    ]


def allowed_transitions_for_each(user: Any, challenges: list[Challenge]) -> list[list[TransitionSpec]]:
    """``allowed_transitions_for`` of each challenge, asked once per state and rights key
    (``permissions.step_rights_key``) rather than once per challenge: a board of 180 cards
    holds a handful of distinct answers."""
    answers: dict[tuple, list[TransitionSpec]] = {}
    steps = []
    for challenge in challenges:
        key = (challenge.state, permissions.step_rights_key(user, challenge))
        if key not in answers:
            answers[key] = allowed_transitions_for(user, challenge)
        steps.append(answers[key])
    return steps


def first_of_each_state(
    challenges: QuerySet[Challenge], states: list[str], *, size: int
) -> dict[str, list[Challenge]]:
    """The ``size`` challenges of ``challenges`` that waited longest in each of ``states``
    (oldest ``state_entered_at`` first), with what a card shows joined in, in ONE query: a
    UNION ALL of one part per state, each part's rows chosen by a sliced subquery that walks
    the (state, state_entered_at) index for its ``size`` ids (a subquery, because SQLite allows
    no LIMIT in a part of a compound query)."""
    cards = Challenge.objects.select_related("topic", "region", "working_group")
    ordered = challenges.order_by("state_entered_at", "id")
    parts = [
        cards.filter(pk__in=ordered.filter(state=state).values("pk")[:size]).order_by()
        for state in states
    ]
    columns: dict[str, list[Challenge]] = {state: [] for state in states}
    if not parts:
        return columns
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for challenge in sorted(rows, key=lambda c: (c.state_entered_at, c.pk)):
        columns[challenge.state].append(challenge)
    return columns


def good_practices_visible_to(user: Any) -> QuerySet[GoodPractice]:
    qs = GoodPractice.objects.select_related("working_group").prefetch_related(
        "regions", "target_groups", "topics", "partners"
    )
    q = permissions.visible_good_practices_q(user)
    return qs if q is None else qs.filter(q)


def good_practice_detail_for(user: Any, pk: Any = None, slug: str | None = None) -> GoodPractice:
    qs = good_practices_visible_to(user).prefetch_related(
        Prefetch(
            "approaches",
            queryset=Approach.objects.select_related("challenge", "challenge__region"),
        )
    )
    record = qs.filter(slug=slug).first() if slug is not None else None
    if slug is None:
        try:
            record = qs.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            record = None
    if record is None:
        raise NotFound(_("Good practice not found."))
    return record


@dataclass(frozen=True)
class MyWork:
    roles: permissions.Roles
    waiting: list[Challenge]  # open challenges of my working groups, oldest state first
    triage: list[Challenge]  # coordinators: reported and not yet assigned
    stale: list[Challenge]  # past their state's age (coordinators: all; others: their own)
    followed: list[Challenge]
    activity: list[Event]  # recent events the person may see
    glance: Glance  # counts per open state of my challenges, and how many are overdue


def my_work_for(user: Any, *, size: int = 15) -> MyWork:
    """What needs ``user`` now, each list at most ``size`` long (a fixed number of queries)."""
    roles = permissions.roles_of(user)
    # What a list item shows (workflows/_challenge_item.html) and no more: each joined table
    # is planned again on every request (the planner weighs every index of the challenges),
    # and at a million challenges planning, not running, was most of these lists' time.
    visible = challenges_visible_to(user).prefetch_related(None).select_related(None) \
        .select_related("topic", "region", "working_group")
    waiting: list[Challenge] = []
    triage: list[Challenge] = []
    if roles.group_ids:
        waiting = list(
            visible.filter(working_group_id__in=roles.group_ids, state__in=OPEN_STATES)
            .order_by("state_entered_at", "id")[:size]
        )
    if roles.coordinator:
        triage = list(
            visible.filter(state=State.REPORTED, working_group__isnull=True)
            .order_by("created_at", "id")[:size]
        )
    mine = visible
    if not permissions.can_see_stale_list(user):
        mine = mine.filter(
            Q(working_group_id__in=roles.group_ids) | Q(organisation_id__in=roles.organisation_ids)
        )
    stale_q = hooks.stale_q()  # read the reminder policy once for the list and the counts
    stale = mine.filter(stale_q)
    # The newest followed ids first, then their rows: sorted after joining, the followed
    # challenges (a thousand for a busy coordinator) would each be joined to their topic,
    # region and group before all but ``size`` are dropped.
    newest = ("-updated_at", "-id")
    followed_ids = visible.select_related(None).filter(follows__user=user).order_by(*newest)
    followed = visible.filter(pk__in=followed_ids.values("pk")[:size]).order_by(*newest)
    # The visibility rule joined on the event's challenge, not an IN over every visible
    # challenge: newest events first, walked by index until 20 match (see the permissions).
    on_challenge = permissions.visible_challenges_q(user, through="challenge__")
    activity = (
        Event.objects.filter(
            (Q(challenge__isnull=False) if on_challenge is None else on_challenge)
            | Q(challenge__isnull=True, good_practice__status=GoodPractice.Status.PUBLISHED)
        )
        .select_related("actor", "challenge", "good_practice", "transition_log")
        .order_by("-created_at", "-id")[:20]
    )
    return MyWork(
        roles=roles,
        waiting=waiting,
        triage=triage,
        stale=list(stale.order_by("state_entered_at", "id")[:size]),
        followed=list(followed),
        activity=list(activity),
        glance=glance_of(mine, stale_q=stale_q),
    )


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int
    overdue: int
    more: bool = False  # more than ``count`` (the bound of the glance)
    overdue_more: bool = False

    @property
    def shown(self) -> str:
        return f"{self.count}+" if self.more else str(self.count)

    @property
    def overdue_shown(self) -> str:
        return f"{self.overdue}+" if self.overdue_more else str(self.overdue)


@dataclass(frozen=True)
class Glance:
    """Work at a glance: how many challenges are in each open state and how many of them are
    overdue. Without a reminder rule nothing can be overdue, and ``reminders_configured`` says
    so, so a page never claims "nothing is overdue" when nobody set the ages."""

    states: list[StateCount]
    reminders_configured: bool

    @property
    def total(self) -> int:
        return sum(c.count for c in self.states)

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.states)

    @property
    def overdue_more(self) -> bool:
        return any(c.overdue_more for c in self.states)


def glance_of(challenges: QuerySet[Challenge], *, stale_q: Q | None = None) -> Glance:
    """Counts per open state of ``challenges`` (already filtered to what the person may see),
    with the overdue ones among them, in one query of bounded counts: each exact up to
    ``GLANCE_BOUND`` and shown as "1000+" above it, so the glance walks at most that many
    index entries per state instead of every open challenge (a million at scale)."""
    from core.pagination import GLANCE_BOUND, bounded_counts

    configured = hooks.stale_rule_provided()
    stale = (stale_q if stale_q is not None else hooks.stale_q()) if configured else None
    # Each count on the challenge's own columns walks the (state, state_entered_at) index in
    # its order (see ``bounded_counts(ordered=)``); one that asks another table (a trial past
    # its planned end) is left unordered, joined as a set: walked in order it would probe the
    # trials of every challenge in the state (100,000 at a million) when few are overdue.
    by_index = challenges.order_by("state_entered_at")
    wanted = {}
    for state in OPEN_STATES:
        wanted[(state, "n")] = by_index.filter(state=state)
        if stale is not None:
            overdue = in_state(stale, state)
            wanted[(state, "overdue")] = (
                challenges.order_by().filter(overdue) if _asks_other_tables(overdue)
                else by_index.filter(overdue)
            )
    counts = bounded_counts(wanted, GLANCE_BOUND, ordered=True)
    labels = dict(State.choices)
    return Glance(
        states=[
            StateCount(
                state=state,
                label=labels[state],
                count=min(counts[(state, "n")], GLANCE_BOUND),
                overdue=min(counts.get((state, "overdue"), 0), GLANCE_BOUND),
                more=counts[(state, "n")] > GLANCE_BOUND,
                overdue_more=counts.get((state, "overdue"), 0) > GLANCE_BOUND,
            )
            for state in OPEN_STATES
        ],
        reminders_configured=configured,
    )


def in_state(q: Q, state: str) -> Q:
    """``q`` and ``state=state``, without the branches of ``q``'s OR that ask for another state.

    The reminder rule is one branch per state (``state=s AND age past s's``); ANDed with one
    state, PostgreSQL still plans every branch, and a branch like ``state = 'trialled' AND
    state = 'reported'`` is answered by walking a whole posting list of the search's GIN index
    (170 ms at a million challenges, for nothing). Dropping the branches that cannot match
    leaves the one index range of that state. A branch not recognisable as asking for one
    state is kept, so the result is the same rows whatever ``q`` looks like."""
    if q.connector != Q.OR or q.negated:
        return q & Q(state=state)
    kept = [child for child in q.children if _state_asked(child) in (None, state)]
    narrowed = Q(*kept, _connector=Q.OR) if kept else Q(pk__in=[])
    return narrowed & Q(state=state)


def _state_asked(node: Any) -> str | None:
    """The state an OR branch requires (``state=…`` among its ANDed conditions), else None."""
    if isinstance(node, tuple):
        return node[1] if node[0] in ("state", "state__exact") else None
    if isinstance(node, Q) and node.connector == Q.AND and not node.negated:
        for child in node.children:
            if isinstance(child, tuple) and child[0] in ("state", "state__exact"):
                return child[1]
    return None


def _asks_other_tables(q: Q) -> bool:
    """Whether ``q`` holds an expression (``Exists``, a subquery) besides lookups (plain ones,
    or a lookup on an expression of the row's own columns such as ``state_since``)."""
    return any(
        _asks_other_tables(child) if isinstance(child, Q)
        else not isinstance(child, (tuple, Lookup))
        for child in q.children
    )


ORGANISATION_SUGGESTIONS = 20


def organisations_named_like(text: str, *, limit: int = ORGANISATION_SUGGESTIONS) -> list[str]:
    """Names of admitted organisations containing ``text`` (any case), those starting with it
    first, at most ``limit``: the suggestions of the list's organisation filter. One query;
    nothing for fewer than two letters."""
    from django.db.models import BooleanField, Case, Value, When

    from core.models import Organisation

    text = (text or "").strip()[:200]
    if len(text) < 2:
        return []
    starts = Case(When(name__istartswith=text, then=Value(True)), default=Value(False),
                  output_field=BooleanField())
    return list(
        Organisation.objects.filter(status=Organisation.Status.ADMITTED, name__icontains=text)
        .annotate(starts=starts).order_by("-starts", "name").values_list("name", flat=True)[:limit]
    )

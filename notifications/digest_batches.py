"""Building the digests of many people at once, with queries per batch, not per person.

A digest run (``notifications.digest_runs``) hands out batches of subscribers; at 10,000
subscribers over 100,000 events of a week, reading each person's news with its own queries
(the visibility filter over the whole week, twice, then per section) cost a second per person
(issue 14). Here a batch reads, in a constant number of queries:

- the people's roles, their digests of this key and of today, and where their last digest
  ended (one query each);
- the week's events oldest first, as light rows (ids, kind, time, actor and the challenge's
  visibility columns), chunk by chunk, only as far as needed: each person's digest covers at
  most ``max_news()`` news (``notifications.digests``), so the scan stops once every person has
  their cap — with a network's worth of events, after a few hundred rows;
- the follows of the people among the comments' challenges (one query per chunk);
- the few events shown, with everything their telling needs (two queries);
- the stale list and the inactive accounts once, when a coordinator is in the batch;

then decides in Python who sees what with the same rules as pages and API
(``workflows.permissions.can_view_challenge``), renders each mail and inserts the batch's mails
in one statement. Data-dependent extras stay per person, but only for the people they concern:
the coordinators' "newly stale" check, the news of the coordinators when some were published
in the window, and subscribed saved views.

Memory holds one batch: its people, a few hundred light rows per chunk, and each person's ids
of at most ``max_news()`` news, released after the batch.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Prefetch

from workflows import permissions

from . import dispatch, mail, selectors
from .models import OutgoingMail

SCAN_CHUNK = 1000


@dataclass(frozen=True)
class _Row:
    """One candidate event, light: what the rules need, not the event."""

    pk: int
    kind: str
    created_at: datetime.datetime
    actor_id: int | None
    challenge_id: int | None
    challenge: Any  # the visibility columns, for permissions.can_view_challenge
    good_practice_published: bool


@dataclass(frozen=True)
class _ChallengeColumns:
    visibility: str
    organisation_id: int | None
    working_group_id: int | None


def _candidates(*, since, until, after=None):
    """The events of (since, until] any digest may tell, oldest first, as light rows from
    ``after`` (a (created_at, pk) keyset) on: one query per call."""
    from django.db.models import Q

    from workflows.models import Event, GoodPractice

    from .digests import _section_kinds

    kinds = [kind for section in _section_kinds().values() for kind in section]
    qs = Event.objects.filter(kind__in=kinds, created_at__gt=since, created_at__lte=until)
    if after is not None:
        qs = qs.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], pk__gt=after[1]))
    rows = qs.order_by("created_at", "pk").values_list(
        "pk", "kind", "created_at", "actor_id", "challenge_id", "challenge__visibility",
        "challenge__organisation_id", "challenge__working_group_id", "good_practice__status",
    )[:SCAN_CHUNK]
    published = GoodPractice.Status.PUBLISHED
    return [
        _Row(pk, kind, at, actor, cid,
             _ChallengeColumns(vis, org, group) if cid is not None else None,
             status == published)
        for pk, kind, at, actor, cid, vis, org, group, status in rows
    ]


def _readable(rows: list[_Row], user: Any) -> list[_Row]:
    """The part of ``notifications.digests._news`` that depends on a person's roles alone:
    published good practices, and events of challenges they may see (their
    ``permissions.challenge_reader``, asked once per row)."""
    from workflows.models import Event

    published = Event.Kind.GOOD_PRACTICE_PUBLISHED
    reads = permissions.challenge_reader(user)
    return [
        row for row in rows
        if (row.good_practice_published if row.kind == published
            else row.challenge is not None and reads(row.challenge))
    ]


def _news_of(rows: list[_Row], user: Any, followed: set[int], since: datetime.datetime,
             theirs: list[_Row], cap: int) -> None:
    """The rest, for the events ``_readable`` by them after ``since``, appended to ``theirs``
    until it holds ``cap`` + 1: never their own actions, comments only on challenges they
    follow. Together: steps, filings, edits and assignments on challenges they may see,
    comments on visible challenges they follow, published good practices."""
    from workflows.models import Event

    comment, me = Event.Kind.COMMENT, user.pk
    for row in rows:
        if row.created_at <= since or (row.actor_id is not None and row.actor_id == me):
            continue
        if row.kind == comment and row.challenge_id not in followed:
            continue
        theirs.append(row)
        if len(theirs) > cap:
            return


def _news_per_person(people: list, since: dict[int, datetime.datetime], until, cap: int):
    """Each person's news of (their since, until], oldest first, at most ``cap`` + 1 of them
    (the one beyond the cap says where the digest ends), scanning the events chunk by chunk
    only until every person has that many."""
    from core import permissions as core_permissions
    from workflows.models import Event, Follow

    news: dict[int, list[_Row]] = {user.pk: [] for user in people}
    open_people = list(people)
    after = None
    start = min(since.values())
    while open_people:
        rows = _candidates(since=start, until=until, after=after)
        if not rows:
            break
        commented = {r.challenge_id for r in rows if r.kind == Event.Kind.COMMENT and r.challenge_id}
        follows: dict[int, set[int]] = defaultdict(set)
        if commented:
            for user_id, challenge_id in Follow.objects.filter(
                user__in=[u.pk for u in open_people], challenge__in=commented
            ).values_list("user_id", "challenge_id"):
                follows[user_id].add(challenge_id)
        # Who may read what depends on the roles only, and many people share theirs (every
        # stakeholder, a partner organisation's members): decided once per roles and chunk.
        readable: dict[Any, list[_Row]] = {}
        for user in open_people:
            roles = core_permissions.roles_of(user)
            if roles not in readable:
                readable[roles] = _readable(rows, user)
            _news_of(readable[roles], user, follows[user.pk], since[user.pk], news[user.pk], cap)
        open_people = [u for u in open_people if len(news[u.pk]) <= cap]
        if len(rows) < SCAN_CHUNK:
            break
        after = (rows[-1].created_at, rows[-1].pk)
    return news


def prime_roles(people: list) -> None:
    """Give each person their roles (``core.permissions.roles_of``) from two queries for the
    whole batch instead of two per person: the same rule (admitted organisations, working
    group seats), read in bulk."""
    from core import permissions as core_permissions
    from core.models import Membership, Organisation, User

    ids = [u.pk for u in people]
    organisations: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id in Membership.objects.filter(
        user__in=ids, organisation__status=Organisation.Status.ADMITTED
    ).values_list("user_id", "organisation_id"):
        organisations[user_id].add(org_id)
    groups: dict[int, set[int]] = defaultdict(set)
    seats = User.working_groups.through.objects.filter(user__in=ids)
    for user_id, group_id in seats.values_list("user_id", "workinggroup_id"):
        groups[user_id].add(group_id)
    for user in people:
        if not user.is_active:
            continue  # roles_of answers ANONYMOUS for them
        setattr(user, core_permissions._CACHE_ATTR, core_permissions.Roles(
            authenticated=True, coordinator=user.is_coordinator,
            stakeholder=user.is_stakeholder,
            organisation_ids=frozenset(organisations[user.pk]),
            group_ids=frozenset(groups[user.pk]),
        ))


def _shown_events(ids: set[int]) -> dict[int, Any]:
    """The events shown in the batch's mails, with what their telling reads
    (``notifications.wording``): one query, and one per prefetched relation."""
    from workflows.models import Approach, Event, Trial

    if not ids:
        return {}
    rows = (
        Event.objects.filter(pk__in=ids)
        .select_related(
            "challenge", "challenge__organisation", "challenge__topic", "challenge__region",
            "challenge__working_group", "challenge__referral_body", "challenge__duplicate_of",
            "challenge__analysis", "good_practice", "transition_log", "comment", "actor",
        )
        .prefetch_related(
            "changes",
            Prefetch("challenge__approaches", queryset=Approach.objects.order_by("pk")),
            Prefetch("challenge__trials",
                     queryset=Trial.objects.select_related("approach")
                     .prefetch_related("partners").order_by("pk")),
            "challenge__evaluations",
        )
    )
    return {event.pk: event for event in rows}


def digests_queue_batch(*, people: list, period: str, key: str, now: datetime.datetime) -> list:
    """Queue the digest ``key`` (covering up to ``now``, or up to the news cap) of each of
    ``people`` who has none of that key yet, has not had their digests of the day and to whom
    something visible happened since their last digest: what ``digest_queue`` does for one
    person, for a batch, in queries that do not grow with it. Returns the ``DigestOutcome``s
    of the digests this call queued; safe to repeat and to run concurrently (the unique outbox
    key: a batch that meets a concurrent insert queues person by person)."""
    from . import digests
    from .digests import (
        DIGEST_MAX_LOOKBACK, DIGEST_PERIODS, SECTIONS, DigestOutcome, _section_kinds,
    )

    if not people:
        return []
    ids = [u.pk for u in people]
    have = set(OutgoingMail.objects.filter(
        kind=OutgoingMail.Kind.DIGEST, recipient__in=ids, key=key
    ).values_list("recipient_id", flat=True))
    day_start = digests.local_day_start(now)
    today = dict(
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.DIGEST, recipient__in=ids,
                                    created_at__gte=day_start)
        .values("recipient_id").annotate(n=Count("pk")).values_list("recipient_id", "n")
    )
    people = [u for u in people if u.pk not in have and today.get(u.pk, 0) < digests.digests_per_day()]
    if not people:
        return []
    last_end = dict(
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.DIGEST,
                                    recipient__in=[u.pk for u in people])
        .exclude(window_end=None)
        .values("recipient_id").annotate(end=Max("window_end")).values_list("recipient_id", "end")
    )
    since = {
        u.pk: max(last_end.get(u.pk) or now - DIGEST_PERIODS[period], now - DIGEST_MAX_LOOKBACK)
        for u in people
    }
    prime_roles(people)
    cap, limit = digests.max_news(), digests.items_per_section()
    news = _news_per_person(people, since, now, cap)
    section_of = {kind: name for name, kinds in _section_kinds().items() for kind in kinds}
    plans = {}
    for user in people:
        theirs = news.pop(user.pk)
        until = now
        if len(theirs) > cap:
            # Everything strictly before the first news left out (news of the same instant
            # wait too): ``digests._capped_until``.
            until = theirs[cap].created_at - datetime.timedelta(microseconds=1)
            theirs = [row for row in theirs[:cap] if row.created_at <= until]
        per_section: dict[str, list[_Row]] = {name: [] for name in SECTIONS}
        for row in theirs:
            per_section[section_of[row.kind]].append(row)
        counts = {name: len(rows) for name, rows in per_section.items()}
        shown = {name: [row.pk for row in rows[-limit:]] for name, rows in per_section.items()}
        plans[user.pk] = (until, counts, shown)
    events = _shown_events({pk for _u, _c, shown in plans.values() for ids_ in shown.values()
                            for pk in ids_})
    extras = digests.batch_extras(people, since=min(since.values()), until=now, now=now)
    rendered_rows = []
    outcomes = []
    for user in people:
        until, counts, shown_ids = plans.pop(user.pk)
        shown = {name: [events[pk] for pk in pks] for name, pks in shown_ids.items()}
        outcome = digests.digest_render(
            user, period=period, since=since[user.pk], until=until, now=now, counts=counts,
            shown=shown, extras=extras,
        )
        if outcome is not None:
            rendered_rows.append((user, until, outcome))
    return _queue_all(rendered_rows, key=key, outcomes=outcomes, sections=SECTIONS,
                      outcome_class=DigestOutcome)


def _queue_all(rendered_rows, *, key, outcomes, sections, outcome_class) -> list:
    """One ``INSERT`` for the batch's mails, sent together after commit
    (``tasks.send_mail_batch``); when a concurrent build inserted some of them first, person by
    person through ``services.mail_queue``."""
    from .services import mail_queue

    def outcome_of(user, outgoing, parts):
        rendered, counts, shown, stale, stale_count = parts
        return outcome_class(
            user=user, items=[e for s in sections for e in shown[s]], stale=stale,
            mail=outgoing, count=sum(counts.values()), stale_count=stale_count,
            sections=dict(counts),
        )

    if not rendered_rows:
        return outcomes
    try:
        with transaction.atomic():
            made = OutgoingMail.objects.bulk_create([
                OutgoingMail(kind=OutgoingMail.Kind.DIGEST, recipient=user, key=key,
                             to_email=user.email, subject=parts[0].subject,
                             body_text=parts[0].body_text, body_html=parts[0].body_html,
                             headers=parts[0].headers, window_end=until)
                for user, until, parts in rendered_rows
            ])
            # The batch's mails go out together, over one SMTP connection (issue 14: one
            # task, claim and connection per mail held a worker to 51 mails/s).
            dispatch.enqueue_on_commit("send_mail_batch", [outgoing.pk for outgoing in made])
    except IntegrityError:
        for user, until, parts in rendered_rows:
            outgoing = mail_queue(kind=OutgoingMail.Kind.DIGEST, recipient=user, key=key,
                                  rendered=parts[0], window_end=until)
            if outgoing is not None:
                outcomes.append(outcome_of(user, outgoing, parts))
        return outcomes
    for (user, _until, parts), outgoing in zip(rendered_rows, made):
        outcomes.append(outcome_of(user, outgoing, parts))
    return outcomes


__all__ = ["digests_queue_batch", "prime_roles", "mail"]

"""Digests that stay readable at any size: a few items per section, with the count of the rest
and a link to them on the site, built per person with bounded queries (a few rows and an
aggregate per section, never every event of the period).

Two caps keep a person's mail small (settings, see ``core/settings/base.py``):

- ``NOTIFICATIONS_DIGEST_ITEMS`` (5): items shown per section; the rest are counted and linked.
- ``NOTIFICATIONS_DIGESTS_PER_DAY`` (1) and ``NOTIFICATIONS_DIGEST_MAX_NEWS`` (200): at most that
  many digests per person and local day, covering at most that many news; what lies beyond waits
  for the next digest (the digest's window ends at the last news it covers).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network import selectors_public
from workflows import permissions

from . import mail, selectors, wording
from .models import OutgoingMail, Preference

DIGEST_PERIODS = {
    Preference.Digest.DAILY: datetime.timedelta(days=1),
    Preference.Digest.WEEKLY: datetime.timedelta(days=7),
}
# However long ago the last digest was, a digest looks back at most this far.
DIGEST_MAX_LOOKBACK = datetime.timedelta(days=31)

SECTIONS = ("new", "transitions", "changes", "comments", "good_practices")


def items_per_section() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DIGEST_ITEMS", 5))


def digests_per_day() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DIGESTS_PER_DAY", 1))


def max_news() -> int:
    return int(getattr(settings, "NOTIFICATIONS_DIGEST_MAX_NEWS", 200))


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
    items: list[Any]  # the events shown (a few per section)
    stale: list[Any]  # the stale challenges shown
    mail: OutgoingMail | None
    count: int = 0  # every news the digest covers
    stale_count: int = 0
    sections: dict[str, int] = field(default_factory=dict)


def _news(user, *, since, until):
    """The events of (since, until] that ``user`` may see, as a query (nothing loaded): new
    challenges, steps, field edits and (re)assignments on visible challenges, comments on
    followed ones, published good practices; their own actions left out. The same visibility
    rule as pages and API."""
    from workflows.models import Challenge, Event, Follow, GoodPractice

    visible = permissions.visible_challenges_q(user)
    on_visible = Q(challenge__isnull=False)
    if visible is not None:
        on_visible &= Q(challenge__in=Challenge.objects.filter(visible).values("pk"))
    followed = Exists(Follow.objects.filter(user=user, challenge=OuterRef("challenge")))
    kinds = Event.Kind
    q = (
        (Q(kind__in=[kinds.CHALLENGE_FILED, kinds.TRANSITION, kinds.CHALLENGE_EDITED,
                     kinds.CHALLENGE_ASSIGNED]) & on_visible)
        | (Q(kind=kinds.COMMENT) & on_visible & Q(followed))
        | Q(kind=kinds.GOOD_PRACTICE_PUBLISHED, good_practice__status=GoodPractice.Status.PUBLISHED)
    )
    return Event.objects.filter(q, created_at__gt=since, created_at__lte=until).exclude(actor=user)


def _section_kinds() -> dict[str, tuple[str, ...]]:
    from workflows.models import Event

    return {
        "new": (Event.Kind.CHALLENGE_FILED,),
        "transitions": (Event.Kind.TRANSITION,),
        "changes": (Event.Kind.CHALLENGE_EDITED, Event.Kind.CHALLENGE_ASSIGNED),
        "comments": (Event.Kind.COMMENT,),
        "good_practices": (Event.Kind.GOOD_PRACTICE_PUBLISHED,),
    }


def _capped_until(news, until: datetime.datetime) -> datetime.datetime:
    """Where a digest covering at most ``max_news()`` news ends: the rest waits."""
    cap = max_news()
    beyond = news.order_by("created_at", "pk").values_list("created_at", flat=True)[cap:cap + 1]
    first_left_out = next(iter(beyond), None)
    if first_left_out is None:
        return until
    # Everything strictly before the first news left out (news of the same instant wait too).
    return first_left_out - datetime.timedelta(microseconds=1)


def digest_for(user, *, since: datetime.datetime, until: datetime.datetime, now: datetime.datetime):
    """What ``user``'s digest for (since, until] holds: per section a few events and the count,
    and for coordinators the stale list (a few and the count). Bounded: one query for the
    window, one aggregate for the counts, one query per non-empty section (and one for the
    changed fields of the edits shown), two for the stale list."""
    news = _news(user, since=since, until=until)
    until = _capped_until(news, until)
    news = _news(user, since=since, until=until)
    kinds = _section_kinds()
    counts = news.aggregate(**{
        section: Count("pk", filter=Q(kind__in=section_kinds))
        for section, section_kinds in kinds.items()
    })
    limit = items_per_section()
    shown: dict[str, list] = {}
    for section, section_kinds in kinds.items():
        if not counts[section]:
            shown[section] = []
            continue
        rows = (
            news.filter(kind__in=section_kinds)
            .select_related(
                "challenge", "challenge__organisation", "challenge__topic", "challenge__region",
                "challenge__working_group", "challenge__referral_body", "challenge__duplicate_of",
                "good_practice", "transition_log", "comment", "actor",
            )
            .order_by("-created_at", "-pk")
        )
        if section == "changes":
            rows = rows.prefetch_related("changes")  # the fields each edit changed: one query
        shown[section] = list(rows[:limit])[::-1]  # the latest few, told oldest first
    stale, stale_count = [], 0
    if permissions.can_see_stale_list(user):
        from workflows.models import Challenge

        stale_qs = Challenge.objects.filter(selectors.stale_q(now=now))
        visible = permissions.visible_challenges_q(user)
        if visible is not None:
            stale_qs = stale_qs.filter(visible)
        stale_count = stale_qs.count()
        stale = list(
            stale_qs.select_related("working_group").order_by("state_entered_at", "pk")[:limit]
        ) if stale_count else []
    return until, counts, shown, stale, stale_count


def announcements_for(user, *, since: datetime.datetime, until: datetime.datetime) -> dict[str, Any]:
    """The coordinators' news published in (since, until] that ``user`` may read: the count
    and the latest few, told oldest first. One query when there is none, two otherwise."""
    news = selectors_public.news_for_digest(user, since=since, until=until)
    count = news.count()
    rows = list(news.order_by("-published_at", "-id")[: items_per_section()])[::-1] if count else []
    return {
        "count": count,
        "rows": [
            {"title": item.title, "text": item.text, "published_at": item.published_at,
             "url": mail.absolute(item.get_absolute_url())}
            for item in rows
        ],
        "more": max(0, count - len(rows)),
        "more_url": mail.absolute(reverse("news-list")),
    }


def local_day_start(now: datetime.datetime) -> datetime.datetime:
    """The start of ``now``'s local day: digests per person and day count from there."""
    return datetime.datetime.combine(
        timezone.localdate(now), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


def digests_send(*, period: str, now: datetime.datetime | None = None) -> list[DigestOutcome]:
    """Queue this period's digest for every subscriber of ``period`` to whom something visible
    happened since their last digest (nothing happened: no mail). One digest per user and
    period (unique key), even when the job runs twice or concurrently; at most
    ``digests_per_day()`` per person and day (the news wait for the next one). Reads per
    batch of ``DIGEST_BATCH_SIZE`` people (``notifications.digest_batches``)."""
    from .digest_batches import digests_queue_batch

    if period not in DIGEST_PERIODS:
        raise ValueError(f"Unknown digest period: {period}")
    now = now or timezone.now()
    key = digest_key(period, now)
    outcomes: list[DigestOutcome] = []
    batch: list[Any] = []
    size = max(1, int(getattr(settings, "DIGEST_BATCH_SIZE", 100)))
    for user in selectors.digest_subscribers(period).iterator(chunk_size=size):
        batch.append(user)
        if len(batch) >= size:
            outcomes += digests_queue_batch(people=batch, period=period, key=key, now=now)
            batch = []
    outcomes += digests_queue_batch(people=batch, period=period, key=key, now=now)
    return outcomes


def digest_queue(*, user: Any, period: str, key: str, now: datetime.datetime) -> DigestOutcome | None:
    """Queue ``user``'s digest ``key`` covering up to ``now`` (or up to the news cap), unless
    it exists already, the person had their digests of the day, or nothing visible happened
    since their last digest. Safe to repeat, by any number of workers at once (the unique
    outbox key). A batch of one of ``digest_batches.digests_queue_batch``, the unit of work
    of a digest run."""
    from .digest_batches import digests_queue_batch

    outcomes = digests_queue_batch(people=[user], period=period, key=key, now=now)
    return outcomes[0] if outcomes else None


def batch_extras(people: list, *, since: datetime.datetime, until: datetime.datetime,
                 now: datetime.datetime) -> dict[str, Any]:
    """What a batch's digests share, read once: the stale list and the count of inactive
    accounts (when a coordinator is among them: the same for every coordinator), whether the
    coordinators published any news in the batch's widest window, and who of the people has
    subscribed saved views. At most five queries, whatever the batch's size."""
    from network.models_public import News
    from workflows.search.models import SavedView

    extras: dict[str, Any] = {"stale": None, "inactive": None}
    readers = [u for u in people if permissions.can_see_stale_list(u)]
    if readers and all(permissions.visible_challenges_q(u) is None for u in readers):
        from workflows.models import Challenge

        stale_qs = Challenge.objects.filter(selectors.stale_q(now=now))
        count = stale_qs.count()
        rows = list(
            stale_qs.select_related("working_group").order_by("state_entered_at", "pk")
            [: items_per_section()]
        ) if count else []
        extras["stale"] = (rows, count)
        extras["inactive"] = _inactive_accounts(readers[0], now)
    extras["news"] = News.objects.filter(published_at__gt=since, published_at__lte=until).exists()
    extras["saved_views"] = set(
        SavedView.objects.filter(owner__in=[u.pk for u in people], subscribed=True)
        .values_list("owner_id", flat=True)
    )
    return extras


def _no_announcements() -> dict[str, Any]:
    return {"count": 0, "rows": [], "more": 0, "more_url": mail.absolute(reverse("news-list"))}


def digest_render(user: Any, *, period: str, since: datetime.datetime,
                  until: datetime.datetime, now: datetime.datetime, counts: dict[str, int],
                  shown: dict[str, list], extras: dict[str, Any]):
    """Render ``user``'s digest of (since, until] from what their batch read: ``counts`` and
    ``shown`` per section, the batch's ``extras``. Returns ``(rendered, counts, shown, stale,
    stale_count)``, or ``None`` when nothing happened for them (no mail)."""
    stale, stale_count = [], 0
    if permissions.can_see_stale_list(user):
        if extras.get("stale") is not None:
            stale, stale_count = extras["stale"]
        else:  # a stale-list reader who does not see everything: their own list
            stale_qs = _stale_for(user, now)
            stale_count = stale_qs.count()
            stale = list(stale_qs.select_related("working_group")
                         .order_by("state_entered_at", "pk")[: items_per_section()]) \
                if stale_count else []
    announcements = (
        announcements_for(user, since=since, until=until) if extras.get("news")
        else _no_announcements()
    )
    counts = {**counts, "news": announcements["count"]}
    total = sum(counts.values())
    newly_stale = bool(stale) and selectors.reminders_decided_between(since=since, until=until)
    if not total and not newly_stale:
        return None
    if not permissions.can_see_stale_list(user):
        inactive_count = 0
    elif extras.get("inactive") is not None:
        inactive_count = extras["inactive"]
    else:
        inactive_count = _inactive_accounts(user, now)
    saved_views = (
        selectors.saved_view_matches_for(user, since=since, until=until)
        if user.pk in extras.get("saved_views", ()) else []
    )

    def build() -> tuple[str, dict[str, Any]]:
        subject, context = _digest_mail(
            user, period, counts, shown, stale, stale_count, since, until, now, announcements,
            saved_views, extras.setdefault("sections", {}),
        )
        return subject, {**context, **_inactive_context(inactive_count)}

    rendered = mail.render(user, "digest", build, unsubscribe_scope="digest")
    return rendered, counts, shown, stale, stale_count


def _stale_for(user: Any, now: datetime.datetime):
    from workflows.models import Challenge

    stale_qs = Challenge.objects.filter(selectors.stale_q(now=now))
    visible = permissions.visible_challenges_q(user)
    return stale_qs.filter(visible) if visible is not None else stale_qs


def _inactive_accounts(user: Any, now: datetime.datetime) -> int:
    """Coordinators' digests count the accounts unused past the retention period (the data
    protection page lists them): one query, only for a digest that goes out anyway, so the
    count alone never sends a mail."""
    if not permissions.can_see_stale_list(user):  # the coordinators' part of the digest
        return 0
    from core.retention import inactive_accounts

    return inactive_accounts(now=now).count()


def _inactive_context(count: int) -> dict[str, Any]:
    if not count:
        return {}
    from django.urls import reverse

    return {
        "inactive_count": count,
        "inactive_days": settings.RETENTION_INACTIVE_ACCOUNT_DAYS,
        "inactive_url": mail.absolute(reverse("data-protection")),
    }


def _more_urls() -> dict[str, str]:
    return {
        "new": mail.absolute("/challenges/?sort=newest"),
        "transitions": mail.absolute("/challenges/?sort=updated"),
        "changes": mail.absolute("/challenges/?sort=updated"),
        "comments": mail.absolute("/"),
        "good_practices": mail.absolute("/good-practices/"),
        "stale": mail.absolute("/"),
    }


def _section_titles() -> dict[str, str]:
    return {
        "new": _("New challenges"),
        "transitions": _("Progress on challenges"),
        "changes": _("Edits and assignments"),
        "comments": _("Comments on challenges you follow"),
        "good_practices": _("Newly published good practices"),
    }


def _rendered_sections(shown, counts, memo: dict | None) -> tuple[dict, dict]:
    """Each section told and rendered (HTML and plain text) in the active language and time
    zone. People of one batch mostly share their sections (the same few latest events), so
    ``memo`` (one per batch) keeps each rendering: a batch renders a section once per
    language, zone and content instead of once per person."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    more = _more_urls()
    titles = _section_titles()
    html, text = {}, {}
    for name in SECTIONS:
        key = (translation.get_language(), timezone.get_current_timezone_name(), name,
               tuple(event.pk for event in shown[name]), counts[name])
        if memo is None or key not in memo:
            section = {
                "rows": [wording.describe(event) for event in shown[name]],
                "count": counts[name],
                "more": max(0, counts[name] - len(shown[name])),
                "more_url": more[name],
            }
            context = {"section": section, "title": titles[name]}
            rendered = (
                render_to_string("notifications/mail/_digest_section.html", context),
                render_to_string("notifications/mail/_digest_section.txt", context),
            )
            if memo is None:
                html[name], text[name] = mark_safe(rendered[0]), rendered[1]
                continue
            memo[key] = rendered
        html[name], text[name] = mark_safe(memo[key][0]), memo[key][1]
    return html, text


def _digest_mail(user, period, counts, shown, stale, stale_count, since, until, now,
                 announcements, saved_views, memo: dict | None = None) -> tuple[str, dict[str, Any]]:
    more = _more_urls()
    section_html, section_text = _rendered_sections(shown, counts, memo)
    stale_rows = [
        {"challenge": c, "state": c.get_state_display(), "days": (now - c.state_entered_at).days,
         "url": mail.challenge_url(c.pk)}
        for c in stale
    ]
    total = sum(counts.values())
    if period == Preference.Digest.DAILY:
        subject = ngettext(
            "[Willkommensnetz] Your daily digest: %(n)d news item",
            "[Willkommensnetz] Your daily digest: %(n)d news items", total,
        ) % {"n": total}
    else:
        subject = ngettext(
            "[Willkommensnetz] Your weekly digest: %(n)d news item",
            "[Willkommensnetz] Your weekly digest: %(n)d news items", total,
        ) % {"n": total}
    return subject, {
        "period": period,
        "since": since,
        "until": until,
        "section_html": section_html,
        "section_text": section_text,
        "announcements": announcements,
        "count": total,
        "stale": stale_rows,
        "stale_more": max(0, stale_count - len(stale_rows)),
        "stale_url": more["stale"],
        "saved_views": saved_views,
    }

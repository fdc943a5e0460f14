"""Reads of events: one place decides who sees which (``permissions_events.visible_q``); pages,
feeds and the API all read through here."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import permissions_events
from .models_events import CalendarFeedToken, Event, Registration


def _listed(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.select_related("organiser", "region").prefetch_related("topics", "target_groups")


def events_visible_to(user: Any) -> QuerySet[Event]:
    return _listed(Event.objects.filter(permissions_events.visible_q(user))).order_by(
        "starts_at", "pk"
    )


def events_filtered(
    user: Any,
    *,
    region: Any = None,
    topic: Any = None,
    target_group: Any = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    upcoming: bool = False,
) -> QuerySet[Event]:
    """The events ``user`` sees, filtered; ``start``/``end`` bound the start time (a month)."""
    qs = events_visible_to(user)
    if region is not None:
        qs = qs.filter(region=region)
    if topic is not None:
        qs = qs.filter(topics=topic)
    if target_group is not None:
        qs = qs.filter(target_groups=target_group)
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    if upcoming:
        qs = qs.filter(ends_at__gte=timezone.now())
    return qs.distinct() if (topic is not None or target_group is not None) else qs


def public_upcoming_events(*, limit: int) -> QuerySet[Event]:
    """Public, published events that have not ended, soonest first (the public start page)."""
    return (
        Event.objects.filter(
            status=Event.Status.PUBLISHED,
            audience=Event.Audience.PUBLIC,
            ends_at__gte=timezone.now(),
        )
        .select_related("organiser", "region")
        .order_by("starts_at", "pk")[:limit]
    )


def public_feed_events() -> QuerySet[Event]:
    """Every public, published event (past ones too: calendars keep them)."""
    return Event.objects.filter(
        status=Event.Status.PUBLISHED, audience=Event.Audience.PUBLIC
    ).select_related("organiser").order_by("starts_at", "pk")


def personal_feed_events(user: Any) -> QuerySet[Event]:
    """What ``user`` may see, published only (a calendar is no place for drafts)."""
    return (
        Event.objects.filter(permissions_events.visible_q(user), status=Event.Status.PUBLISHED)
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )


def event_for(user: Any, pk: int) -> Event | None:
    """The event if ``user`` may see it, with its programme and co-organisers."""
    event = (
        Event.objects.filter(pk=pk)
        .select_related("organiser", "region")
        .prefetch_related("topics", "target_groups", "sessions", "co_organisers__organisation")
        .annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
            waiting_count=Count("registrations", filter=Q(registrations__status="waiting")),
        )
        .first()
    )
    if event is None or not permissions_events.can_see(user, event):
        return None
    return event


def attendees_of(event: Event) -> QuerySet[Registration]:
    """Active registrations: confirmed first, then the waiting list in order."""
    return (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("status", "created_at", "pk")  # "confirmed" sorts before "waiting"
    )


def feed_owner(*, digest: str) -> Any | None:
    token = CalendarFeedToken.objects.select_related("user").filter(digest=digest).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def has_feed(user: Any) -> bool:
    return CalendarFeedToken.objects.filter(user=user).exists()


def registrations_due_reminder(*, now: datetime.datetime | None = None) -> QuerySet[Registration]:
    """Confirmed registrations of published events that start on the next local day."""
    now = timezone.localtime(now or timezone.now())
    tomorrow = (now + datetime.timedelta(days=1)).date()
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            event__status=Event.Status.PUBLISHED,
            event__starts_at__gte=max(start, now),
            event__starts_at__lt=end,
        )
        .select_related("event")
        .order_by("pk")
    )

"""iCalendar (RFC 5545) for events, built with the ``icalendar`` library: one event as a
mail attachment, or many as a subscribable feed. Times carry their Europe/Berlin TZID with a
VTIMEZONE, so calendars show the local time whatever the subscriber's zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from .models_events import Event

PRODID = "-//Willkommensnetz//Events//DE"


def uid_of(event: Event) -> str:
    """Stable per event, so a calendar updates the entry instead of adding a second."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"event-{event.pk}@{host}"


def _vevent(event: Event) -> icalendar.Event:
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    entry = icalendar.Event()
    entry.add("uid", uid_of(event))
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at.astimezone(tz))
    entry.add("dtend", event.ends_at.astimezone(tz))
    entry.add("summary", event.title)
    if event.description:
        entry.add("description", event.description)
    location = event.place or event.online_url
    if location:
        entry.add("location", location)
    entry.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
    if event.organiser_id is not None:
        entry.add("organizer", f"MAILTO:{event.organiser.contact_email or settings.DEFAULT_FROM_EMAIL}",
                  parameters={"CN": event.organiser.name})
    return entry


def calendar_for(events: Iterable[Event], *, name: str, method: str | None = None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    if method:
        cal.add("method", method)
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def event_ics(event: Event) -> str:
    """One event, for the confirmation mail (``METHOD:PUBLISH``: add to calendar)."""
    return calendar_for([event], name=event.title, method="PUBLISH").decode()

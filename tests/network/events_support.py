"""Events built through the services, as people would."""

from __future__ import annotations

import datetime

from django.utils import timezone

from network import services_events
from network.models_events import Event


def make_event(network, *, audience=Event.Audience.PUBLIC, publish=True, capacity=None,
               days=10, title="Workshop Anerkennung in Halle", organiser="org", **extra):
    starts = (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0)
    org = getattr(network, organiser) if organiser else None
    actor = network.partner if organiser == "org" else network.coordinator
    event = services_events.event_propose(
        actor=actor,
        organiser=org,
        kind=extra.pop("kind", Event.Kind.WORKSHOP if org else Event.Kind.ANNUAL),
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        place=extra.pop("place", "Stadthaus Halle, Marktplatz 1"),
        audience=audience,
        capacity=capacity,
        **extra,
    )
    if publish:
        event = services_events.event_publish(actor=network.coordinator, event=event)
    return event


def register(event, email="anna@example.org", name="Anna Beispiel", **extra):
    return services_events.registration_register(
        event=event, name=name, email=email, consent=True, **extra
    )

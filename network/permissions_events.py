"""Who may see and do what with events, built on the roles of ``core.permissions``.

- a published ``public`` event: anyone; a published ``network`` event: the network's members
  and stakeholders (``Roles.network_reader``);
- a draft: the coordinators and the members of its organiser organisation;
- proposing: a partner member for an admitted organisation of theirs; the annual event and
  publishing: coordinators;
- co-organising: a member of another admitted organisation offers, the organiser's members (or
  a coordinator) accept or decline;
- the attendee list: coordinators and members of the organiser or an accepted co-organiser.

Someone who may not see an event gets "not found", never "forbidden".
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.permissions import roles_of


def visible_q(user: Any) -> Q:
    """The events ``user`` may see, as a filter on ``Event``."""
    from .models_events import Event

    roles = roles_of(user)
    if roles.coordinator or getattr(user, "is_superuser", False):
        return Q()
    published = Q(status=Event.Status.PUBLISHED)
    q = published & Q(audience=Event.Audience.PUBLIC)
    if roles.network_reader:
        q |= published & Q(audience=Event.Audience.NETWORK)
    if roles.organisation_ids:
        q |= Q(organiser_id__in=roles.organisation_ids)
    return q


def can_see(user: Any, event: Any) -> bool:
    roles = roles_of(user)
    if roles.coordinator or getattr(user, "is_superuser", False):
        return True
    if event.organiser_id is not None and event.organiser_id in roles.organisation_ids:
        return True
    if not event.is_published:
        return False
    return event.audience == event.Audience.PUBLIC or roles.network_reader


def can_propose(user: Any, organisation: Any | None) -> bool:
    """``organisation`` ``None`` is the network's own (annual) event: coordinators only."""
    roles = roles_of(user)
    if organisation is None:
        return roles.coordinator
    return roles.coordinator or organisation.pk in roles.organisation_ids


def can_edit(user: Any, event: Any) -> bool:
    roles = roles_of(user)
    if roles.coordinator:
        return True
    return event.organiser_id is not None and event.organiser_id in roles.organisation_ids


def can_publish(user: Any, event: Any) -> bool:
    return roles_of(user).coordinator


def organisations_that_may_offer(user: Any, event: Any) -> list[int]:
    """The admitted organisations of ``user`` that may offer to co-organise ``event``."""
    if not can_see(user, event):
        return []
    return sorted(org for org in roles_of(user).organisation_ids if org != event.organiser_id)


def can_offer_co_organising(user: Any, event: Any, organisation: Any) -> bool:
    return organisation.pk in organisations_that_may_offer(user, event)


def can_decide_co_organiser(user: Any, co_organiser: Any) -> bool:
    return can_edit(user, co_organiser.event)


def accepted_co_organiser_ids(event: Any) -> set[int]:
    from .models_events import CoOrganiser

    return set(
        CoOrganiser.objects.filter(event=event, status=CoOrganiser.Status.ACCEPTED)
        .values_list("organisation_id", flat=True)
    )


def can_see_attendees(user: Any, event: Any) -> bool:
    roles = roles_of(user)
    if roles.coordinator:
        return True
    if not roles.organisation_ids:
        return False
    if event.organiser_id in roles.organisation_ids:
        return True
    return bool(roles.organisation_ids & accepted_co_organiser_ids(event))


def registration_open(event: Any, *, now: Any = None) -> bool:
    """Registration is for published events that have not started yet."""
    return event.is_published and event.starts_at > (now or timezone.now())

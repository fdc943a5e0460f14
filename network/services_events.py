"""Every write about events: proposing, publishing, programmes, co-organisers, registrations
and calendar feed tokens. Keyword-only, with the acting user as ``actor`` (registrants are no
users: the registration services take the event and the visitor's input).

Registrations are decided under a row lock on the event (``select_for_update``): the seats
left are counted and the new row written while no other registration of that event can do the
same, so concurrent requests for the last seat yield one confirmed registration. A unique
constraint (one active registration per address and event) backs the duplicate check.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import DuplicateInput, MissingInput, NotFound, PermissionDenied, TransitionNotAllowed

from . import hooks, permissions_events
from .models_events import CalendarFeedToken, CoOrganiser, Event, ProgrammeSession, Registration

CANCEL_SALT = "network.registration.cancel"


# --- events ----------------------------------------------------------------------------------


def event_propose(
    *,
    actor: Any,
    organiser: Any | None,
    kind: str,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    description: str = "",
    place: str = "",
    online_url: str = "",
    region: Any = None,
    topics: Iterable[Any] = (),
    target_groups: Iterable[Any] = (),
    language: str = "de",
    audience: str = Event.Audience.PUBLIC,
    capacity: int | None = None,
    consent_text: str = "",
) -> Event:
    """A partner member proposes an activity of an admitted organisation of theirs, or a
    coordinator plans the annual event (``organiser`` ``None``); it starts as a draft. Raises
    ``PermissionDenied`` and ``MissingInput`` (end before start, neither place nor link)."""
    if not permissions_events.can_propose(actor, organiser):
        raise PermissionDenied(_("You may propose events only for an admitted organisation of yours."))
    if kind == Event.Kind.ANNUAL and not permissions_events.can_propose(actor, None):
        raise PermissionDenied(_("Only coordinators plan the annual network event."))
    errors: dict[str, list[str]] = {}
    if ends_at < starts_at:
        errors["ends_at"] = [_("The end must not be before the start.")]
    if not place and not online_url:
        errors["place"] = [_("Give a place or an online link.")]
    if errors:
        raise MissingInput(fields=errors)
    if not consent_text:
        consent_text = _default_consent(organiser)
    with transaction.atomic():
        event = Event.objects.create(
            kind=kind, title=title, description=description, starts_at=starts_at,
            ends_at=ends_at, place=place, online_url=online_url, organiser=organiser,
            created_by=actor, region=region, language=language, audience=audience,
            capacity=capacity, consent_text=consent_text,
        )
        event.topics.set(topics)
        event.target_groups.set(target_groups)
    return event


def _default_consent(organiser: Any | None) -> str:
    who = organiser.name if organiser is not None else "IQ Netzwerk Sachsen-Anhalt"
    return _(
        "I agree that %(who)s and the coordinators of the Willkommensnetz store my name, e-mail "
        "address and organisation to organise this event and to contact me about it. My data "
        "are deleted after the event."
    ) % {"who": who}


def event_publish(*, actor: Any, event: Event) -> Event:
    """Coordinators publish an event (after which it shows in calendars and takes
    registrations). Raises ``PermissionDenied``; publishing twice changes nothing."""
    if not permissions_events.can_publish(actor, event):
        raise PermissionDenied(_("Only coordinators publish events."))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status != Event.Status.PUBLISHED:
            locked.status = Event.Status.PUBLISHED
            locked.published_at = timezone.now()
            locked.save(update_fields=["status", "published_at"])
    return locked


def programme_session_add(
    *, actor: Any, event: Event, starts_at: datetime.datetime, title: str,
    ends_at: datetime.datetime | None = None, speakers: str = "", room: str = "",
) -> ProgrammeSession:
    """Add an item to an event's programme (those who may edit the event). Raises
    ``PermissionDenied`` and ``MissingInput`` (outside the event's time)."""
    if not permissions_events.can_edit(actor, event):
        raise PermissionDenied()
    if not (event.starts_at <= starts_at <= event.ends_at):
        raise MissingInput(fields={"starts_at": [_("The session must lie within the event.")]})
    return ProgrammeSession.objects.create(
        event=event, starts_at=starts_at, ends_at=ends_at, title=title, speakers=speakers, room=room
    )


# --- co-organisers ---------------------------------------------------------------------------


def co_organiser_offer(*, actor: Any, event: Event, organisation: Any) -> CoOrganiser:
    """A member of another admitted organisation offers to co-organise; the organiser's members
    are told. Raises ``PermissionDenied``, ``DuplicateInput`` (already offered)."""
    if not permissions_events.can_offer_co_organising(actor, event, organisation):
        raise PermissionDenied(_("Your organisation cannot offer to co-organise this event."))
    try:
        with transaction.atomic():
            offer = CoOrganiser.objects.create(event=event, organisation=organisation, offered_by=actor)
            hooks.announce(hooks.CO_ORGANISER_OFFERED, co_organiser=offer)
    except IntegrityError:
        raise DuplicateInput(_("This organisation has already offered to co-organise.")) from None
    return offer


def co_organiser_decide(*, actor: Any, co_organiser: CoOrganiser, accept: bool) -> CoOrganiser:
    """The organiser accepts or declines an offer. Raises ``PermissionDenied`` and
    ``TransitionNotAllowed`` (already decided)."""
    if not permissions_events.can_decide_co_organiser(actor, co_organiser):
        raise PermissionDenied()
    with transaction.atomic():
        offer = CoOrganiser.objects.select_for_update().get(pk=co_organiser.pk)
        if offer.status != CoOrganiser.Status.OFFERED:
            raise TransitionNotAllowed(_("This offer has already been decided."))
        offer.status = CoOrganiser.Status.ACCEPTED if accept else CoOrganiser.Status.DECLINED
        offer.decided_by = actor
        offer.decided_at = timezone.now()
        offer.save(update_fields=["status", "decided_by", "decided_at"])
    return offer


# --- registrations ---------------------------------------------------------------------------


def registration_register(
    *, event: Event, name: str, email: str, consent: bool, organisation_name: str = "",
    language: str = "de", actor: Any = None,
) -> Registration:
    """Register a visitor: confirmed while seats are left, else on the waiting list; the
    confirmation (with the ``.ics``) or the waiting notice is mailed. Raises ``NotFound`` (an
    event the actor may not see), ``TransitionNotAllowed`` (registration closed),
    ``MissingInput`` (no consent) and ``DuplicateInput`` (this address is registered)."""
    email = email.strip().lower()
    if not consent:
        raise MissingInput(fields={"consent": [_("Please agree to the processing of your data.")]})
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if not permissions_events.can_see(actor, locked):
                raise NotFound()
            if not permissions_events.registration_open(locked):
                raise TransitionNotAllowed(_("Registration for this event is closed."))
            active = Registration.objects.filter(event=locked).exclude(
                status=Registration.Status.CANCELLED
            )
            if active.filter(email=email).exists():
                raise DuplicateInput(_("This e-mail address is already registered for this event."))
            confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
            full = locked.capacity is not None and confirmed >= locked.capacity
            registration = Registration.objects.create(
                event=locked, name=name.strip(), email=email,
                organisation_name=organisation_name.strip(), consent_text=locked.consent_text,
                language=language if language in dict(settings.LANGUAGES) else "de",
                status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
            )
            hooks.announce(
                hooks.REGISTRATION_WAITING if full else hooks.REGISTRATION_CONFIRMED,
                registration=registration,
            )
    except IntegrityError:  # the unique constraint: the same address at the same moment
        raise DuplicateInput(_("This e-mail address is already registered for this event.")) from None
    return registration


def cancel_token(registration: Registration) -> str:
    """The signed secret of a registration's cancel link (no login: the signature is it)."""
    return signing.dumps({"r": registration.pk, "e": registration.email}, salt=CANCEL_SALT)


def registration_for_token(token: str) -> Registration | None:
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        Registration.objects.select_related("event")
        .filter(pk=data.get("r"), email=data.get("e"))
        .first()
    )


def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel a registration (by its signed link). A freed seat goes to the first person on
    the waiting list, who is mailed. Returns the moved-up registration, if any. Cancelling
    twice changes nothing."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            return None
        freed = current.status == Registration.Status.CONFIRMED
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        hooks.announce(hooks.REGISTRATION_CANCELLED, registration=current)
        if not freed:
            return None
        return _move_up(event)


def _move_up(event: Event) -> Registration | None:
    """Fill free seats from the waiting list, first come first served (event row locked)."""
    active = Registration.objects.filter(event=event)
    confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
    if event.capacity is not None and confirmed >= event.capacity:
        return None
    first = (
        active.select_for_update()
        .filter(status=Registration.Status.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = Registration.Status.CONFIRMED
    first.moved_up_at = timezone.now()
    first.save(update_fields=["status", "moved_up_at"])
    hooks.announce(hooks.REGISTRATION_MOVED_UP, registration=first)
    return first


def registrations_delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Retention: delete the registrations of events that ended more than
    ``EVENT_ATTENDEE_RETENTION_DAYS`` ago (and, through the hook, the mails to them)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(
        days=int(settings.EVENT_ATTENDEE_RETENTION_DAYS)
    )
    with transaction.atomic():
        ids = list(Registration.objects.filter(event__ends_at__lt=cutoff).values_list("pk", flat=True))
        if not ids:
            return 0
        hooks.announce(hooks.REGISTRATIONS_DELETED, registration_ids=ids)
        Registration.objects.filter(pk__in=ids).delete()
    return len(ids)


# --- personal calendar feeds -----------------------------------------------------------------


def feed_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_token_create(*, actor: Any) -> str:
    """Create (or replace: the old link stops working) the person's calendar feed secret and
    return it; only its hash is stored."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeedToken.objects.filter(user=actor).delete()
        CalendarFeedToken.objects.create(user=actor, digest=feed_digest(secret))
    return secret


def feed_token_revoke(*, actor: Any) -> bool:
    deleted, _per_model = CalendarFeedToken.objects.filter(user=actor).delete()
    return bool(deleted)

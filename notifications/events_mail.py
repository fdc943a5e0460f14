"""Mail about events: registration confirmations (with the ``.ics``), waiting-list notices,
moving up from the waiting list, cancellations, the reminder the day before, and offers to
co-organise. Subscribed to ``network.hooks`` in ``AppConfig.ready``.

Registrants are no users: their mails are outbox rows without a recipient, unique by kind and
key (``registration:<id>:<what>``), queued in the registering transaction and sent by the
outbox worker like every other mail. They are rendered in the language the person registered
in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from network import hooks, ics, selectors_events, services_events

from . import dispatch, mail
from .models import OutgoingMail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registrant:
    """What ``mail.render`` needs of a recipient, for a person who is no user."""

    name: str
    preferred_language: str

    def get_short_name(self) -> str:
        return self.name


def _when(event: Any) -> str:
    starts = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    end_format = "TIME_FORMAT" if starts.date() == ends.date() else "DATETIME_FORMAT"
    return f"{formats.date_format(starts, 'DATETIME_FORMAT')} – {formats.date_format(ends, end_format)}"


def _facts(event: Any) -> list[tuple[str, str]]:
    facts = [(_("Event"), event.title), (_("When"), _when(event))]
    if event.place:
        facts.append((_("Where"), event.place))
    if event.online_url:
        facts.append((_("Online"), event.online_url))
    return facts


def queue_to_address(*, kind: str, to_email: str, key: str, rendered: mail.RenderedMail,
                     attachments: list[dict[str, str]] | None = None) -> OutgoingMail | None:
    """Like ``services.mail_queue``, for an address without a user: once per kind and key."""
    with transaction.atomic():
        outgoing, created = OutgoingMail.objects.get_or_create(
            kind=kind, recipient=None, key=key,
            defaults={
                "to_email": to_email, "subject": rendered.subject,
                "body_text": rendered.body_text, "body_html": rendered.body_html,
                "headers": rendered.headers, "attachments": attachments or [],
            },
        )
        if not created:
            return None
        dispatch.enqueue_on_commit("send_mail", outgoing.pk)
    return outgoing


def _queue_registrant(registration: Any, what: str, subject: str, paragraphs: list[str], *,
                      with_ics: bool = False, with_cancel: bool = True) -> OutgoingMail | None:
    event = registration.event
    person = Registrant(name=registration.name, preferred_language=registration.language)

    def build() -> tuple[str, dict[str, Any]]:
        context: dict[str, Any] = {
            "paragraphs": [str(p) for p in paragraphs],
            "facts": _facts(event),
            "button_url": mail.absolute(event.get_absolute_url()),
            "button_label": _("The event's page"),
            "why": _("You receive this mail because you registered for this event."),
        }
        if with_cancel:
            cancel_url = mail.absolute(
                reverse("events:cancel", args=[services_events.cancel_token(registration)])
            )
            context["steps"] = [{"text": _("Cannot come? Please cancel, so that someone on the "
                                           "waiting list gets your seat:"), "url": cancel_url}]
        return subject, context

    rendered = mail.render(person, "notice", build)
    attachments = None
    if with_ics:
        attachments = [{"filename": "event.ics", "content": ics.event_ics(event),
                        "mimetype": "text/calendar"}]
    return queue_to_address(
        kind=OutgoingMail.Kind.REGISTRATION, to_email=registration.email,
        key=f"registration:{registration.pk}:{what}", rendered=rendered, attachments=attachments,
    )


def _translated(registration: Any, func):
    from django.utils import translation

    with translation.override(registration.language):
        return func()


def on_confirmed(*, registration: Any) -> None:
    _translated(registration, lambda: _queue_registrant(
        registration, "confirmed",
        _("Registration confirmed: %(title)s") % {"title": registration.event.title},
        [_("Thank you for registering. Your seat is confirmed. The attached calendar file "
           "adds the event to your calendar.")],
        with_ics=True,
    ))


def on_waiting(*, registration: Any) -> None:
    _translated(registration, lambda: _queue_registrant(
        registration, "waiting",
        _("On the waiting list: %(title)s") % {"title": registration.event.title},
        [_("Thank you for registering. The event is fully booked, so you are on the waiting "
           "list. If a seat becomes free, you move up automatically and we will tell you.")],
    ))


def on_moved_up(*, registration: Any) -> None:
    _translated(registration, lambda: _queue_registrant(
        registration, "moved-up",
        _("A seat is free for you: %(title)s") % {"title": registration.event.title},
        [_("Good news: a seat has become free and you have moved up from the waiting list. "
           "Your seat is confirmed. The attached calendar file adds the event to your calendar.")],
        with_ics=True,
    ))


def on_cancelled(*, registration: Any) -> None:
    _translated(registration, lambda: _queue_registrant(
        registration, "cancelled",
        _("Registration cancelled: %(title)s") % {"title": registration.event.title},
        [_("Your registration has been cancelled. Thank you for letting us know.")],
        with_cancel=False,
    ))


def reminder_queue(registration: Any) -> OutgoingMail | None:
    return _translated(registration, lambda: _queue_registrant(
        registration, "reminder",
        _("Tomorrow: %(title)s") % {"title": registration.event.title},
        [_("A reminder: the event you registered for takes place tomorrow. We look forward "
           "to seeing you.")],
        with_ics=True,
    ))


def reminders_queue(*, now=None) -> int:
    """Queue the reminder of every registration whose event starts on the next day; once per
    registration (the outbox key), however often this runs."""
    queued = 0
    for registration in selectors_events.registrations_due_reminder(now=now).iterator():
        if reminder_queue(registration) is not None:
            queued += 1
    return queued


@shared_task(name="notifications.send_event_reminders")
def send_event_reminders() -> int:
    """Periodic (``core/celery.py``): the reminders the day before an event."""
    return reminders_queue()


def on_registrations_deleted(*, registration_ids: list[int]) -> None:
    """Retention: the mails to deleted registrants go with them (they name the person)."""
    keys = [f"registration:{pk}:" for pk in registration_ids]
    from django.db.models import Q

    q = Q()
    for prefix in keys:
        q |= Q(key__startswith=prefix)
    OutgoingMail.objects.filter(q, kind=OutgoingMail.Kind.REGISTRATION).delete()


def on_co_organiser_offered(*, co_organiser: Any) -> None:
    """The organiser's members learn of an offer to co-organise."""
    from core.models import User

    from .services import mail_queue

    event = co_organiser.event
    if event.organiser_id is None:
        return
    people = User.objects.filter(
        is_active=True, memberships__organisation_id=event.organiser_id
    ).order_by("pk")
    for person in people:
        def build(e=event, c=co_organiser) -> tuple[str, dict[str, Any]]:
            return _("%(organisation)s offers to co-organise %(title)s") % {
                "organisation": c.organisation.name, "title": e.title
            }, {
                "paragraphs": [_("%(organisation)s offers to co-organise your event. Please "
                                 "accept or decline the offer on the event's page.")
                               % {"organisation": c.organisation.name}],
                "facts": _facts(e),
                "button_url": mail.absolute(e.get_absolute_url()),
                "button_label": _("The event's page"),
                "why": _("You receive this mail as a member of the organising organisation."),
            }

        rendered = mail.render(person, "notice", build)
        mail_queue(kind=OutgoingMail.Kind.EVENT, recipient=person,
                   key=f"co-organiser:{co_organiser.pk}", rendered=rendered)


def subscribe() -> None:
    hooks.subscribe(hooks.REGISTRATION_CONFIRMED, on_confirmed)
    hooks.subscribe(hooks.REGISTRATION_WAITING, on_waiting)
    hooks.subscribe(hooks.REGISTRATION_MOVED_UP, on_moved_up)
    hooks.subscribe(hooks.REGISTRATION_CANCELLED, on_cancelled)
    hooks.subscribe(hooks.REGISTRATIONS_DELETED, on_registrations_deleted)
    hooks.subscribe(hooks.CO_ORGANISER_OFFERED, on_co_organiser_offered)

"""Registration: capacity, waiting list moving up, duplicates, the mails with the .ics."""

import email

import icalendar
import pytest

from core.exceptions import DuplicateInput, MissingInput, NotFound, PermissionDenied, TransitionNotAllowed
from network import services_events
from network.models_events import Event, Registration
from notifications.models import OutgoingMail

from .events_support import make_event, register


def mails_to(address):
    return list(OutgoingMail.objects.filter(to_email=address).order_by("pk"))


@pytest.mark.django_db
def test_register_confirms_and_mails_the_ics(network):
    event = make_event(network, capacity=2)
    registration = register(event, language="de")
    assert registration.status == Registration.Status.CONFIRMED
    (confirmation,) = mails_to("anna@example.org")
    assert confirmation.recipient is None
    assert confirmation.kind == OutgoingMail.Kind.REGISTRATION
    assert "Anmeldung bestätigt" in confirmation.subject
    assert "/events/cancel/" in confirmation.body_text
    (attachment,) = confirmation.attachments
    cal = icalendar.Calendar.from_ical(attachment["content"])
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent["DTSTART"].dt == event.starts_at
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"


@pytest.mark.django_db
def test_same_address_twice_is_refused_with_a_clear_message(network):
    event = make_event(network)
    register(event, email="Anna@Example.org")
    with pytest.raises(DuplicateInput) as refused:
        register(event, email="anna@example.org ")
    assert "bereits angemeldet" in refused.value.message or "already registered" in refused.value.message
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.django_db
def test_consent_is_required(network):
    event = make_event(network)
    with pytest.raises(MissingInput) as refused:
        services_events.registration_register(event=event, name="A", email="a@example.org", consent=False)
    assert "consent" in refused.value.fields
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_drafts_and_network_events_are_not_open_to_anonymous_visitors(network):
    draft = make_event(network, publish=False)
    internal = make_event(network, audience=Event.Audience.NETWORK)
    with pytest.raises(NotFound):
        register(draft)
    with pytest.raises(NotFound):
        register(internal)
    assert register(internal, actor=network.stakeholder).status == Registration.Status.CONFIRMED


@pytest.mark.django_db
def test_past_events_take_no_registrations(network):
    event = make_event(network, days=-2)
    with pytest.raises(TransitionNotAllowed):
        register(event)


@pytest.mark.django_db
def test_waiting_list_moves_up_when_a_confirmed_person_cancels(network):
    event = make_event(network, capacity=1)
    first = register(event, email="erste@example.org")
    second = register(event, email="zweite@example.org")
    third = register(event, email="dritte@example.org")
    assert [second.status, third.status] == [Registration.Status.WAITING] * 2
    assert "Warteliste" in mails_to("zweite@example.org")[0].subject

    moved = services_events.registration_cancel(registration=first)

    assert moved == second
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Registration.Status.CONFIRMED and second.moved_up_at
    assert third.status == Registration.Status.WAITING
    subjects = [m.subject for m in mails_to("zweite@example.org")]
    assert any("Platz" in s for s in subjects), subjects
    moved_mail = mails_to("zweite@example.org")[-1]
    assert moved_mail.attachments and moved_mail.attachments[0]["mimetype"] == "text/calendar"
    assert "storniert" in mails_to("erste@example.org")[-1].subject
    # cancelling again changes nothing, and a waiting person cancelling frees no seat
    assert services_events.registration_cancel(registration=first) is None
    assert services_events.registration_cancel(registration=third) is None


@pytest.mark.django_db
def test_cancel_token_names_exactly_one_registration(network):
    event = make_event(network)
    registration = register(event)
    token = services_events.cancel_token(registration)
    assert services_events.registration_for_token(token) == registration
    assert services_events.registration_for_token(token + "x") is None
    assert services_events.registration_for_token("garbage") is None


@pytest.mark.django_db
def test_after_cancelling_the_address_may_register_again(network):
    event = make_event(network)
    services_events.registration_cancel(registration=register(event))
    assert register(event).status == Registration.Status.CONFIRMED


@pytest.mark.django_db
def test_partners_propose_only_for_their_organisation_and_coordinators_publish(network):
    import datetime

    from django.utils import timezone

    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(PermissionDenied):  # the partner is no member of other_org
        services_events.event_propose(
            actor=network.partner, organiser=network.other_org, kind=Event.Kind.WORKSHOP,
            title="Fremd", starts_at=starts, ends_at=starts, place="Halle",
        )
    with pytest.raises(PermissionDenied):  # the annual event is the coordinators'
        services_events.event_propose(
            actor=network.partner, organiser=None, kind=Event.Kind.ANNUAL,
            title="Netzwerktreffen", starts_at=starts, ends_at=starts, place="Magdeburg",
        )
    event = make_event(network, publish=False)
    with pytest.raises(PermissionDenied):
        services_events.event_publish(actor=network.partner, event=event)
    assert services_events.event_publish(actor=network.coordinator, event=event).is_published


@pytest.mark.django_db
def test_mail_is_a_real_multipart_with_the_calendar_attached(network, settings):
    from django.core import mail as django_mail

    from notifications.outbox import mail_send

    event = make_event(network)
    register(event)
    outgoing = mails_to("anna@example.org")[0]
    # mail_send refuses to run inside a transaction of our own; the test case's one is fine.
    assert mail_send(mail_id=outgoing.pk)
    (sent,) = django_mail.outbox
    parsed = email.message_from_bytes(sent.message().as_bytes())
    parts = [p.get_content_type() for p in parsed.walk()]
    assert "text/calendar" in parts

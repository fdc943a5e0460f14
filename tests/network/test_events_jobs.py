"""The two periodic jobs of events: the reminder the day before (confirmed people only, once per
registration however often beat runs it: the outbox key decides, in the database) and the
deletion of attendee data ``EVENT_ATTENDEE_RETENTION_DAYS`` after the event (with the mails
that name them), through the daily retention run."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from core.retention import retention_prune
from network import services_events
from network.models_events import Registration
from notifications import events_mail
from notifications import services as notification_services
from notifications.models import OutgoingMail

from .events_support import make_event, register

pytestmark = pytest.mark.django_db


def _local(moment: datetime.datetime, *, days_before: int, hour: int) -> datetime.datetime:
    """``hour`` o'clock local time, ``days_before`` local days before ``moment``."""
    day = timezone.localdate(moment) - datetime.timedelta(days=days_before)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _reminders() -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(kind="registration", key__endswith=":reminder").order_by("pk"))


def test_the_reminder_goes_the_day_before_to_confirmed_people_once(network):
    event = make_event(network, capacity=1, days=3, title="Jobmesse Dessau")
    anna = register(event, email="anna@example.org")
    register(event, email="ben@example.org", name="Ben")  # waiting list: no reminder
    cancelled = make_event(network, days=3, title="Abgesagt")
    carl = register(cancelled, email="carl@example.org", name="Carl")
    services_events.registration_cancel(registration=carl)
    later = make_event(network, days=5, title="Später")
    register(later, email="dora@example.org", name="Dora")
    day_before = _local(event.starts_at, days_before=1, hour=8)
    two_days_before = _local(event.starts_at, days_before=2, hour=8)

    with time_machine.travel(two_days_before, tick=False):
        assert events_mail.send_event_reminders() == 0
    with time_machine.travel(day_before, tick=False):
        first = events_mail.send_event_reminders()
        again = events_mail.send_event_reminders()  # beat runs it hourly: nothing twice
    with time_machine.travel(day_before + datetime.timedelta(hours=3), tick=False):
        later_that_day = events_mail.send_event_reminders()

    assert (first, again, later_that_day) == (1, 0, 0)
    (reminder,) = _reminders()
    assert reminder.key == f"registration:{anna.pk}:reminder" and reminder.to_email == "anna@example.org"
    assert reminder.subject == "Morgen: Jobmesse Dessau"
    assert [a["filename"] for a in reminder.attachments] == ["event.ics"]
    mail.outbox.clear()
    assert notification_services.send_now([reminder]) == (1, 0)
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_attendee_data_are_deleted_after_the_retention_time_with_their_mails(network, settings):
    settings.EVENT_ATTENDEE_RETENTION_DAYS = 30
    old = make_event(network, days=2, title="Vorbei")
    kept = make_event(network, days=20, title="Noch frisch")
    anna = register(old, email="anna@example.org")
    register(kept, email="ben@example.org", name="Ben")
    assert OutgoingMail.objects.filter(key__startswith=f"registration:{anna.pk}:").exists()
    just_before = old.ends_at + datetime.timedelta(days=30) - datetime.timedelta(minutes=1)
    after = old.ends_at + datetime.timedelta(days=30, minutes=1)

    with time_machine.travel(just_before, tick=False):
        assert retention_prune()["event_registrations"] == 0
    with time_machine.travel(after, tick=False):
        pruned = retention_prune()["event_registrations"]
        again = retention_prune()["event_registrations"]

    assert (pruned, again) == (1, 0)
    assert list(Registration.objects.values_list("email", flat=True)) == ["ben@example.org"]
    assert not OutgoingMail.objects.filter(key__startswith=f"registration:{anna.pk}:").exists()
    assert OutgoingMail.objects.filter(to_email="ben@example.org").exists()
    old.refresh_from_db()  # the event itself stays (the calendar keeps it)


def test_the_retention_time_is_configurable(network, settings):
    event = make_event(network, days=2)
    register(event)
    settings.EVENT_ATTENDEE_RETENTION_DAYS = 7

    with time_machine.travel(event.ends_at + datetime.timedelta(days=8), tick=False):
        assert retention_prune()["event_registrations"] == 1
    assert not Registration.objects.exists()

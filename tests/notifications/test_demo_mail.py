"""The first hour after `make run`: seed_demo, then every job beat runs in that hour. The mail
holds at most one reminder mail per person, no address outside the reserved demo domain, and
every mail names its case or subject."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from notifications import services
from notifications.models import OutgoingMail, Reminder
from workflows.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_first_hour_after_seed_demo_mails_no_backlog_and_no_real_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        seed_demo(log=lambda *_args: None)
    start = timezone.now()
    # the demo's stale cases are recorded as decided: nobody is reminded of the past at start
    assert Reminder.objects.exists()

    # when beat's jobs of the first hour run: reminders quarter-hourly, the outbox scan every
    # five minutes, and (should the hour hold 07:00 or Monday 07:30) both digests
    with django_capture_on_commit_callbacks():
        for minute in range(0, 61, 5):
            with time_machine.travel(start + datetime.timedelta(minutes=minute), tick=False):
                if minute % 15 == 0:
                    services.reminders_send()
                services.outbox_scan(grace=datetime.timedelta(0))
        with time_machine.travel(start + datetime.timedelta(minutes=30), tick=False):
            services.digests_send(period="daily")
            services.digests_send(period="weekly")

    mails = list(OutgoingMail.objects.select_related("recipient"))
    reminders_per_person = Counter(m.to_email for m in mails if m.kind == OutgoingMail.Kind.REMINDER)
    assert all(n <= 1 for n in reminders_per_person.values()), reminders_per_person
    assert mails, "the digests of the demo's last week"
    assert {m.to_email.rsplit("@", 1)[1] for m in mails} == {"willkommensnetz.example"}
    digests = [m for m in mails if m.kind == OutgoingMail.Kind.DIGEST]
    assert len({m.recipient_id for m in digests}) == len(digests)  # one per person
    for outgoing in mails:
        assert outgoing.subject.startswith("[Willkommensnetz] ")
        assert "None" not in outgoing.subject and "None" not in outgoing.body_text

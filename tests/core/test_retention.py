"""Retention: inactive accounts are flagged to the coordinators; sent mails and events older
than their configured age are pruned by the daily job (thin task, service does it, idempotent)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core import retention
from core.celery import app
from core.tasks import prune_personal_data
from notifications.models import OutgoingMail
from tests.builders import file_challenge
from tests.factories import UserFactory
from tests.web.conftest import sign_in  # noqa: F401  (fixture)
from workflows.models import Event

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def _mail(user, key, *, status, sent_at=None, created_at=None):
    return OutgoingMail.objects.create(
        kind="event", recipient=user, key=key, to_email=user.email, subject="s", body_text="b",
        status=status, sent_at=sent_at, created_at=created_at or NOW,
    )


def test_inactive_accounts_are_flagged_to_coordinators_only(network, settings, sign_in):
    settings.RETENTION_INACTIVE_ACCOUNT_DAYS = 365
    old = UserFactory(display_name="Lange Weg", date_joined=NOW - datetime.timedelta(days=800))
    old.last_login = NOW - datetime.timedelta(days=400)
    old.save()
    recent = UserFactory(display_name="Neulich Da", date_joined=NOW - datetime.timedelta(days=800))
    recent.last_login = NOW - datetime.timedelta(days=10)
    recent.save()
    never = UserFactory(display_name="Nie Angemeldet", date_joined=NOW - datetime.timedelta(days=500))
    with time_machine.travel(NOW, tick=False):
        flagged = list(retention.inactive_accounts())
        page = sign_in(network.coordinator).get("/data-protection/").content.decode()
        assert sign_in(network.partner).get("/data-protection/").status_code == 404
    assert old in flagged and never in flagged and recent not in flagged
    assert "Lange Weg" in page and "Nie Angemeldet" in page and "Neulich Da" not in page


def test_old_sent_mails_and_events_are_pruned_once(network, settings):
    settings.RETENTION_SENT_MAIL_DAYS = 180
    settings.RETENTION_EVENT_DAYS = 365
    user = network.partner
    with time_machine.travel(NOW - datetime.timedelta(days=400), tick=False):
        old_challenge = file_challenge(actor=user, organisation=network.org)
    old_sent = _mail(user, "a", status="sent", sent_at=NOW - datetime.timedelta(days=200))
    young_sent = _mail(user, "b", status="sent", sent_at=NOW - datetime.timedelta(days=20))
    old_pending = _mail(user, "c", status="pending", created_at=NOW - datetime.timedelta(days=300))
    with time_machine.travel(NOW, tick=False):
        young_challenge = file_challenge(actor=user, organisation=network.org)
        assert prune_personal_data() == {"events": 1, "sent_mails": 1, "event_registrations": 0}
        assert prune_personal_data() == {"events": 0, "sent_mails": 0, "event_registrations": 0}  # idempotent
    remaining = set(OutgoingMail.objects.values_list("pk", flat=True))
    assert remaining == {young_sent.pk, old_pending.pk} and old_sent.pk not in remaining
    assert not Event.objects.filter(challenge=old_challenge).exists()
    assert Event.objects.filter(challenge=young_challenge).exists()
    old_challenge.refresh_from_db()  # the challenge and its history stay
    assert old_challenge.log.count() == 1


def test_a_too_short_setting_never_prunes_what_digests_still_read(network, settings):
    settings.RETENTION_SENT_MAIL_DAYS = 1
    _mail(network.partner, "x", status="sent", sent_at=timezone.now() - datetime.timedelta(days=10))
    assert prune_personal_data()["sent_mails"] == 0


def test_the_job_is_in_the_beat_schedule():
    entry = app.conf.beat_schedule["prune-personal-data"]
    assert entry["task"] == prune_personal_data.name

"""Coordinators' digests count the accounts unused past the retention period (issue 10's
leftover, issue 15): the line links the data-protection page; nobody else sees it, and the
count alone never sends a digest."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from notifications import services
from tests.builders import file_challenge
from tests.factories import UserFactory

from .support import prefer

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)


def digest():
    with time_machine.travel(MONDAY, tick=False):
        outcomes = services.digests_send(period="daily")
    mail.outbox.clear()
    services.send_now(o.mail for o in outcomes)
    return {m.to[0]: m for m in mail.outbox}


def test_coordinators_digest_counts_the_inactive_accounts(network):
    prefer(network.coordinator, digest="daily")
    prefer(network.stakeholder, digest="daily")
    UserFactory(date_joined=MONDAY - datetime.timedelta(days=800))  # never signed in since

    assert digest() == {}  # the count alone sends nothing

    with time_machine.travel(MONDAY - datetime.timedelta(hours=2), tick=False):
        file_challenge(actor=network.partner, organisation=network.org)
    sent = digest()

    coordinator = sent[network.coordinator.email]
    assert "Ungenutzte Konten (für die Koordination)" in coordinator.body
    assert "1 Konto wurde seit mehr als 730 Tagen nicht genutzt." in coordinator.body
    assert "/data-protection/" in coordinator.alternatives[0][0]
    assert "Ungenutzte Konten" not in sent[network.stakeholder.email].body

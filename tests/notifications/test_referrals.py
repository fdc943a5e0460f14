"""The hand-over mail to a referral body: once per referral, only to a body with an address,
with the summary, what the network found and a contact person."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from notifications import referrals
from notifications.models import ReferralHandover
from tests.api.conftest import challenge_in
from tests.factories import referral_body
from workflows import services
from workflows.models import Event, ReferralBody, State

pytestmark = pytest.mark.django_db


def _refer(network, body, state=State.ANALYSED):
    challenge = challenge_in(network, state)
    services.challenge_close(
        actor=network.coordinator, challenge=challenge, reason="referred", referral_body=body,
        note="Bitte übernehmen Sie.",
    )
    return challenge, Event.objects.get(challenge=challenge, kind=Event.Kind.CHALLENGE_REFERRED)


def test_the_body_gets_one_hand_over_mail_with_summary_findings_and_contact(network):
    body = referral_body()
    challenge, event = _refer(network, body)

    handover = referrals.handover_queue(event_id=event.pk)
    again = referrals.handover_queue(event_id=event.pk)
    sent = referrals.handover_send(handover_id=handover.pk)
    sent_again = referrals.handover_send(handover_id=handover.pk)

    assert again is None and sent is True and sent_again is False
    assert len(django_mail.outbox) == 1
    message = django_mail.outbox[0]
    assert message.to == [body.contact_email]
    assert challenge.title in message.subject
    assert challenge.description in message.body
    assert "Unterlagen fehlen" in message.body  # the analysis (root causes)
    assert "Bitte übernehmen Sie." in message.body
    assert network.coordinator.email in message.body  # the contact person
    assert f"/challenges/{challenge.pk}/" in message.body
    assert ReferralHandover.objects.get().status == ReferralHandover.Status.SENT


def test_a_body_without_an_address_gets_no_mail(network):
    body = ReferralBody.objects.create(name="Ohne Adresse")
    _challenge, event = _refer(network, body, state=State.REPORTED)

    assert referrals.handover_queue(event_id=event.pk) is None
    assert not ReferralHandover.objects.exists()


def test_other_events_are_no_hand_over(network):
    challenge = challenge_in(network, State.REPORTED)
    event = Event.objects.filter(challenge=challenge).first()

    assert referrals.handover_queue(event_id=event.pk) is None

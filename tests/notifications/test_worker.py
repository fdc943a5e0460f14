"""End to end with a real Celery worker on the real broker (Redis in CI) and a real SMTP server:
what people do leads to the mails they expect, once.

Each test acts first and then starts the worker (see the ``celery_worker`` fixture); a sentinel
mail enqueued last tells when everything before it has been processed."""

from __future__ import annotations

import pytest
from django.conf import settings

from notifications.models import OutgoingMail
from notifications.tasks import deliver_event, scan_outbox, send_digests, send_mail
from tests.builders import advance, file_challenge
from workflows import services as workflow_services
from workflows.models import Event

from .support import make_sentinel, prefer, wait_until, wait_until_sent

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SENTINEL = "sentinel@example.org"


def drain(smtp_server, sentinel) -> None:
    """Enqueue the sentinel last and wait until it went out and was committed as sent."""
    send_mail.delay(sentinel.pk)
    smtp_server.wait_for(lambda: smtp_server.to(SENTINEL), what="the sentinel")
    wait_until_sent(sentinel)


def test_a_transition_mails_followers_and_the_group_but_not_the_actor(network, celery_worker, smtp_server):
    # given a network challenge followed by its reporter and a stakeholder, and a second group
    # member who prefers no immediate mail
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    workflow_services.challenge_follow(actor=network.stakeholder, challenge=challenge)
    quiet = network.outsider_member
    network.group.members.add(quiet)
    prefer(quiet, immediate=False)
    prefer(network.stakeholder, language="en")
    sentinel = make_sentinel()

    # when a group member picks it up (analyse) and the worker runs
    advance(challenge, "analysed", actor=network.group_member, group=network.group)
    celery_worker.start()

    # then the reporter and the stakeholder get one mail each, the actor and the quiet one none
    # (the coordinator was told of the new challenge when it was filed)
    smtp_server.wait_for(lambda: len(smtp_server.recipients()) >= 3, what="three notifications")
    drain(smtp_server, sentinel)
    received = [r for r in smtp_server.recipients() if r != SENTINEL]
    assert received == sorted([network.partner.email, network.stakeholder.email, network.coordinator.email]), [
        (r, m["Subject"]) for r, m in smtp_server.messages
    ]
    assert smtp_server.to(network.coordinator.email)[0]["Subject"] == (
        f"[Willkommensnetz] {challenge.title}: neue Herausforderung"
    )

    german = smtp_server.to(network.partner.email)[0]
    english = smtp_server.to(network.stakeholder.email)[0]
    link = f"{settings.SITE_URL}/challenges/{challenge.pk}/"
    for message, words in (
        (german, "Neuigkeiten zu einer Herausforderung, die Ihre Organisation gemeldet hat"),
        (english, "News on a challenge you follow"),
    ):
        assert challenge.title in message["Subject"]
        assert message["References"] == message["In-Reply-To"] == f"<challenge-{challenge.pk}@127.0.0.1>"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert link in text and f'href="{link}"' in html
        assert words in text
        assert message["List-Unsubscribe"].strip().startswith(
            f"<{settings.SITE_URL}/notifications/unsubscribe/"
        )
    assert "Hallo" in german.get_body(("plain",)).get_content()
    assert "Hello" in english.get_body(("plain",)).get_content()


def test_delivering_again_sends_nothing_twice(network, celery_worker, smtp_server):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    workflow_services.comment_add(actor=network.coordinator, challenge=challenge, body="Wir kümmern uns.")
    sentinel = make_sentinel()
    celery_worker.start()
    smtp_server.wait_for(lambda: smtp_server.to(network.partner.email), what="the comment mail")
    wait_until(lambda: OutgoingMail.objects.filter(recipient=network.partner, status="sent").exists())

    # when the event is delivered again, every mail is sent again and the safety net scan runs
    event = Event.objects.get(kind=Event.Kind.COMMENT, challenge=challenge)
    mail_ids = list(OutgoingMail.objects.values_list("pk", flat=True))
    deliver_event.delay(event.pk)
    for mail_id in mail_ids:
        send_mail.delay(mail_id)
    scan_outbox.delay()
    drain(smtp_server, sentinel)

    # then the partner still has exactly one mail
    assert len(smtp_server.to(network.partner.email)) == 1
    assert OutgoingMail.objects.filter(recipient=network.partner).count() == 1


def test_a_mail_refused_by_the_smtp_server_is_retried_and_delivered_once(network, celery_worker, smtp_server):
    # given a mail server that answers "try again later" twice (and a coordinator who wants
    # no immediate mail of the new challenge, so the partner's mail is the only one)
    smtp_server.fail_next = 2
    prefer(network.coordinator, immediate=False)
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    sentinel = make_sentinel()

    # when a coordinator comments
    workflow_services.comment_add(actor=network.coordinator, challenge=challenge, body="Bitte Unterlagen.")
    celery_worker.start()

    # then the partner's mail arrives after the retries, exactly once
    smtp_server.wait_for(lambda: smtp_server.to(network.partner.email), timeout=60, what="the retried mail")
    drain(smtp_server, sentinel)
    assert smtp_server.refused == 2
    assert len(smtp_server.to(network.partner.email)) == 1
    outgoing = OutgoingMail.objects.get(recipient=network.partner)
    assert outgoing.status == OutgoingMail.Status.SENT
    assert outgoing.attempts == 3
    assert outgoing.last_error == ""


def test_a_digest_run_delivers_one_digest_per_subscriber(network, celery_worker, smtp_server):
    # given three daily subscribers, one person who chose no digest, and news in the network
    for person in (network.partner, network.stakeholder, network.other_partner):
        prefer(person, digest="daily")
    prefer(network.coordinator, digest="off")
    prefer(network.group_member, digest="weekly")
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    advance(challenge, "analysed", actor=network.coordinator, group=network.group)
    sentinel = make_sentinel()

    # when the daily digest job runs twice
    send_digests.delay("daily")
    send_digests.delay("daily")
    celery_worker.start()
    subscribers = (network.partner.email, network.stakeholder.email, network.other_partner.email)

    def digests():
        return {
            address: [m for m in smtp_server.to(address) if "Zusammenfassung" in m["Subject"]]
            for address in subscribers
        }

    smtp_server.wait_for(lambda: all(digests().values()), what="a digest for every subscriber")
    # Both runs and every send they enqueued are done once the sentinel enqueued now arrived.
    drain(smtp_server, sentinel)

    # then each subscriber has exactly one digest, the others none
    assert {address: len(mails) for address, mails in digests().items()} == dict.fromkeys(subscribers, 1)
    # digest off (her mail is the immediate one of the new challenge)
    assert [m["Subject"] for m in smtp_server.to(network.coordinator.email)] == [
        f"[Willkommensnetz] {challenge.title}: neue Herausforderung"
    ]
    # a weekly subscriber gets no daily digest (only the immediate mail for her group's case)
    assert [m["Subject"] for m in smtp_server.to(network.group_member.email) if "Zusammenfassung" in m["Subject"]] == []
    assert len(smtp_server.to(network.group_member.email)) == 1
    message = digests()[network.stakeholder.email][0]
    assert challenge.title in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

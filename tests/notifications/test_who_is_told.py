"""Who is told what, in which words: each recipient rule of the immediate mails, addressed by
role, with the input of the step, in German and English."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail

from notifications import services
from tests.builders import advance, file_challenge
from workflows import services as workflow_services
from workflows.models import Event as WorkflowEvent
from workflows.models import ReferralBody

from .support import prefer

pytestmark = pytest.mark.django_db


def fan_out(django_capture_on_commit_callbacks) -> dict[str, list]:
    """Fan out every event not yet notified, send the mails, return them by address."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks():
        queued = [
            m
            for pk in WorkflowEvent.objects.filter(notified_at=None).order_by("pk").values_list("pk", flat=True)
            for m in services.event_fan_out(event_id=pk)
        ]
    services.send_now(queued)
    by_address: dict[str, list] = {}
    for message in mail.outbox:
        by_address.setdefault(message.to[0], []).append(message)
    return by_address


def test_a_new_challenge_tells_the_coordinators_at_once_with_what_they_need_to_triage(network, django_capture_on_commit_callbacks):
    second = prefer(network.stakeholder, language="en")
    second.is_coordinator = True
    second.save(update_fields=["is_coordinator"])
    challenge = file_challenge(actor=network.partner, organisation=network.org, title="Anerkennung von Pflegeabschlüssen")

    mails = fan_out(django_capture_on_commit_callbacks)

    # the two coordinators, not the reporter, not the group, not the other partners
    assert sorted(mails) == sorted([network.coordinator.email, second.email])
    (german,) = mails[network.coordinator.email]
    assert german.subject == "[Willkommensnetz] Anerkennung von Pflegeabschlüssen: neue Herausforderung"
    assert "Für die Koordination: Eine neue Herausforderung wartet darauf, gesichtet und zugewiesen zu werden." in german.body
    assert "Petra Partner (IHK Magdeburg) hat eine neue Herausforderung gemeldet." in german.body
    assert "Organisation: IHK Magdeburg" in german.body
    assert f"Thema: {challenge.topic.name_de}" in german.body
    assert f"Region: {challenge.region.name}" in german.body
    assert f"Herausforderung sichten und zuweisen: {settings.SITE_URL}/challenges/{challenge.pk}/#h-steps" in german.body
    assert "Sie erhalten diese E-Mail als Koordination des Netzwerks." in german.body
    (english,) = mails[second.email]
    assert english.subject == "[Willkommensnetz] Anerkennung von Pflegeabschlüssen: new challenge"
    assert f"Topic: {challenge.topic.name_en}" in english.body
    html = english.alternatives[0][0]
    assert '<html lang="en">' in html and "Triage the challenge" in html
    assert '<html lang="de">' in german.alternatives[0][0]


def test_a_coordinator_who_switched_immediate_mail_off_finds_the_new_challenge_in_the_digest(network, django_capture_on_commit_callbacks):
    prefer(network.coordinator, immediate=False, digest="daily")
    challenge = file_challenge(actor=network.partner, organisation=network.org)

    assert fan_out(django_capture_on_commit_callbacks) == {}

    outcomes = services.digests_send(period="daily", now=challenge.created_at + datetime.timedelta(hours=1))
    assert [o.user for o in outcomes] == [network.coordinator]
    assert challenge.title in outcomes[0].mail.body_text


def test_the_assigned_group_is_told_its_group_was_assigned_not_that_it_follows(network, django_capture_on_commit_callbacks):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    fan_out(django_capture_on_commit_callbacks)

    workflow_services.challenge_assign_working_group(actor=network.coordinator, challenge=challenge, working_group=network.group)
    mails = fan_out(django_capture_on_commit_callbacks)

    (to_group,) = mails[network.group_member.email]
    assert to_group.subject == f"[Willkommensnetz] {challenge.title}: AG Anerkennung zugewiesen"
    assert "Ihrer Arbeitsgruppe wurde eine Herausforderung zugewiesen." in to_group.body
    assert "Clara Coordinator hat die Herausforderung der Arbeitsgruppe AG Anerkennung zugewiesen." in to_group.body
    assert "weil Ihrer Arbeitsgruppe diese Herausforderung zugewiesen wurde" in to_group.body
    assert "folgen" not in to_group.body
    (to_reporter,) = mails[network.partner.email]
    assert "Neuigkeiten zu einer Herausforderung, die Ihre Organisation gemeldet hat:" in to_reporter.body


def test_each_step_says_what_happened_with_its_input(network, django_capture_on_commit_callbacks):
    prefer(network.partner, language="en")
    challenge = file_challenge(actor=network.partner, organisation=network.org, title="Anerkennung von Pflegeabschlüssen")
    workflow_services.challenge_follow(actor=network.other_partner, challenge=challenge)
    challenge = advance(challenge, "approach_proposed", actor=network.coordinator, group=network.group)
    fan_out(django_capture_on_commit_callbacks)

    challenge = advance(challenge, "trialled", actor=network.group_member, group=network.group)
    mails = fan_out(django_capture_on_commit_callbacks)
    (follower,) = mails[network.other_partner.email]
    assert follower.subject == "[Willkommensnetz] Anerkennung von Pflegeabschlüssen: Erprobung begonnen"
    assert "Gabi Group hat eine Erprobung des Lösungsansatzes „Lotsenprogramm“ vom 01.01.2026 bis 30.06.2026 begonnen." in follower.body
    assert "Beteiligte Partner: IHK Magdeburg" in follower.body
    assert "Neuigkeiten zu einer Herausforderung, der Sie folgen:" in follower.body
    (reporter,) = mails[network.partner.email]
    assert reporter.subject == "[Willkommensnetz] Anerkennung von Pflegeabschlüssen: trial started"
    assert "News on a challenge your organisation reported:" in reporter.body

    challenge = advance(challenge, "evaluated", actor=network.group_member, group=network.group, outcome="partly")
    mails = fan_out(django_capture_on_commit_callbacks)
    (follower,) = mails[network.other_partner.email]
    assert follower.subject.endswith(": ausgewertet: teilweise erfolgreich")
    assert "Gabi Group hat die Erprobung ausgewertet: teilweise erfolgreich." in follower.body
    assert "Nachweis: Verfahrensdauer halbiert" in follower.body
    assert "Erkenntnisse: Früh beginnen" in follower.body
    (reporter,) = mails[network.partner.email]
    assert "Evidence: Verfahrensdauer halbiert" in reporter.body

    workflow_services.challenge_reopen(actor=network.coordinator, challenge=challenge, reason="Neue Rechtslage ab 2027")
    mails = fan_out(django_capture_on_commit_callbacks)
    (follower,) = mails[network.other_partner.email]
    assert follower.subject.endswith(": wieder geöffnet")
    assert "Clara Coordinator hat die Herausforderung wieder geöffnet." in follower.body
    assert "Grund: Neue Rechtslage ab 2027" in follower.body
    # the group is told as the responsible group
    (to_group,) = mails[network.group_member.email]
    assert "für die Ihre Arbeitsgruppe zuständig ist" in to_group.body


def test_a_referral_names_the_body_and_a_close_its_reason(network, django_capture_on_commit_callbacks):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    fan_out(django_capture_on_commit_callbacks)
    body = ReferralBody.objects.create(
        name="Testbeirat", contact_email="geschaeftsstelle@beirat.example",
        website="https://beirat.example/",
    )
    workflow_services.challenge_close(
        actor=network.coordinator, challenge=challenge, reason="referred",
        referral_body=body, note="Zuständig ist der Beirat.",
    )
    (reporter,) = fan_out(django_capture_on_commit_callbacks)[network.partner.email]
    assert reporter.subject == f"[Willkommensnetz] {challenge.title}: verwiesen an Testbeirat"
    assert "Clara Coordinator hat die Herausforderung geschlossen und an Testbeirat verwiesen." in reporter.body
    assert "Verwiesen an: Testbeirat" in reporter.body
    # the body's contact, so the reporter knows whom the case is with now
    assert "geschaeftsstelle@beirat.example" in reporter.body
    assert "https://beirat.example/" in reporter.body
    assert "Grund: Zuständig ist der Beirat." in reporter.body
    assert reporter.extra_headers["In-Reply-To"] == f"<challenge-{challenge.pk}@127.0.0.1>"


def test_a_comment_quotes_the_comment_and_never_goes_to_the_commenter(network, django_capture_on_commit_callbacks):
    challenge = file_challenge(actor=network.partner, organisation=network.org)
    fan_out(django_capture_on_commit_callbacks)
    workflow_services.comment_add(actor=network.coordinator, challenge=challenge, body="Bitte Unterlagen nachreichen.")
    mails = fan_out(django_capture_on_commit_callbacks)
    assert list(mails) == [network.partner.email]
    (message,) = mails[network.partner.email]
    assert message.subject == f"[Willkommensnetz] {challenge.title}: Kommentar von Clara Coordinator"
    assert "Bitte Unterlagen nachreichen." in message.body

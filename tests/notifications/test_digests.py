"""Digests: only what the recipient may see, nothing when nothing happened, once per period,
and one-click unsubscribe by signed link."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from notifications import selectors, services
from notifications.mail import unsubscribe_token
from notifications.models import OutgoingMail, Preference
from tests.builders import advance, file_challenge
from tests.factories import UserFactory
from workflows import services as workflow_services

from .support import prefer

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)  # 07:00 in Berlin


def digest(period="daily", when=MONDAY):
    with time_machine.travel(when, tick=False):
        outcomes = services.digests_send(period=period)
    services.send_now(o.mail for o in outcomes)
    return {o.user.email: o for o in outcomes}


def test_a_digest_never_contains_a_restricted_challenge_its_recipient_may_not_see(network):
    for person in (network.stakeholder, network.other_partner, network.group_member, network.outsider_member):
        prefer(person, digest="daily")
    with time_machine.travel(MONDAY - datetime.timedelta(hours=5), tick=False):
        open_case = file_challenge(actor=network.partner, organisation=network.org, title="Offene Sache")
        secret = file_challenge(
            actor=network.partner, organisation=network.org, visibility="restricted", title="Vertrauliche Sache"
        )
        advance(secret, "analysed", actor=network.coordinator, group=network.group)
        advance(open_case, "analysed", actor=network.coordinator, group=network.group)

    sent = digest()

    for outsider in (network.stakeholder, network.other_partner, network.outsider_member):
        assert {e.challenge_id for e in sent[outsider.email].items} == {open_case.pk}
        (message,) = [m for m in mail.outbox if m.to == [outsider.email]]
        assert "Offene Sache" in message.body and "Vertrauliche Sache" not in message.body
        assert "Vertrauliche Sache" not in message.alternatives[0][0]
    # the assigned group sees both
    assert {e.challenge_id for e in sent[network.group_member.email].items} == {open_case.pk, secret.pk}


def test_nothing_happened_means_no_digest_and_a_second_run_sends_none(network):
    prefer(network.stakeholder, digest="daily")
    assert digest() == {}  # nothing happened

    with time_machine.travel(MONDAY - datetime.timedelta(hours=2), tick=False):
        file_challenge(actor=network.partner, organisation=network.org)
    assert list(digest()) == [network.stakeholder.email]
    assert digest(when=MONDAY + datetime.timedelta(minutes=5)) == {}  # the job ran twice
    assert OutgoingMail.objects.filter(kind="digest").count() == 1
    assert len(mail.outbox) == 1

    # the next day's digest starts where this one ended
    with time_machine.travel(MONDAY + datetime.timedelta(hours=3), tick=False):
        newer = file_challenge(actor=network.partner, organisation=network.org, title="Neu am Montag")
    sent = digest(when=MONDAY + datetime.timedelta(days=1))
    assert [e.challenge_id for e in sent[network.stakeholder.email].items] == [newer.pk]


def test_weekly_subscribers_get_one_weekly_digest_and_daily_ones_are_left_out(network):
    prefer(network.stakeholder, digest="weekly")
    prefer(network.other_partner, digest="daily")
    prefer(network.outsider_member, digest="off")
    with time_machine.travel(MONDAY - datetime.timedelta(days=3), tick=False):
        file_challenge(actor=network.partner, organisation=network.org)
    sent = digest("weekly", when=MONDAY + datetime.timedelta(minutes=30))
    # people without a preference row get the default (weekly) too
    assert network.stakeholder.email in sent and network.coordinator.email in sent
    assert network.other_partner.email not in sent and network.outsider_member.email not in sent
    assert digest("weekly", when=MONDAY + datetime.timedelta(days=2)) == {}  # same ISO week


def test_comments_only_on_followed_cases_and_coordinators_get_the_stale_list(network):
    for person in (network.stakeholder, network.other_partner, network.coordinator):
        prefer(person, digest="daily")
    with time_machine.travel(MONDAY - datetime.timedelta(days=20), tick=False):
        stale = file_challenge(actor=network.partner, organisation=network.org, title="Liegt herum")
    with time_machine.travel(MONDAY - datetime.timedelta(hours=3), tick=False):
        services.reminders_send()
        workflow_services.challenge_follow(actor=network.stakeholder, challenge=stale)
        workflow_services.comment_add(actor=network.partner, challenge=stale, body="Gibt es Neues?")

    sent = digest()
    assert [e.kind for e in sent[network.stakeholder.email].items] == ["comment"]
    assert network.other_partner.email not in sent  # does not follow: no comment, nothing else
    assert [c.pk for c in sent[network.coordinator.email].stale] == [stale.pk]
    (message,) = [m for m in mail.outbox if m.to == [network.coordinator.email]]
    assert "Liegengebliebene Herausforderungen" in message.body


def test_the_digest_is_in_the_recipients_language_with_unsubscribe_headers(network):
    prefer(network.stakeholder, digest="daily", language="en")
    prefer(network.other_partner, digest="daily", language="de")
    with time_machine.travel(MONDAY - datetime.timedelta(hours=1), tick=False):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    digest()
    english = next(m for m in mail.outbox if m.to == [network.stakeholder.email])
    german = next(m for m in mail.outbox if m.to == [network.other_partner.email])
    assert english.subject == "[Willkommensnetz] Your daily digest: 1 news item"
    assert german.subject == "[Willkommensnetz] Ihre tägliche Zusammenfassung: 1 Neuigkeit"
    assert "New challenges" in english.body and "Neue Herausforderungen" in german.body
    for message in (english, german):
        assert f"/challenges/{challenge.pk}/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert "/notifications/unsubscribe/" in url and url in message.body


def test_the_digest_items_are_read_in_constant_queries(network, django_assert_num_queries):
    def items_with(n):
        for i in range(n):
            file_challenge(actor=network.partner, organisation=network.org, title=f"Fall {i}")
        reader = UserFactory(is_stakeholder=True)
        since = MONDAY - datetime.timedelta(days=3650)
        # 1: roles (admitted memberships and working groups) 2: the events with their
        # challenges, good practices, logs, comments and actors, visibility and follows as subqueries
        with django_assert_num_queries(2):
            items = selectors.digest_items_for(reader, since=since, until=datetime.datetime.now(datetime.UTC))
        return items

    assert len(items_with(10)) == 10
    assert len(items_with(90)) == 100


# --- unsubscribe ----------------------------------------------------------------------------


def test_the_signed_link_unsubscribes_without_login(client, network):
    prefer(network.stakeholder, digest="daily")
    url = f"/notifications/unsubscribe/{unsubscribe_token(network.stakeholder, 'digest')}/"

    page = client.get(url)  # a link scanner's prefetch changes nothing
    assert page.status_code == 200
    assert Preference.objects.get(user=network.stakeholder).digest == "daily"

    done = client.post(url)
    assert done.status_code == 200
    assert Preference.objects.get(user=network.stakeholder).digest == "off"


def test_the_mail_clients_one_click_post_unsubscribes(client, network):
    prefer(network.stakeholder, immediate=True)
    url = f"/notifications/unsubscribe/{unsubscribe_token(network.stakeholder, 'immediate')}/"
    response = client.post(url, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert Preference.objects.get(user=network.stakeholder).immediate is False


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),   # signature changed
    lambda t: t.replace(t.split(":")[0], "eyJ1Ijo5OTksInMiOiJkaWdlc3QifQ"),  # another person
    lambda t: "not-a-token",
])
def test_a_tampered_link_does_nothing(client, network, tamper):
    prefer(network.stakeholder, digest="daily")
    prefer(network.other_partner, digest="daily")
    token = tamper(unsubscribe_token(network.stakeholder, "digest"))
    response = client.post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400
    assert set(Preference.objects.values_list("digest", flat=True)) == {"daily"}

"""A digest stays readable at any size: a few items per section with the count and a link to
the rest, bounded queries, and a cap per person and day beyond which news waits."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from notifications import digests, services
from notifications.models import OutgoingMail
from tests.builders import file_challenge
from tests.factories import UserFactory

from .support import prefer

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)  # 07:00 in Berlin


def file_many(network, n: int, *, hours_before: float = 5.0, prefix: str = "Fall") -> list:
    challenges = []
    for i in range(n):
        with time_machine.travel(MONDAY - datetime.timedelta(hours=hours_before, minutes=-i), tick=False):
            challenges.append(file_challenge(actor=network.partner, organisation=network.org, title=f"{prefix} {i:02d}"))
    return challenges


def digest(period="daily", when=MONDAY):
    mail.outbox.clear()
    with time_machine.travel(when, tick=False):
        outcomes = services.digests_send(period=period)
    services.send_now(o.mail for o in outcomes)
    return {o.user.email: o for o in outcomes}


def test_a_section_shows_a_few_items_counts_all_and_links_to_the_rest(network):
    prefer(network.stakeholder, digest="daily")
    file_many(network, 12)

    sent = digest()

    outcome = sent[network.stakeholder.email]
    assert outcome.count == 12 and len(outcome.items) == 5
    (message,) = mail.outbox
    assert message.subject == "[Willkommensnetz] Ihre tägliche Zusammenfassung: 12 Neuigkeiten"
    assert "== Neue Herausforderungen (12) ==" in message.body
    # the latest five, told oldest first; the seven before them counted and linked
    shown = [f"Fall {i:02d}" for i in range(7, 12)]
    assert [t for t in (f"Fall {i:02d}" for i in range(12)) if t in message.body] == shown
    assert f"und 7 weitere auf der Website: {settings.SITE_URL}/challenges/?sort=newest" in message.body
    assert "und 7 weitere auf der Website" in message.alternatives[0][0]


def test_the_digest_is_read_in_the_same_number_of_queries_for_10_and_100_news(network):
    reader = UserFactory(is_stakeholder=True)

    def queries_for(n):
        file_many(network, n, prefix=f"N{n}")
        since = MONDAY - datetime.timedelta(days=30)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from core.permissions import forget_roles

        forget_roles(reader)
        with CaptureQueriesContext(connection) as captured:
            until, counts, shown, stale, stale_count = digests.digest_for(reader, since=since, until=MONDAY, now=MONDAY)
        return len(captured), counts["new"], len(shown["new"])

    ten = queries_for(10)
    hundred = queries_for(90)
    assert ten[1:] == (10, 5) and hundred[1:] == (100, 5)
    # the reader's roles (memberships and working groups, one query), the window's cap, the
    # counts (one aggregate), the one non-empty section's five rows
    assert (ten[0], hundred[0]) == (4, 4)


def test_beyond_the_news_cap_the_rest_waits_for_the_next_digest(network, settings):
    settings.NOTIFICATIONS_DIGEST_MAX_NEWS = 10
    prefer(network.stakeholder, digest="daily")
    file_many(network, 12)

    first = digest()[network.stakeholder.email]
    assert first.count == 10
    assert "Fall 10" not in mail.outbox[0].body and "Fall 09" in mail.outbox[0].body

    second = digest(when=MONDAY + datetime.timedelta(days=1))[network.stakeholder.email]
    assert second.count == 2
    assert "Fall 10" in mail.outbox[0].body and "Fall 11" in mail.outbox[0].body and "Fall 09" not in mail.outbox[0].body


def test_at_most_one_digest_per_person_and_day(network):
    prefer(network.stakeholder, digest="daily")
    file_many(network, 2)
    assert list(digest()) == [network.stakeholder.email]

    # she switches to weekly the same morning: the weekly run that day sends her nothing more
    prefer(network.stakeholder, digest="weekly")
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=20), tick=False):
        file_challenge(actor=network.partner, organisation=network.org, title="Noch eins")
    assert network.stakeholder.email not in digest("weekly", when=MONDAY + datetime.timedelta(minutes=30))
    assert OutgoingMail.objects.filter(kind="digest", recipient=network.stakeholder).count() == 1
    # the news waits: next week's digest has it
    later = digest("weekly", when=MONDAY + datetime.timedelta(days=7))
    assert "Noch eins" in next(m for m in mail.outbox if m.to == [network.stakeholder.email]).body
    assert network.stakeholder.email in later

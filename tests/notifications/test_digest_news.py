"""The coordinators' news in the digest: a section with the news since the last digest that
the recipient may read (network-only news not for visitors' eyes is for the network only),
never twice, a digest even when news is all there is, and a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail

from network import services_public
from network.models_public import PublicVisibility
from notifications import digests, services
from tests.factories import UserFactory

from .support import prefer

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)  # 07:00 in Berlin


def _news(network, title, *, hours_before=2, visibility=PublicVisibility.PUBLIC, when=MONDAY):
    return services_public.news_create(
        actor=network.coordinator, title=title, text=f"{title}: Einzelheiten im Netzwerk.",
        visibility=visibility, published_at=when - datetime.timedelta(hours=hours_before),
    )


def _digest(when=MONDAY):
    with time_machine.travel(when, tick=False):
        outcomes = services.digests_send(period="daily")
    services.send_now(o.mail for o in outcomes)
    return {o.user.email: o for o in outcomes}


def test_the_news_since_the_last_digest_are_a_section_of_their_own(network):
    prefer(network.stakeholder, digest="daily")
    item = _news(network, "Anmeldung zur Jahrestagung ist offen")

    sent = _digest()

    assert sent[network.stakeholder.email].sections["news"] == 1
    (message,) = [m for m in mail.outbox if m.to == [network.stakeholder.email]]
    assert message.subject == "[Willkommensnetz] Ihre tägliche Zusammenfassung: 1 Neuigkeit"
    assert "== Neuigkeiten aus dem Netzwerk (1) ==" in message.body
    assert "Anmeldung zur Jahrestagung ist offen" in message.body
    assert f"/news/{item.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "Neuigkeiten aus dem Netzwerk (1)" in html and f"/news/{item.pk}/" in html

    # The next day's digest does not repeat it; a newer item comes alone.
    mail.outbox.clear()
    tomorrow = MONDAY + datetime.timedelta(days=1)
    _news(network, "Protokoll der Koordinationsrunde", when=tomorrow)
    _digest(tomorrow)
    (message,) = [m for m in mail.outbox if m.to == [network.stakeholder.email]]
    assert "Protokoll der Koordinationsrunde" in message.body
    assert "Anmeldung zur Jahrestagung" not in message.body


def test_network_only_news_reach_only_those_who_may_read_them(network):
    outsider = prefer(UserFactory(display_name="Nur Lesend"), digest="daily")
    prefer(network.partner, digest="daily")
    _news(network, "Nur für Partner", visibility=PublicVisibility.NETWORK)

    sent = _digest()

    assert network.partner.email in sent
    assert sent[network.partner.email].sections["news"] == 1
    assert outsider.email not in sent  # nothing they may read happened: no mail


def test_the_author_is_not_told_of_their_own_news(network):
    prefer(network.coordinator, digest="daily")
    _news(network, "Eigene Meldung")

    assert network.coordinator.email not in _digest()


def test_the_news_section_reads_in_the_same_queries_for_3_and_30_items(network, django_assert_num_queries):
    since = MONDAY - datetime.timedelta(days=10)

    def section_with(n):
        for i in range(n):
            _news(network, f"Meldung {i}", hours_before=i + 1)
        reader = type(network.stakeholder).objects.get(pk=network.stakeholder.pk)  # roles not cached
        # 1: roles (admitted memberships and working groups) 2: the count 3: the latest few
        with django_assert_num_queries(3):
            return digests.announcements_for(reader, since=since, until=MONDAY)

    three = section_with(3)
    assert three["count"] == 3 and len(three["rows"]) == 3 and three["more"] == 0
    thirty = section_with(27)
    assert thirty["count"] == 30 and len(thirty["rows"]) == digests.items_per_section()
    assert thirty["more"] == 30 - digests.items_per_section()
    assert thirty["rows"][-1]["title"] == "Meldung 0"  # the latest last

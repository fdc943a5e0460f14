"""Field edits and (re)assignments reach the digest as readable sentences (before → after, long
texts abbreviated), in the recipient's language, only on challenges they may see, bounded like
the other sections."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.permissions import forget_roles
from notifications import digests, services
from tests.builders import file_challenge
from workflows import services as workflow_services

from .support import prefer

pytestmark = pytest.mark.django_db
MONDAY = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)  # 07:00 in Berlin
BEFORE = MONDAY - datetime.timedelta(days=2)
EARLIER = MONDAY - datetime.timedelta(hours=5)


def digest(when=MONDAY):
    mail.outbox.clear()
    with time_machine.travel(when, tick=False):
        outcomes = services.digests_send(period="daily")
    services.send_now(o.mail for o in outcomes)
    return {o.user.email: o for o in outcomes}


def test_an_edit_is_told_field_by_field_with_before_and_after_in_text_and_html(network):
    prefer(network.stakeholder, digest="daily")
    with time_machine.travel(BEFORE, tick=False):
        challenge = file_challenge(actor=network.partner, organisation=network.org,
                                   title="Anerkennung dauert zu lange")
    digest(when=BEFORE + datetime.timedelta(hours=1))  # the filing is told; the edit is news
    long_text = "Die Bearbeitung der Anträge dauert im Landkreis seit Monaten viel zu lange. " * 5
    with time_machine.travel(EARLIER, tick=False):
        workflow_services.challenge_update(
            actor=network.partner, challenge=challenge,
            title="Anerkennung dauert sechs Monate", description=long_text,
        )

    sent = digest()

    assert sent[network.stakeholder.email].sections["changes"] == 1
    (message,) = mail.outbox
    assert "== Änderungen und Zuweisungen (1) ==" in message.body
    assert "Petra Partner hat die Herausforderung bearbeitet:" in message.body
    assert "Titel geändert: „Anerkennung dauert zu lange“ → „Anerkennung dauert sechs Monate“" in message.body
    # the long description is abbreviated, not copied whole
    (line,) = [ln for ln in message.body.splitlines() if "Beschreibung geändert" in ln]
    assert line.rstrip().endswith("…“") and len(line) < 2 * digests.wording.CHANGE_VALUE_CHARS + 60
    html = message.alternatives[0][0]
    assert "Änderungen und Zuweisungen (1)" in html
    assert "Titel geändert: „Anerkennung dauert zu lange“ → „Anerkennung dauert sechs Monate“" in html


def test_an_assignment_is_told_and_in_english_for_an_english_reader(network):
    prefer(network.stakeholder, digest="daily", language="en")
    with time_machine.travel(BEFORE, tick=False):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    digest(when=BEFORE + datetime.timedelta(hours=1))
    with time_machine.travel(EARLIER, tick=False):
        workflow_services.challenge_assign_working_group(
            actor=network.coordinator, challenge=challenge, working_group=network.group
        )

    digest()

    (message,) = mail.outbox
    assert "== Edits and assignments (1) ==" in message.body
    assert "Clara Coordinator assigned the challenge to the working group AG Anerkennung." in message.body
    assert "Working group changed: “—” → “AG Anerkennung”" in message.body


def test_edits_of_a_restricted_challenge_reach_only_who_may_see_it(network):
    for person in (network.stakeholder, network.group_member):
        prefer(person, digest="daily")
    with time_machine.travel(BEFORE, tick=False):
        secret = file_challenge(actor=network.partner, organisation=network.org,
                                visibility="restricted", title="Vertrauliche Sache")
        workflow_services.challenge_assign_working_group(
            actor=network.coordinator, challenge=secret, working_group=network.group
        )
    digest(when=BEFORE + datetime.timedelta(hours=1))
    with time_machine.travel(EARLIER, tick=False):
        workflow_services.challenge_update(actor=network.coordinator, challenge=secret,
                                           title="Vertrauliche Sache, neu")

    sent = digest()

    assert network.stakeholder.email not in sent
    (message,) = [m for m in mail.outbox if m.to == [network.group_member.email]]
    assert "Vertrauliche Sache, neu" in message.body


def test_the_edits_section_is_read_in_the_same_number_of_queries_for_10_and_100_edits(network):
    reader = network.stakeholder
    with time_machine.travel(BEFORE, tick=False):
        challenge = file_challenge(actor=network.partner, organisation=network.org)
    since = BEFORE + datetime.timedelta(minutes=1)

    def queries_for(n):
        for i in range(n):
            with time_machine.travel(EARLIER + datetime.timedelta(seconds=len(str(n)) * 1000 + i), tick=False):
                workflow_services.challenge_update(actor=network.partner, challenge=challenge,
                                                   title=f"Titel {n}-{i}", description=f"Text {n}-{i}")
        forget_roles(reader)
        with CaptureQueriesContext(connection) as captured:
            _until, counts, shown, _stale, _n = digests.digest_for(reader, since=since, until=MONDAY, now=MONDAY)
            told = [digests.wording.describe(e).changes for e in shown["changes"]]
        return len(captured), counts["changes"], len(told), {len(lines) for lines in told}

    ten, hundred = queries_for(10), queries_for(90)
    assert ten[1:] == (10, 5, {2}) and hundred[1:] == (100, 5, {2})
    # the reader's roles (one), the window's cap, the counts, the section's five rows and
    # their changed fields (one prefetch)
    assert ten[0] == hundred[0] == 5

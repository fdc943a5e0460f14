"""Work at a glance: my-work and the challenge list count the open challenges per state and
say how many are overdue, truthfully whether a reminder rule is configured or not."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.builders import advance, file_challenge
from workflows import hooks, selectors
from workflows.models import State


@pytest.fixture
def cases(network):
    """Two challenges reported 40 days ago (past the 14-day reminder age), one analysed today."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40), tick=False):
        old = [file_challenge(actor=network.partner, organisation=network.org, title=f"Alt {n}")
               for n in range(2)]
    fresh = file_challenge(actor=network.partner, organisation=network.org, title="Neu")
    advance(fresh, State.ANALYSED, actor=network.group_member, group=network.group)
    return old


def test_counts_per_state_and_overdue_in_one_grouped_query(network, cases, django_assert_num_queries):
    qs = selectors.challenges_visible_to(network.coordinator)
    with django_assert_num_queries(2):  # the reminder policy, the counts grouped by state
        glance = selectors.glance_of(qs)
    counts = {c.state: (c.count, c.overdue) for c in glance.states}
    assert counts[State.REPORTED] == (2, 2)
    assert counts[State.ANALYSED] == (1, 0)
    assert counts[State.TRIALLED] == (0, 0)
    assert glance.total == 3 and glance.overdue == 2 and glance.reminders_configured


def test_my_work_says_what_is_overdue(network, cases, sign_in):
    body = sign_in(network.partner).get("/").content.decode()
    assert "Meine Herausforderungen auf einen Blick" in body
    assert "2 überfällig" in body
    assert "2 Herausforderungen warten länger, als die Erinnerungsregel erlaubt." in body
    assert "seit 40 Tagen" in body


def test_without_a_reminder_rule_nothing_claims_to_be_in_time(network, cases, sign_in, monkeypatch):
    monkeypatch.setattr(hooks, "_stale_filter", [])
    body = sign_in(network.partner).get("/").content.decode()
    assert "Es sind keine Fristen für Erinnerungen eingerichtet" in body
    assert "Nichts ist überfällig" not in body
    assert "überfällig</span>" not in body


def test_the_list_counts_its_results_per_state_and_links_each(network, cases, sign_in):
    client = sign_in(network.coordinator, language="en")
    body = client.get("/challenges/?topic=").content.decode()
    assert "Open challenges among the results, per state" in body
    assert 'href="/challenges/?topic=&amp;state=reported"' in body
    assert "2 challenges are waiting longer than the reminder policy allows." in body
    analysed = client.get("/challenges/?state=analysed").content.decode()
    assert "None of them is waiting longer than the reminder policy allows." in analysed


def test_list_cells_carry_their_label_for_phone_cards(network, cases, sign_in):
    body = sign_in(network.coordinator).get("/challenges/").content.decode()
    rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<td") == rows.count('<td data-label="') > 0
    assert 'data-label="Arbeitsgruppe"' in rows
